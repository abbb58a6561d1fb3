/** Who is asking: the verified identity an OIDC token yields, and the part of it policy decisions use. */

/** A verified caller: the token's `sub`, its groups, its issuer and when the token expires. */
export interface Identity {
  subject: string;
  groups: string[];
  issuer: string;
  expiresAt?: Date;
}

/**
 * What policy and the detokenize service look at. An `Identity` is one; so is the server's own
 * `{ subject, groups }` view, which is why they take this narrower type.
 */
export type Principal = Pick<Identity, 'subject' | 'groups'>;
