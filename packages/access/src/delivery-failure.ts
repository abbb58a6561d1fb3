/**
 * What a failed webhook attempt is called in logs and audit rows: the system error code under
 * fetch's generic `TypeError: fetch failed` (ECONNREFUSED, ENOTFOUND, ECONNRESET…), ETIMEDOUT for our
 * own time limit, or `HTTP <status>` for an answer that was not 2xx. Never a URL, header or body.
 */

/** The name of what went wrong in one attempt: `err` when there was no answer, else `status`. */
export function failureOf(err: unknown, status: number | null = null): string {
  if (err === undefined || err === null) return status === null ? 'unknown' : `HTTP ${status}`;
  const e = err as { name?: unknown; code?: unknown; cause?: unknown };
  if (e.name === 'TimeoutError') return 'ETIMEDOUT';
  const code = codeOf(e.cause) ?? codeOf(e);
  if (code) return code;
  return typeof e.name === 'string' && e.name !== '' ? e.name : 'unknown';
}

/** A code such as 'ECONNREFUSED' or 'UND_ERR_SOCKET' (also of the first of an AggregateError's errors). */
function codeOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = (v as { code?: unknown }).code;
  if (typeof c === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(c)) return c;
  const first = (v as { errors?: unknown }).errors;
  return Array.isArray(first) && first.length > 0 ? codeOf(first[0]) : undefined;
}
