/**
 * What a git client is told when a repository's sync fails: the repository and the kind of failure,
 * never the upstream's URL, path or host (the full message goes to the log and the audit).
 */
import { upstreamFailureKind, type UpstreamFailureKind } from '@gitgate/mirror';

const BY_KIND: Record<UpstreamFailureKind, string> = {
  timeout: 'the upstream repository could not be reached (timed out); try again later',
  unreachable: 'the upstream repository could not be reached; try again later',
  'not-found': "the upstream repository was not found; ask the gateway's administrators",
  credential: "the upstream repository refused the gateway's credential; ask the gateway's administrators",
  failed: 'the sync with the upstream repository failed; try again later',
};

/** The client's sentence for a failed sync of `repo` (without the `gitgate: ` prefix the routes add). */
export function syncFailureMessage(repo: string, err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; data?: { kind?: unknown } };
  if (e.code !== 'GITGATE_UPSTREAM_FAILED') {
    const code = typeof e.code === 'string' && /^GITGATE_[A-Z_]+$/.test(e.code) ? ` (${e.code})` : '';
    return `${repo}: the repository could not be brought up to date${code}; nothing was served; try again later`;
  }
  const kind = typeof e.data?.kind === 'string' && e.data.kind in BY_KIND ? (e.data.kind as UpstreamFailureKind) : upstreamFailureKind('');
  return `${repo}: ${BY_KIND[kind]}`;
}
