/**
 * Who is asking: the server's view of authentication and read policy. The gateway wires the OIDC
 * authenticator and the configured policy in; `mode: none` (loopback trials) uses the anonymous ones.
 */
import type { IncomingMessage } from 'node:http';
import type { RefusalAudit } from './refusal-audit.js';

export interface Identity {
  subject: string;
  groups: string[];
}

/** Turns an Authorization header into an identity; throws an error with code GITGATE_UNAUTHENTICATED. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Identity>;
}

/** Which identities may clone and fetch which repositories, and push to them. */
export interface ReadPolicy {
  canRead(identity: Identity, repo: string): boolean;
  /** Whether `identity` may push to `repo` at all (the push rules decide per ref); absent: nobody may. */
  canWrite?(identity: Identity, repo: string): boolean;
}

/** The identity of every request when authentication is off (loopback trials only). */
export const ANONYMOUS: Identity = Object.freeze({ subject: 'anonymous', groups: [] as string[] }) as Identity;

export const anonymousAuthenticator: Authenticator = { authenticate: async () => ANONYMOUS };
/** Auth mode none (loopback trials): everyone reads, and pushes where the repository has push settings. */
export const openPolicy: ReadPolicy = { canRead: () => true, canWrite: () => true };

/** The client address and user agent, for the audit. */
export function clientOf(req: IncomingMessage): { clientAddress: string; userAgent: string } {
  return { clientAddress: req.socket.remoteAddress ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200) };
}

/** A short, secret-free reason for an authentication failure (the error's data.reason, else its code). */
export function authFailureReason(e: unknown): string {
  const data = (e as { data?: { reason?: unknown } }).data;
  if (data && typeof data.reason === 'string') return data.reason;
  return String((e as { code?: unknown }).code ?? 'unknown');
}

/**
 * The one authenticate step of git routes and API: resolves the caller's identity, or records the
 * failure once — folded per reason and client, so a flood of bad logins cannot grow the audit queue —
 * and rethrows it marked as audited. `repo` names the repository a git request was for.
 */
export async function authenticateRequest(
  authenticator: Authenticator, refusals: RefusalAudit, req: IncomingMessage & { path: string }, repo?: string,
): Promise<Identity> {
  try {
    return await authenticator.authenticate(req.headers.authorization);
  } catch (e) {
    const reason = authFailureReason(e);
    const { clientAddress, userAgent } = clientOf(req);
    refusals.record(`auth-failure\n${reason}\n${clientAddress}\n${repo ?? ''}`, {
      kind: 'auth-failure', actor: 'anonymous', ...(repo !== undefined ? { repo } : {}),
      data: { reason, clientAddress, userAgent, path: req.path.slice(0, 300) },
    });
    throw Object.assign(e as object, { audited: true });
  }
}
