/**
 * receive-pack's answer to a push with the `report-status` capability (gitprotocol-pack "Report
 * Status"; not report-status-v2): `unpack ok` or `unpack <reason>`, then `ok <ref>` or
 * `ng <ref> <reason>` per ref, then a flush-pkt. With side-band-64k git sends these pkt-lines inside
 * band 1 (sidebandPkts) and a flush-pkt after them.
 */
import { FLUSH_PKT, encodePkt } from './pkt-line.js';

/** The outcome of one ref update; `reason` is required when `ok` is false and unused when it is true. */
export interface RefStatus { ref: string; ok: boolean; reason?: string }

/** Text git's client prints as is: non-empty, no control characters (a LF would end the line early). */
function checkText(what: string, text: string | undefined): string {
  if (text === undefined || text.length === 0 || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new TypeError(`${what} must be non-empty text without control characters: ${JSON.stringify(text)}`);
  }
  return text;
}

/**
 * report-status (not v2): pkt-lines 'unpack ok\n' (or 'unpack <reason>\n' when `unpackError` is
 * given), then 'ok <ref>\n' or 'ng <ref> <reason>\n' per ref, then a flush. git's client shows an ng
 * ref as `! [remote rejected] <src> -> <dst> (<reason>)`, and an unpack reason as
 * `error: remote unpack failed: <reason>`. Never put a secret in a reason: it goes to the agent.
 * Throws TypeError on a ref with a space or control character, an ng without a reason, a reason
 * with a control character, or a line longer than a pkt-line holds.
 */
export function reportStatus(refs: readonly RefStatus[], unpackError?: string): Buffer {
  const out = [encodePkt(`unpack ${unpackError === undefined ? 'ok' : checkText('unpackError', unpackError)}\n`)];
  for (const status of refs) {
    const ref = checkText('ref', status.ref);
    if (ref.includes(' ')) throw new TypeError(`ref must not hold a space: ${JSON.stringify(ref)}`);
    out.push(encodePkt(status.ok ? `ok ${ref}\n` : `ng ${ref} ${checkText('reason', status.reason)}\n`));
  }
  out.push(FLUSH_PKT);
  return Buffer.concat(out);
}
