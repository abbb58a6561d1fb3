/** Errors of the mirror: upstream sync, rewrite and the stores. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const mirrorErrors = {
  /** git's object stream was not what was asked for (cut short, out of order, wrong count). */
  gitOutput: defineError('GITGATE_GIT_OUTPUT', 500, 'git returned other objects than were asked for'),
  /** The upstream could not be read. */
  upstreamFailed: defineError('GITGATE_UPSTREAM_FAILED', 502, 'the upstream repository could not be read'),
  /** The rewrite of upstream objects into sanitized ones failed. */
  rewriteFailed: defineError('GITGATE_REWRITE_FAILED', 500, 'the rewrite failed'),
  /** A thread scanning blobs for the rewrite failed or ended (the sync fails: nothing it read is served). */
  scanWorkerFailed: defineError('GITGATE_SCAN_WORKER_FAILED', 500, 'a scan worker thread failed'),
  /** An object that does not parse as its type says. */
  badObject: defineError('GITGATE_BAD_OBJECT', 500, 'a malformed git object'),
  /** An `env:` or `file:` reference to an upstream credential that cannot be resolved. */
  secretRef: defineError('GITGATE_SECRET_REF', 500, 'a secret reference cannot be resolved'),
  /** The GitHub API refused or failed a call. */
  githubFailed: defineError('GITGATE_GITHUB_FAILED', 502, 'a GitHub API call failed'),
  /** Two tree entries would get one served name. */
  treeNameCollision: defineError('GITGATE_TREE_NAME_COLLISION', 500, 'two tree entries would get one served name'),
  /** Two refs would get one served name. */
  refNameCollision: defineError('GITGATE_REF_NAME_COLLISION', 500, 'two refs would get one served name'),
  /** A push the gateway refuses (a reason the agent can act on: a new secret, a foreign or revoked token, a signed commit). */
  pushRefused: defineError('GITGATE_PUSH_REFUSED', 403, 'the push was refused'),
  /** Upstream refused or failed a push the gateway translated. */
  pushFailed: defineError('GITGATE_PUSH_FAILED', 502, 'pushing to the upstream repository failed'),
  /** No held push by that id (released, discarded or never held). */
  heldPushUnknown: defineError('GITGATE_HELD_PUSH_UNKNOWN', 404, 'no such held push'),
};

/** A mirror failure. `code` is stable; `data` holds structured, secret-free details. */
export class MirrorError extends errorClass('MirrorError', mirrorErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(mirrorErrors);
export type MirrorErrorCode = (typeof codes)[keyof typeof codes];
