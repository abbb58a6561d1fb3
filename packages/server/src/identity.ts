/**
 * Who is asking: the server's view of authentication and read policy. The gateway wires the OIDC
 * authenticator and the configured policy in; `mode: none` (loopback trials) uses the anonymous ones.
 */
import type { IncomingMessage } from 'node:http';

export interface Identity {
  subject: string;
  groups: string[];
}

/** Turns an Authorization header into an identity; throws an error with code GITGATE_UNAUTHENTICATED. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Identity>;
}

/** Which identities may clone and fetch which repositories. */
export interface ReadPolicy {
  canRead(identity: Identity, repo: string): boolean;
}

/** The identity of every request when authentication is off (loopback trials only). */
export const ANONYMOUS: Identity = Object.freeze({ subject: 'anonymous', groups: [] as string[] }) as Identity;

export const anonymousAuthenticator: Authenticator = { authenticate: async () => ANONYMOUS };
export const openPolicy: ReadPolicy = { canRead: () => true };

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
