/**
 * The check of one pushed blob under one name (invariant 9): sanitizing its restored form must give back
 * exactly the pushed bytes (`tokenize(restore(x)) == x`). When it does not, the refusal says why in the
 * agent's terms: a new raw secret (path, line, rule — as GitHub push protection does), or a token moved to
 * where the gateway would not find its value again (restoring it there would hand the value out).
 */
import type { Scanner, ScanHint } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';
import { rewriteBlob } from '../object-policy.js';
import { MirrorError, codes } from '../errors.js';
import { findTokens } from './token-restore.js';

/** Throws MirrorError GITGATE_PUSH_REFUSED unless `restored` sanitizes back to `pushed` under `name`. */
export type BlobCheck = (pushed: Buffer, restored: Buffer, name: string, where: string) => void;

/** A BlobCheck over the scanner a sync of this repository uses (known secrets included). */
export function blobCheck(scanner: Scanner, minter: TokenMinter): BlobCheck {
  return (pushed, restored, name, where) => {
    const hint: ScanHint | undefined = name === '' ? undefined : { path: name };
    const r = rewriteBlob(restored, scanner, minter, hint);
    if (r.withheld > 0) refuse(`${where}: the gateway cannot scan this file (too large or undecodable), so it cannot accept it`, where);
    if ((r.content ?? restored).equals(pushed)) return;
    const raw = newSecret(scanner, pushed, hint);
    if (raw !== null) {
      refuse(`${where}:${raw.line}: a new secret (rule ${raw.ruleId}); push it as a token, or not at all`, where, { line: raw.line, rule: raw.ruleId });
    }
    const resanitized = (r.content ?? restored).toString('latin1');
    const moved = findTokens(pushed, 'text').find((t) => !resanitized.includes(t.token)) ?? findTokens(pushed, 'text')[0];
    if (moved !== undefined) {
      refuse(`${where}:${lineOf(pushed, moved.start)}: ${moved.token} would not come back as a token where it now stands (the gateway would not find its value there), so it cannot be restored: keep the token where it was, or remove it`, where, { line: lineOf(pushed, moved.start), token: moved.token });
    }
    refuse(`${where}: sanitizing this file again would change it`, where);
  };
}

/** The first finding of the pushed bytes themselves that is not a token, with its line. */
function newSecret(scanner: Scanner, pushed: Buffer, hint: ScanHint | undefined): { line: number; ruleId: string } | null {
  let findings;
  try {
    findings = scanner.scan(pushed, hint);
  } catch {
    return null;
  }
  const tokens = findTokens(pushed, 'text');
  const f = findings.find((x) => !tokens.some((t) => x.start >= t.start && x.end <= t.end));
  return f === undefined ? null : { line: lineOf(pushed, f.start), ruleId: f.ruleId };
}

function lineOf(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

function refuse(message: string, where: string, data: Record<string, unknown> = {}): never {
  throw new MirrorError(codes.pushRefused, message, { data: { where, ...data } });
}
