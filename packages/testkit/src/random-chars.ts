/** Random text for fake secrets assembled at test time, so no secret-shaped literal lives in the repository. */
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random characters from A–Z, a–z and 0–9. */
export function randomChars(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/**
 * `n` random characters from A–Z, a–z and 0–9 that `accept` takes (a fake value some check must pass,
 * e.g. the scanner's bare-match filter). Throws when 1000 draws in a row are refused.
 */
export function randomCharsWhere(n: number, accept: (value: string) => boolean): string {
  for (let tries = 0; tries < 1000; tries++) {
    const s = randomChars(n);
    if (accept(s)) return s;
  }
  throw new Error(`no random value of ${n} chars was accepted`);
}
