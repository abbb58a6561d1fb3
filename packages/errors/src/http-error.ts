/** The one mapping from a thrown error to an HTTP answer, used by the git routes and the API alike. */
import { GitgateError } from './gitgate-error.js';

/** Status, code and message of an error answer. */
export interface HttpError {
  status: number;
  code: string;
  message: string;
}

/** The answer for an error nobody declared: no detail of it leaves the process. */
const INTERNAL: HttpError = Object.freeze({ status: 500, code: 'GITGATE_INTERNAL', message: 'internal error' });

/**
 * The HTTP answer for any thrown value: a GitgateError answers with its declared status, code and
 * message, except that a plain 500 says only 'internal error' (its message may name paths or git's
 * stderr); any other value is 500 'internal error' without details.
 */
export function httpErrorOf(err: unknown): HttpError {
  if (!(err instanceof GitgateError)) return INTERNAL;
  return { status: err.status, code: err.code, message: err.status === 500 ? INTERNAL.message : err.message };
}
