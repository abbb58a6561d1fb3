/** The counting step of an approval, shared by detokenize and push requests. */
import type { Database } from '@gitgate/db';

/**
 * Records `approver`'s approval of request `rid` in `table`, inside the caller's transaction, and
 * resolves with how many distinct approvers it now has, or undefined when `approver` had approved it
 * already. The table's primary key (request, approver) is what makes a repeated approval a no-op, inside
 * the same serialised transaction as the count, so concurrent approvals each count once and never more.
 */
export async function addApproval(tx: Database, table: 'detokenize_approvals' | 'push_approvals', a: { rid: string; approver: string; comment: string | null; at: string }): Promise<number | undefined> {
  const inserted = await tx.run(`INSERT INTO ${table} (request_id, approver, comment, at) VALUES (?, ?, ?, ?) ON CONFLICT (request_id, approver) DO NOTHING`, [a.rid, a.approver, a.comment, a.at]);
  if (inserted.changes !== 1) return undefined;
  return (await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE request_id = ?`, [a.rid]))!.n;
}
