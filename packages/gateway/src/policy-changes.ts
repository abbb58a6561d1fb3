/** What a configuration reload changes in the access policy, for its one log line. Group names and numbers only. */
import type { PolicyConfig } from '@gitgate/access';

/** Groups added to and removed from one role. */
export interface GroupChange {
  added: string[];
  removed: string[];
}

/** The changed parts of a policy; a part that did not change is absent. */
export interface PolicyChanges {
  /** Per repository present in either policy. */
  readers?: Record<string, GroupChange>;
  /** Per repository present in either policy: the groups that may push. */
  writers?: Record<string, GroupChange>;
  requesters?: GroupChange;
  approvers?: GroupChange;
  admins?: GroupChange;
  /** Changed scalar detokenize rules: name → [before, after]. */
  detokenize?: Record<string, [unknown, unknown]>;
}

function groups(before: readonly string[], after: readonly string[]): GroupChange | undefined {
  const b = new Set(before);
  const a = new Set(after);
  const added = [...a].filter((g) => !b.has(g)).sort();
  const removed = [...b].filter((g) => !a.has(g)).sort();
  return added.length === 0 && removed.length === 0 ? undefined : { added, removed };
}

/** The changes of one per-repository role, by repository; undefined when none changed. */
function repoGroups(before: PolicyConfig, after: PolicyConfig, role: 'readers' | 'writers'): Record<string, GroupChange> | undefined {
  const of = (p: PolicyConfig): Map<string, string[]> => new Map(p.repos.map((r) => [r.name, r[role] ?? []]));
  const b = of(before);
  const a = of(after);
  const out: Record<string, GroupChange> = {};
  for (const name of new Set([...b.keys(), ...a.keys()])) {
    const c = groups(b.get(name) ?? [], a.get(name) ?? []);
    if (c) out[name] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The differences between two policies (empty object when they grant the same). */
export function policyChanges(before: PolicyConfig, after: PolicyConfig): PolicyChanges {
  const out: PolicyChanges = {};
  const readers = repoGroups(before, after, 'readers');
  if (readers) out.readers = readers;
  const writers = repoGroups(before, after, 'writers');
  if (writers) out.writers = writers;
  const requesters = groups(before.detokenize.requesters, after.detokenize.requesters);
  if (requesters) out.requesters = requesters;
  const approvers = groups(before.detokenize.approvers, after.detokenize.approvers);
  if (approvers) out.approvers = approvers;
  const admins = groups(before.admins, after.admins);
  if (admins) out.admins = admins;
  const detokenize: Record<string, [unknown, unknown]> = {};
  for (const k of ['minApprovals', 'requireReason', 'requestTtlMs', 'grantTtlMs', 'oneTimeReveal'] as const) {
    if (before.detokenize[k] !== after.detokenize[k]) detokenize[k] = [before.detokenize[k], after.detokenize[k]];
  }
  if (Object.keys(detokenize).length > 0) out.detokenize = detokenize;
  return out;
}
