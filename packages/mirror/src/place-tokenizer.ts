/**
 * Scans the bytes of one place of an object or ref and writes each secret's token in the form that
 * place allows: `[[TOKEN_<type>_<id>]]` in text, `TOKEN_<type>_<id>` where `[` is not allowed (ref
 * names, a tag's name). See docs/architecture.md, "Places scanned".
 */
import type { Scanner } from '@gitgate/scanner';
import { refSafeToken, type TokenMinter } from '@gitgate/vault';
import { tokenize, type TakenSecret } from './tokenize.js';

/** How a token is written in a place: `text` as is, `ref` in the ref-safe form. */
export type TokenForm = 'text' | 'ref';

export interface Tokenized {
  /** The bytes with every secret replaced; the very Buffer given when nothing was found. */
  content: Buffer;
  secrets: TakenSecret[];
}

/** Tokenizes the secrets in `bytes`. Throws what the scanner throws (the caller fails closed). */
export type PlaceTokenizer = (bytes: Buffer, form: TokenForm) => Tokenized;

/** A place has no file name: every finding of every kind applies (fail closed). */
const UNNAMED = Object.freeze({ kind: 'unknown' as const });

/** A PlaceTokenizer over a scanner and a minter: content-only scanning, no file name. */
export function createPlaceTokenizer(scanner: Scanner, minter: TokenMinter): PlaceTokenizer {
  return (bytes, form) => {
    const findings = scanner.scan(bytes, UNNAMED);
    if (findings.length === 0) return { content: bytes, secrets: [] };
    return tokenize(bytes, findings, minter, form === 'ref' ? refSafeToken : undefined);
  };
}

const NL = 0x0a;

/**
 * Tokenizes several short places at once: `pieces` are scanned as the lines of one text, one scanner
 * call in all (a call costs about as much for one short name as for a whole tree of them). Returns
 * each piece (the very Buffer given when nothing in it changed) and the secrets, or null when nothing
 * was found. A piece holding a newline, or a secret running across two pieces, makes every piece be
 * scanned alone instead. Throws what the tokenizer throws.
 */
export function tokenizePieces(pieces: readonly Buffer[], form: TokenForm, tokenize: PlaceTokenizer): { pieces: Buffer[]; secrets: TakenSecret[] } | null {
  if (pieces.length === 0) return null;
  if (!pieces.some((p) => p.indexOf(NL) >= 0)) {
    const joined = Buffer.allocUnsafe(pieces.reduce((n, p) => n + p.length + 1, -1));
    let at = 0;
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) joined[at++] = NL;
      at += pieces[i]!.copy(joined, at);
    }
    const r = tokenize(joined, form);
    if (r.secrets.length === 0) return null;
    const lines = splitLines(r.content);
    // A token holds no newline, so the same count of lines means no secret ran across two pieces.
    if (lines.length === pieces.length) {
      return { pieces: lines.map((line, i) => (line.equals(pieces[i]!) ? pieces[i]! : Buffer.from(line))), secrets: r.secrets };
    }
  }
  const out: Buffer[] = [];
  const secrets: TakenSecret[] = [];
  for (const p of pieces) {
    const r = tokenize(p, form);
    out.push(r.secrets.length === 0 ? p : Buffer.from(r.content));
    secrets.push(...r.secrets);
  }
  return secrets.length === 0 ? null : { pieces: out, secrets };
}

function splitLines(text: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let from = 0;
  for (let nl = text.indexOf(NL); nl >= 0; nl = text.indexOf(NL, from)) {
    lines.push(text.subarray(from, nl));
    from = nl + 1;
  }
  lines.push(text.subarray(from));
  return lines;
}
