/**
 * Errors of the HTTP layer, declared once with their HTTP status. The answer for any error, on git
 * routes and API alike, comes from `httpErrorOf` (@gitgate/errors): the declared status, or 500.
 */
import { defineError, codesOf, errorClass } from '@gitgate/errors';
import { accessErrors } from '@gitgate/access';
import { mirrorErrors } from '@gitgate/mirror';

/** The declared errors of this package (two are shared with the package that declares them first). */
export const serverErrors = {
  /** Push (receive-pack) asked of a read-only gateway. */
  readOnly: defineError('GITGATE_READ_ONLY', 403, 'gitgate is a read-only gateway'),
  /** A push by someone who may read the repository but is not one of its writers. */
  notWriter: defineError('GITGATE_NOT_WRITER', 403, 'you may not push to this repository'),
  /** An identity whose pushes were refused too often lately (push-throttle.ts). */
  pushThrottled: defineError('GITGATE_PUSH_THROTTLED', 429, 'too many refused pushes'),
  /** The dumb HTTP protocol, never offered. */
  dumbHttp: defineError('GITGATE_DUMB_HTTP', 403, 'the dumb HTTP protocol is not offered'),
  /** A service other than git-upload-pack. */
  notOffered: defineError('GITGATE_NOT_OFFERED', 403, 'only the git-upload-pack service is offered'),
  /** A repository not served, or one the caller may not read (answered alike: no enumeration). */
  unknownRepo: defineError('GITGATE_UNKNOWN_REPO', 404, 'repository not served by this gateway'),
  /** A git endpoint asked with the wrong HTTP method. */
  methodNotAllowed: defineError('GITGATE_METHOD_NOT_ALLOWED', 405, 'method not allowed'),
  /** The decoded request body is over the limit. */
  bodyTooLarge: defineError('GITGATE_BODY_TOO_LARGE', 413, 'request body too large'),
  /** A Content-Encoding not supported, or a body that does not decode. */
  badEncoding: defineError('GITGATE_BAD_ENCODING', 400, 'request body could not be decoded'),
  /** The tokens a pack exposes could not be determined, so the pack is not sent. */
  exposureFailed: defineError('GITGATE_EXPOSURE_FAILED', 503, 'the tokens this pack exposes could not be determined, so it is not sent; try again later'),
  /** A feature of the API this gateway was not configured with. */
  notConfigured: defineError('GITGATE_NOT_CONFIGURED', 501, 'not configured on this gateway'),
  auditUnavailable: accessErrors.auditUnavailable,
  upstreamFailed: mirrorErrors.upstreamFailed,
};

/** An error of the HTTP layer; `status` is the one declared for its code. */
export class ServerError extends errorClass('ServerError', serverErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(serverErrors);
export type ServerErrorCode = (typeof codes)[keyof typeof codes];
