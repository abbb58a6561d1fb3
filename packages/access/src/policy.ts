/**
 * Group-based policy: which groups may read and push to which repositories, who may ask for a secret,
 * who may approve, who administers tokens. Membership is by exact group name; no group is implied by another.
 */
import type { Principal } from './identity.js';

/** The detokenize rules of a deployment (durations already in milliseconds). */
export interface DetokenizePolicy {
  /** Groups whose members may ask for a token's secret. */
  requesters: string[];
  /** Groups whose members may approve or deny requests (never their own approval). */
  approvers: string[];
  /** Distinct approvers a request needs before its secret can be revealed. */
  minApprovals: number;
  /** Whether a request must carry a non-blank reason. */
  requireReason: boolean;
  /** How long a request waits for approvals before it expires. */
  requestTtlMs: number;
  /** How long an approved request can be revealed. */
  grantTtlMs: number;
  /** Whether the secret is handed out once only; a second read is refused. */
  oneTimeReveal: boolean;
}

/** The policy configuration, as `cli` validates it. */
export interface PolicyConfig {
  /** `writers`: the groups that may push (none when absent; the push settings say to which refs). */
  repos: { name: string; readers: string[]; writers?: string[] }[];
  detokenize: DetokenizePolicy;
  admins: string[];
}

function groupList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) throw new TypeError(`${what} must be an array of non-empty group names`);
  return [...(v as string[])];
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new TypeError(`${what} must be a positive integer`);
  return v as number;
}

function memberOf(id: Principal, groups: ReadonlySet<string>): boolean {
  if (!id || !Array.isArray(id.groups) || typeof id.subject !== 'string' || id.subject === '') return false;
  return id.groups.some((g) => groups.has(g));
}

/** Immutable policy decisions over a validated configuration. */
export class Policy {
  /** The detokenize rules (a frozen copy). */
  readonly detokenize: Readonly<DetokenizePolicy>;
  readonly #readers: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #writers: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #requesters: ReadonlySet<string>;
  readonly #approvers: ReadonlySet<string>;
  readonly #admins: ReadonlySet<string>;

  /** Copies and checks `c`; throws TypeError on a malformed configuration or a repository listed twice. */
  constructor(c: PolicyConfig) {
    if (typeof c !== 'object' || c === null) throw new TypeError('policy configuration must be an object');
    if (!Array.isArray(c.repos)) throw new TypeError('repos must be an array');
    const readers = new Map<string, ReadonlySet<string>>();
    const writers = new Map<string, ReadonlySet<string>>();
    c.repos.forEach((r, i) => {
      if (typeof r?.name !== 'string' || r.name === '') throw new TypeError(`repos[${i}].name must be a non-empty string`);
      if (readers.has(r.name)) throw new TypeError(`repos[${i}].name: ${r.name} is listed twice`);
      readers.set(r.name, new Set(groupList(r.readers, `repos[${i}].readers`)));
      if (r.writers !== undefined) writers.set(r.name, new Set(groupList(r.writers, `repos[${i}].writers`)));
    });
    const d = c.detokenize;
    if (typeof d !== 'object' || d === null) throw new TypeError('detokenize must be an object');
    for (const k of ['requireReason', 'oneTimeReveal'] as const) {
      if (typeof d[k] !== 'boolean') throw new TypeError(`detokenize.${k} must be a boolean`);
    }
    const detokenize: DetokenizePolicy = {
      requesters: groupList(d.requesters, 'detokenize.requesters'),
      approvers: groupList(d.approvers, 'detokenize.approvers'),
      minApprovals: positiveInt(d.minApprovals, 'detokenize.minApprovals'),
      requireReason: d.requireReason,
      requestTtlMs: positiveInt(d.requestTtlMs, 'detokenize.requestTtlMs'),
      grantTtlMs: positiveInt(d.grantTtlMs, 'detokenize.grantTtlMs'),
      oneTimeReveal: d.oneTimeReveal,
    };
    Object.freeze(detokenize.requesters);
    Object.freeze(detokenize.approvers);
    this.detokenize = Object.freeze(detokenize);
    this.#readers = readers;
    this.#writers = writers;
    this.#requesters = new Set(detokenize.requesters);
    this.#approvers = new Set(detokenize.approvers);
    this.#admins = new Set(groupList(c.admins, 'admins'));
  }

  /** True when `id` is in a reader group of the configured repository `repo`; false for unknown repositories. */
  canRead(id: Principal, repo: string): boolean {
    const groups = this.#readers.get(repo);
    return groups !== undefined && memberOf(id, groups);
  }

  /**
   * True when `id` is in a writer group of the configured repository `repo`; false for repositories
   * without writers and unknown ones. Which refs a writer may update is the push rules' decision.
   */
  canWrite(id: Principal, repo: string): boolean {
    const groups = this.#writers.get(repo);
    return groups !== undefined && memberOf(id, groups);
  }

  /** True when `id` may ask for a token's secret. */
  canRequest(id: Principal): boolean {
    return memberOf(id, this.#requesters);
  }

  /** True when `id` may approve or deny detokenize requests. */
  canApprove(id: Principal): boolean {
    return memberOf(id, this.#approvers);
  }

  /** True when `id` may revoke tokens, read token metadata and query the audit. */
  isAdmin(id: Principal): boolean {
    return memberOf(id, this.#admins);
  }
}
