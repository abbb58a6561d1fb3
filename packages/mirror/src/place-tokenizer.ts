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

/** A PlaceTokenizer over a scanner and a minter: content-only scanning, no path hint. */
export function createPlaceTokenizer(scanner: Scanner, minter: TokenMinter): PlaceTokenizer {
  return (bytes, form) => {
    const findings = scanner.scan(bytes);
    if (findings.length === 0) return { content: bytes, secrets: [] };
    return tokenize(bytes, findings, minter, form === 'ref' ? refSafeToken : undefined);
  };
}
