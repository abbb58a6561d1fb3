/** Errors of the process runner: one class, a stable code, the exit code and a bounded stderr tail. */
import { codesOf, defineError, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const gitErrors = {
  /** git could not be started, or exited with a code the caller did not accept. */
  failed: defineError('GITGATE_GIT_FAILED', 500, 'a git process failed'),
  /** git ran longer than its timeout and was killed. */
  timeout: defineError('GITGATE_GIT_TIMEOUT', 504, 'a git process did not finish in time'),
  /** The caller's AbortSignal fired and git was killed. */
  aborted: defineError('GITGATE_GIT_ABORTED', 500, 'a git process was stopped by its caller'),
};

/** A failed git process. `data` holds the exit code or signal and a bounded, redacted stderr tail. */
export class GitError extends errorClass('GitError', gitErrors) {}

/** Stable error codes of this package. */
export const GIT_ERROR = codesOf(gitErrors);
