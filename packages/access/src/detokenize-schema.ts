/**
 * The detokenize store's SQLite schema (store name "detokenize"). It may share a file with other
 * stores; it never holds a secret, only tokens, identities, decisions and times (ISO 8601 UTC, which
 * compare correctly as strings).
 *
 * - `detokenize_requests`: one row per request, with the context an approver sees, copied from the
 *   vault's metadata when the request is made. `expires_at` is the pending deadline,
 *   `grant_expires_at` the reveal deadline once approved.
 * - `detokenize_approvals`: one row per distinct approver of a request; the primary key is what makes
 *   an approver approving twice count once.
 */
import type { Migration } from '@gitgate/db';

/** Store name the detokenize migrations are tracked under. */
export const DETOKENIZE_STORE = 'detokenize';

/** The detokenize store's migrations, oldest first. */
export const detokenizeMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE detokenize_requests (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        requester TEXT NOT NULL,
        reason TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'revoked', 'revealed')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        approved_at TEXT,
        grant_expires_at TEXT,
        revealed_at TEXT,
        reveal_count INTEGER NOT NULL DEFAULT 0,
        ended_at TEXT,
        denied_by TEXT,
        deny_comment TEXT,
        token_type TEXT NOT NULL,
        repo TEXT,
        path TEXT,
        commit_id TEXT,
        rule_id TEXT,
        occurrences INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX detokenize_requests_status ON detokenize_requests (status, expires_at);
      CREATE INDEX detokenize_requests_grant ON detokenize_requests (status, grant_expires_at);
      CREATE INDEX detokenize_requests_token ON detokenize_requests (token, status);
      CREATE INDEX detokenize_requests_requester ON detokenize_requests (requester, token);
      CREATE TABLE detokenize_approvals (
        request_id TEXT NOT NULL REFERENCES detokenize_requests (id) ON DELETE CASCADE,
        approver TEXT NOT NULL,
        comment TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (request_id, approver)
      );`,
  },
];
