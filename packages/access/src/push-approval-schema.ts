/**
 * The push approval store's SQLite schema (store name "push-approval", in the same file as the
 * detokenize store). A sibling of `detokenize_requests` rather than a `kind` on it: a push request has
 * no token and no grant, and carries refs and an upstream outcome instead, so one table for both would
 * be mostly nullable columns and a status CHECK neither kind could rely on. Never a restored value:
 * refs as the agent named them, sanitized ids, tokens.
 *
 * - `push_requests`: one row per held push; its id is the held push's (RepoMirror.releaseHeld).
 * - `push_approvals`: one row per distinct approver (the primary key makes a second approval count once).
 */
import type { Migration } from '@gitgate/db';

/** Store name the push approval migrations are tracked under. */
export const PUSH_APPROVAL_STORE = 'push-approval';

/** The push approval store's migrations, oldest first. */
export const pushApprovalMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE push_requests (
        id TEXT PRIMARY KEY,
        repo TEXT NOT NULL,
        pusher TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'released', 'failed')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        refs TEXT NOT NULL,
        commits INTEGER NOT NULL,
        tokens_restored TEXT NOT NULL,
        approved_at TEXT,
        ended_at TEXT,
        denied_by TEXT,
        deny_comment TEXT,
        outcome TEXT
      );
      CREATE INDEX push_requests_status ON push_requests (status, expires_at);
      CREATE TABLE push_approvals (
        request_id TEXT NOT NULL REFERENCES push_requests (id) ON DELETE CASCADE,
        approver TEXT NOT NULL,
        comment TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (request_id, approver)
      );`,
  },
];
