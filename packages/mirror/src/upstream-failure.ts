/**
 * The kind of an upstream failure: what a git client is told (its repository and this kind), while
 * the full message, which names the upstream URL or path, goes only to the log and the audit.
 */

/** timeout: no answer in time; unreachable: no connection (refused, DNS, TLS); not-found: nothing at
 * the URL or path; credential: the credential was refused or could not be had; failed: anything else. */
export type UpstreamFailureKind = 'timeout' | 'unreachable' | 'not-found' | 'credential' | 'failed';

// git's (and curl's) words for each kind, tried in this order.
const PATTERNS: [UpstreamFailureKind, RegExp][] = [
  ['timeout', /timed out|did not finish within/i],
  ['credential', /authentication failed|returned error: 40[13]\b|could not read (username|password)|terminal prompts disabled|permission denied|no credential/i],
  ['not-found', /returned error: 404\b|does not appear to be a git repository|repository not found|not a git repository|no such file or directory|and the repository exists/i],
  ['unreachable', /failed to connect|could not connect|couldn't connect|could not resolve|connection refused|connection reset|empty reply|ssl|certificate|network is unreachable|no route to host/i],
];

/** The kind of a failed ls-remote, fetch or push, from git's message (and whether git was stopped by the timeout). */
export function upstreamFailureKind(message: string, timedOut = false): UpstreamFailureKind {
  if (timedOut) return 'timeout';
  return PATTERNS.find(([, re]) => re.test(message))?.[0] ?? 'failed';
}
