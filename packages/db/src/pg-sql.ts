/**
 * The stores write SQLite's `?` parameters; PostgreSQL numbers them (`$1`, `$2`, …). The translation
 * skips quoted strings, quoted identifiers and comments, so a `?` inside them stays text.
 */
const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;

/** `sql` with every `?` parameter outside quotes and comments numbered `$1…$n`. */
export function numberParameters(sql: string): string {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const skip = skipQuotedOrComment(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
    } else {
      out += c === '?' ? `$${++n}` : c;
      i++;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sql, out);
  return out;
}

/** The index after a quoted string, quoted identifier or comment starting at `i`; `i` when none starts there. */
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c) { j += 2; continue; }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return i;
}
