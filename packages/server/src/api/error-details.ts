/**
 * What an API error answer carries besides code, message and the call's requestId: the details a
 * caller can act on, picked one by one from the error's data (never the whole data, never a secret).
 */
import { GitgateError } from '@gitgate/errors';
import { codes } from '@gitgate/access';

/** The extra fields of an error answer (OpenAPI `Error`): `openRequestId` on a 409 for an already open request. */
export interface ErrorDetails {
  /** The caller's open detokenize request for the same token, which a client can wait on instead. */
  openRequestId?: string;
}

/** The details of `e` a caller may see; `{}` for anything else. */
export function errorDetails(e: unknown): ErrorDetails {
  if (!(e instanceof GitgateError) || e.code !== codes.conflict) return {};
  const data = e.data ?? {};
  return data['reason'] === 'open-request' && typeof data['requestId'] === 'string' ? { openRequestId: data['requestId'] } : {};
}
