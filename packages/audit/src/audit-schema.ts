/**
 * The audit's schema (store name "audit"; the PostgreSQL variant is in audit-schema-pg.ts): one append-only, hash-chained table, the purge
 * anchor, indexes for the queries, guard triggers, and typed views for people using `sqlite3 audit.db`
 * directly (documented in docs/audit.md).
 *
 * The triggers stop accidental edits (an UPDATE, or a DELETE of rows a purge has not anchored); they
 * are not the tamper protection, since anyone with the file can drop them. The hash chain is.
 * Views use json_extract only (not the -> operators), so a sqlite3 shell older than 3.38 can still
 * open the file.
 */
import type { Migration } from '@gitgate/db';
import { AUDIT_PG_V1, AUDIT_PG_V3, postgresTables } from './audit-schema-pg.js';

/** Store name the audit's migrations are tracked under. */
export const AUDIT_STORE = 'audit';

/** The chained table, the purge anchor and the plain indexes, in SQL both dialects share but for types. */
const TABLES = `
      CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        repo TEXT,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE TABLE chain_anchor (
        seq INTEGER PRIMARY KEY,
        hash TEXT NOT NULL
      );
      CREATE INDEX records_kind_at ON records (kind, at);
      CREATE INDEX records_kind_repo ON records (kind, repo);
      CREATE INDEX records_kind_actor ON records (kind, actor);
`;

/** The audit's migrations, oldest first. */
export const auditMigrations: Migration[] = [
  {
    version: 1,
    sql: `${TABLES}
      CREATE INDEX records_kind_id ON records (kind, json_extract(data, '$.id'));
      CREATE INDEX records_kind_session ON records (kind, json_extract(data, '$.sessionId'));
      CREATE INDEX records_kind_token ON records (kind, json_extract(data, '$.token'));

      CREATE TRIGGER records_no_update BEFORE UPDATE ON records
      BEGIN
        SELECT RAISE(ABORT, 'audit records are append-only');
      END;
      CREATE TRIGGER records_no_delete BEFORE DELETE ON records
      WHEN OLD.seq > COALESCE((SELECT MAX(seq) FROM chain_anchor), 0)
      BEGIN
        SELECT RAISE(ABORT, 'audit records are deleted only by a purge');
      END;

      CREATE VIEW sessions AS
      SELECT seq, at, actor, repo,
        json_extract(data, '$.id') AS id,
        json_extract(data, '$.identity.subject') AS subject,
        json_extract(data, '$.identity.groups') AS groups,
        json_extract(data, '$.clientAddress') AS client_address,
        json_extract(data, '$.userAgent') AS user_agent,
        json_extract(data, '$.service') AS service,
        json_extract(data, '$.endpoint') AS endpoint,
        json_extract(data, '$.protocolVersion') AS protocol_version,
        json_extract(data, '$.wants') AS wants,
        json_array_length(data, '$.wants') AS want_count,
        json_extract(data, '$.haves') AS haves,
        json_array_length(data, '$.haves') AS have_count,
        json_extract(data, '$.shallow') AS shallow,
        json_extract(data, '$.depth') AS depth,
        json_extract(data, '$.deepenSince') AS deepen_since,
        json_extract(data, '$.deepenNot') AS deepen_not,
        json_extract(data, '$.deepenRelative') AS deepen_relative,
        json_extract(data, '$.filter') AS filter,
        json_extract(data, '$.objectsSent') AS objects_sent,
        json_extract(data, '$.bytesSent') AS bytes_sent,
        json_extract(data, '$.durationMs') AS duration_ms,
        json_extract(data, '$.outcome') AS outcome,
        json_extract(data, '$.errorCode') AS error_code,
        json_extract(data, '$.refsAdvertised') AS refs_advertised
      FROM records WHERE kind = 'session';

      CREATE VIEW exposures AS
      SELECT seq, at, actor, repo,
        json_extract(data, '$.sessionId') AS session_id,
        json_extract(data, '$.token') AS token,
        json_extract(data, '$.objectId') AS object_id
      FROM records WHERE kind = 'exposure';

      CREATE VIEW syncs AS
      SELECT seq, at, actor, repo,
        json_extract(data, '$.objects') AS objects,
        json_extract(data, '$.rewritten') AS rewritten,
        json_extract(data, '$.secrets') AS secrets,
        json_extract(data, '$.secretsByRule') AS secrets_by_rule,
        json_extract(data, '$.durationMs') AS duration_ms,
        json_extract(data, '$.outcome') AS outcome,
        json_extract(data, '$.errorCode') AS error_code
      FROM records WHERE kind = 'sync';

      CREATE VIEW detokenize_events AS
      SELECT seq, at, kind, actor, repo,
        json_extract(data, '$.requestId') AS request_id,
        json_extract(data, '$.token') AS token,
        json_extract(data, '$.requester') AS requester,
        json_extract(data, '$.approver') AS approver,
        json_extract(data, '$.reason') AS reason,
        json_extract(data, '$.comment') AS comment,
        json_extract(data, '$.expiresAt') AS expires_at
      FROM records
      WHERE kind IN ('detokenize-request', 'detokenize-approve', 'detokenize-deny',
                     'detokenize-reveal', 'detokenize-expire', 'detokenize-revoke', 'token-revoke');

      CREATE VIEW auth_failures AS
      SELECT seq, at, actor, repo,
        json_extract(data, '$.reason') AS reason,
        json_extract(data, '$.clientAddress') AS client_address,
        json_extract(data, '$.userAgent') AS user_agent,
        json_extract(data, '$.path') AS path
      FROM records WHERE kind = 'auth-failure';

      CREATE VIEW admin_actions AS
      SELECT seq, at, kind, actor, repo,
        CASE kind WHEN 'purge' THEN 'purge' ELSE json_extract(data, '$.action') END AS action,
        CASE kind WHEN 'purge' THEN data ELSE json_extract(data, '$.details') END AS details
      FROM records WHERE kind IN ('admin', 'purge');`,
    postgres: postgresTables(TABLES) + AUDIT_PG_V1,
  },
  {
    // Chain version per row (docs/audit.md, "Tamper evidence"): rows already stored stay 1 (sha256);
    // a writer with the audit key writes 2 (HMAC-SHA256).
    version: 2,
    sql: 'ALTER TABLE records ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 1;',
  },
  {
    // Pushes (issue 13): one `push` row per ref update.
    version: 3,
    sql: `
      CREATE VIEW pushes AS
      SELECT seq, at, actor, repo,
        json_extract(data, '$.id') AS id,
        json_extract(data, '$.ref') AS ref,
        json_extract(data, '$.outcome') AS outcome,
        json_extract(data, '$.reason') AS reason,
        json_extract(data, '$.oldId') AS old_id,
        json_extract(data, '$.newId') AS new_id,
        json_extract(data, '$.upstreamOldId') AS upstream_old_id,
        json_extract(data, '$.upstreamNewId') AS upstream_new_id,
        json_extract(data, '$.tokensRestored') AS tokens_restored,
        json_extract(data, '$.commits') AS commits,
        json_extract(data, '$.clientAddress') AS client_address,
        json_extract(data, '$.userAgent') AS user_agent
      FROM records WHERE kind = 'push';`,
    postgres: AUDIT_PG_V3,
  },
];
