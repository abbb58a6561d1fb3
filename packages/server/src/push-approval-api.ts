/**
 * The held-push approval operations the push route and the API use (`push.requireApproval`). The gateway
 * implements them over @gitgate/access's PushApprovalService and the mirrors (approve releases the held
 * push once enough approvers allowed it; deny discards it).
 */
import type { Identity } from './identity.js';

/** A held push as the push route hands it over: refs as pushed (sanitized ids), never a value. */
export interface HeldPushInput {
  id: string;
  repo: string;
  refs: { ref: string; oldId: string; newId: string }[];
  commits: number;
  tokensRestored: string[];
}

export interface PushApprovalApi {
  /** Opens the push request of a held push; the agent is told its id only once this resolves. */
  hold(id: Identity, held: HeldPushInput): Promise<object>;
  listForApprover(id: Identity, q: { status?: string; limit?: number }): Promise<object[]>;
  get(id: Identity, requestId: string): Promise<object>;
  approve(id: Identity, requestId: string, comment?: string): Promise<object>;
  deny(id: Identity, requestId: string, comment?: string): Promise<object>;
}
