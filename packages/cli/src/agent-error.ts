/** Errors of the agent-side commands (`gitgate token`, `git-credential-gitgate`). Messages never hold a JWT or a secret. */
import { codesOf, defineError, errorClass } from '@gitgate/errors';

/** The declared errors of the agent-side commands: code, status and default message, once each. */
export const agentErrors = {
  /** No OIDC token could be read from the configured source (command, file, GitHub Actions). */
  noJwt: defineError('GITGATE_NO_JWT', 500, 'no OIDC token could be obtained'),
  /** The gateway answered an API call with an error: `data.status`, `data.code`, `data.openRequestId`. */
  apiRefused: defineError('GITGATE_API_REFUSED', 502, 'the gateway refused the call'),
  /** The gateway could not be reached, or answered something that is not the API's JSON. */
  unreachable: defineError('GITGATE_GATEWAY_UNREACHABLE', 502, 'the gateway could not be reached'),
};

/** A failure of an agent-side command. */
export class AgentError extends errorClass('AgentError', agentErrors) {}

/** Stable error codes of the agent-side commands. */
export const agentCodes = codesOf(agentErrors);
