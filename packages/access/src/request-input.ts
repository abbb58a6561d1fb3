/** What every approval request service (detokenize-service.ts, push-approval-service.ts) checks and reports the same way. */
import type { Logger } from '@gitgate/log';
import { AccessError, codes } from './access-error.js';
import type { Principal } from './identity.js';

/** Longest reason or comment accepted. */
export const MAX_TEXT = 2000;

/** Throws TypeError unless `id` is `{ subject, groups }` (caller misuse). */
export function assertPrincipal(id: Principal): void {
  if (typeof id !== 'object' || id === null || typeof id.subject !== 'string' || id.subject === '' || !Array.isArray(id.groups)) {
    throw new TypeError('identity must be { subject, groups }');
  }
}

/** A trimmed optional text (null when blank); AccessError GITGATE_BAD_INPUT when not a string or too long. */
export function optionalText(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new AccessError(codes.badInput, `${name} must be a string`);
  const t = v.trim();
  if (t.length > MAX_TEXT) throw new AccessError(codes.badInput, `${name} must be at most ${MAX_TEXT} characters`);
  return t === '' ? null : t;
}

/** The comment of a denial: required, so the requester learns why (AccessError GITGATE_COMMENT_REQUIRED when blank). */
export function denyComment(note: string | null): string {
  if (note === null) throw new AccessError(codes.commentRequired, 'a deny needs a comment saying why (the requester sees it)');
  return note;
}

/** A request id as given; anything that cannot be one of ours (uuids) is not found, and not echoed back. */
export function requestIdOf(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '' || v.length > 100) throw new AccessError(codes.notFound, `no such ${what}`);
  return v;
}

/** `ms` after `now`, as ISO 8601 UTC. */
export function later(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}

/** Hands committed events to `listener`; a failing listener is logged and never undoes a change. */
export function emitEach<E extends { type: string; requestId: string | null }>(listener: ((e: E) => void) | undefined, events: readonly E[], log: Logger): void {
  if (!listener) return;
  for (const e of events) {
    try {
      const r: unknown = listener(e);
      if (r instanceof Promise) r.catch((err: unknown) => log.warn('request event listener failed', { type: e.type, requestId: e.requestId, error: (err as Error)?.message }));
    } catch (err) {
      log.warn('request event listener failed', { type: e.type, requestId: e.requestId, error: (err as Error)?.message });
    }
  }
}
