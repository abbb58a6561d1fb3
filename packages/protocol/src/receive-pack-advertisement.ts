/**
 * The ref advertisement served at GET info/refs?service=git-receive-pack (gitprotocol-http "Smart
 * Clients", gitprotocol-pack "Reference Discovery"), byte for byte what git 2.39's http-backend sends:
 *   # service=git-receive-pack LF, flush, <id> <ref> NUL <caps> LF, <id> <ref> LF..., flush.
 * receive-pack advertises neither HEAD nor peeled `^{}` lines; with no refs it sends one
 * `<zero-id> capabilities^{}` line carrying the capabilities.
 */
import { ZERO_ID } from './object-id.js';
import { FLUSH_PKT, encodePkt } from './pkt-line.js';
import { refNameProblem } from './ref-format.js';
import { serializeV0Advertisement } from './v0-advertisement.js';

const SERVICE_HEADER = Buffer.concat([encodePkt('# service=git-receive-pack\n'), FLUSH_PKT]);

/**
 * The smart-HTTP info/refs?service=git-receive-pack body: '# service=git-receive-pack\n' pkt, flush,
 * then the refs in the given order (the first carries '\0' + capabilities joined by spaces; with no refs
 * a single '<zero-id> capabilities^{}\0caps' line), flush. No peeled '^{}' lines (receive-pack
 * advertises none). Throws TypeError on an invalid id or capability, or a ref name git would not hold.
 */
export function receivePackAdvertisement(refs: readonly { name: string; id: string }[], capabilities: readonly string[]): Buffer {
  for (const ref of refs) {
    const problem = refNameProblem(ref.name, true);
    if (problem !== undefined) throw new TypeError(`invalid ref name ${JSON.stringify(ref.name)}: ${problem}`);
  }
  const lines = refs.length > 0 ? refs.map((r) => ({ name: r.name, id: r.id })) : [{ name: 'capabilities^{}', id: ZERO_ID }];
  return Buffer.concat([
    SERVICE_HEADER,
    serializeV0Advertisement({ refs: lines, capabilities: [...capabilities], version1: false }, { serviceHeader: false }),
  ]);
}
