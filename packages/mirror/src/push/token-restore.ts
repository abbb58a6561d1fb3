/**
 * Tokens back to their values: the inverse of tokenize.ts for one place. A token is found in the form its
 * place holds it (`[[TOKEN_<type>_<id>]]` in text, `TOKEN_<type>_<id>` in ref and tag names) and replaced by
 * its secret; every other byte is kept. Tokens inside an encoding (UTF-16 text, gzip, zip) are not seen here
 * and stay tokens upstream (docs/architecture.md, "Push").
 */
import { canonicalToken } from '@gitgate/vault';
import type { TokenForm } from '../place-tokenizer.js';

const TEXT_TOKENS = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]{24}\]\]/g;
const REF_TOKENS = /TOKEN_[a-z0-9-]+_[A-Z2-7]{24}/g;

function pattern(form: TokenForm): RegExp {
  return new RegExp((form === 'ref' ? REF_TOKENS : TEXT_TOKENS).source, 'g');
}

/** Where the tokens of `bytes` are: byte offsets and the canonical token, in order. */
export function findTokens(bytes: Buffer, form: TokenForm): { start: number; end: number; token: string }[] {
  // latin1 maps bytes to code units one to one, so string offsets are byte offsets.
  const text = bytes.toString('latin1');
  const out: { start: number; end: number; token: string }[] = [];
  for (const m of text.matchAll(pattern(form))) out.push({ start: m.index, end: m.index + m[0].length, token: canonicalToken(m[0])! });
  return out;
}

/** The distinct canonical tokens `bytes` holds. */
export function tokensIn(bytes: Buffer, form: TokenForm): string[] {
  return [...new Set(findTokens(bytes, form).map((t) => t.token))];
}

/**
 * `bytes` with each token replaced by its secret from `secrets` (canonical token → value); the very
 * Buffer given when it holds no token. Throws TypeError for a token `secrets` lacks (callers resolve
 * every token first).
 */
export function restoreTokens(bytes: Buffer, secrets: ReadonlyMap<string, Buffer>, form: TokenForm): Buffer {
  const found = findTokens(bytes, form);
  if (found.length === 0) return bytes;
  const parts: Buffer[] = [];
  let at = 0;
  for (const t of found) {
    const secret = secrets.get(t.token);
    if (secret === undefined) throw new TypeError('a token was not resolved before restoring');
    parts.push(bytes.subarray(at, t.start), secret);
    at = t.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
