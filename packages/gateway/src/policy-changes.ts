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

/** The differences between two policies (empty object when they grant the same). */
export function policyChanges(before: PolicyConfig, after: PolicyConfig): PolicyChanges {
  const out: PolicyChanges = {};
  const readersOf = (p: PolicyConfig): Map<string, string[]> => new Map(p.repos.map((r) => [r.name, r.readers]));
  const rb = readersOf(before);
  const ra = readersOf(after);
  const readers: Record<string, GroupChange> = {};
  for (const name of new Set([...rb.keys(), ...ra.keys()])) {
    const c = groups(rb.get(name) ?? [], ra.get(name) ?? []);
    if (c) readers[name] = c;
  }
  if (Object.keys(readers).length > 0) out.readers = readers;
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
