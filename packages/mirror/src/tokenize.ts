/** Replaces finding spans in a byte buffer with vault tokens. */
import { replaceSecrets, type Finding, type Scanner, type ScanHint } from '@gitgate/scanner';
import type { TokenMinter } from '@gitgate/vault';

/** A secret taken out of an object, held in memory only until the vault stores it. */
export interface TakenSecret {
  token: string;
  type: string;
  ruleId: string;
  secret: Buffer;
}

/**
 * Returns `content` with every finding's span replaced by its token; bytes outside the spans are kept
 * exactly. Findings must be sorted and non-overlapping (the scanner guarantees it). `form` writes the
 * token as its place needs it (a ref name cannot hold `[`); the secrets keep the vault's token.
 */
export function tokenize(
  content: Buffer, findings: readonly Finding[], minter: TokenMinter, form?: (token: string) => string,
): { content: Buffer; secrets: TakenSecret[] } {
  const parts: Buffer[] = [];
  const secrets: TakenSecret[] = [];
  let at = 0;
  for (const f of findings) {
    if (f.start < at || f.end <= f.start || f.end > content.length) {
      throw new TypeError(`finding ${f.ruleId} has an invalid span ${f.start}..${f.end}`);
    }
    // An own allocation: a small Buffer.from copy would be a slice of an 8 KiB pool slab and keep the
    // whole slab alive until the vault stores the secret at the end of the sync.
    const secret = Buffer.allocUnsafeSlow(f.end - f.start);
    content.copy(secret, 0, f.start, f.end);
    const token = minter.tokenFor(f.type, secret);
    parts.push(content.subarray(at, f.start), Buffer.from(form ? form(token) : token, 'latin1'));
    secrets.push({ token, type: f.type, ruleId: f.ruleId, secret });
    at = f.end;
  }
  parts.push(content.subarray(at));
  return { content: Buffer.concat(parts), secrets };
}

/**
 * Returns blob `content` with every secret replaced by its token, reading UTF-16 text, gzip and zip
 * the way `replaceSecrets` does (a rebuilt container still opens); `content` itself when nothing was
 * found. Each secret found inside a container is taken exactly like a plain one. `hint` selects the
 * findings of the content itself (default: every finding, see `replaceSecrets`).
 * @throws ScannerError when the content cannot be fully scanned: the caller withholds it.
 */
export function tokenizeBlob(scanner: Scanner, content: Buffer, minter: TokenMinter, hint?: ScanHint): { content: Buffer; secrets: TakenSecret[] } {
  const secrets: TakenSecret[] = [];
  const out = replaceSecrets(scanner, content, (f, secret) => {
    const token = minter.tokenFor(f.type, secret);
    secrets.push({ token, type: f.type, ruleId: f.ruleId, secret });
    return token;
  }, hint);
  return { content: out, secrets };
}
