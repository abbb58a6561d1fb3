/** Errors of the mirror: upstream sync, rewrite and the stores. */
export class MirrorError extends Error {
  readonly code: string;
  readonly data?: Record<string, unknown>;
  constructor(code: string, message: string, options?: { cause?: unknown; data?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MirrorError';
    this.code = code;
    this.data = options?.data;
  }
}

/** Stable error codes of this package. */
export const codes = {
  gitFailed: 'GITGATE_GIT_FAILED',
  upstreamFailed: 'GITGATE_UPSTREAM_FAILED',
  rewriteFailed: 'GITGATE_REWRITE_FAILED',
  badObject: 'GITGATE_BAD_OBJECT',
  unknownRepo: 'GITGATE_UNKNOWN_REPO',
  secretRef: 'GITGATE_SECRET_REF',
  githubFailed: 'GITGATE_GITHUB_FAILED',
  treeNameCollision: 'GITGATE_TREE_NAME_COLLISION',
  refNameCollision: 'GITGATE_REF_NAME_COLLISION',
} as const;
