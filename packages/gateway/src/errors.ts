/** Errors of the composed gateway: starting it and holding its data directory. */
import { codesOf, defineError, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const gatewayErrors = {
  /** A configuration the gateway cannot start with. */
  config: defineError('GITGATE_CONFIG', 500, 'invalid configuration'),
  /** Another gitgate process holds the data directory. */
  dataDirInUse: defineError('GITGATE_DATA_DIR_IN_USE', 500, 'the data directory is in use'),
};

/** A gateway that cannot start. `code` is stable; the message names what to change. */
export class GatewayError extends errorClass('GatewayError', gatewayErrors) {}

/** Stable error codes of this package. */
export const codes = codesOf(gatewayErrors);
