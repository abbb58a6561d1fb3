/** Durations written in configuration: an integer and a unit, as in `30s`, `15m`, `1h`, `2d`. */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration such as '500ms', '30s', '15m', '1h' or '2d' (surrounding spaces are
 * ignored). Throws TypeError when the input is not a string of that form or the result is not a
 * safe integer.
 */
export function parseDuration(s: string): number {
  if (typeof s !== 'string') throw new TypeError('a duration must be a string such as 15m, 1h or 2d');
  const m = /^(\d{1,15})(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new TypeError(`invalid duration ${JSON.stringify(s.slice(0, 40))}: use an integer and one of ms, s, m, h, d (e.g. 15m)`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!Number.isSafeInteger(ms)) throw new TypeError(`duration ${JSON.stringify(s.slice(0, 40))} is too long`);
  return ms;
}
