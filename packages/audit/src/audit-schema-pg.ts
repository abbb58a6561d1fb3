/**
 * The audit's PostgreSQL schema: the same tables, views and guards as audit-schema.ts, written in
 * PostgreSQL's dialect. `data` stays TEXT (the hash covers its exact bytes; jsonb would reorder keys);
 * views read it through `data::jsonb`, string fields as text (`->>`) and every other value as jsonb
 * (`->`), which the driver parses, so numbers, arrays, objects and booleans reach the queries as they
 * do from SQLite's json_extract. `at` is C-collated so time ranges compare byte-wise, as on SQLite.
 * The guards raise class 23 (integrity constraint), as SQLite's RAISE(ABORT) reports a constraint.
 */

/**
 * One view column: its name, the JSON path in `data`, and how it is read: a string as text, any other
 * value as jsonb, or the length of an array (as SQLite's json_array_length: NULL when absent, 0 when
 * not an array).
 */
type Column = readonly [name: string, path: string, as: 'text' | 'json' | 'length'];

/** `data`'s value at `path` ("a" or "a.b") as text or jsonb. */
function field(path: string, as: 'text' | 'json'): string {
  const keys = path.split('.');
  if (keys.length === 1) return `(data::jsonb ${as === 'text' ? '->>' : '->'} '${keys[0]}')`;
  return `(data::jsonb ${as === 'text' ? '#>>' : '#>'} '{${keys.join(',')}}')`;
}

function columnSql([name, path, as]: Column): string {
  if (as !== 'length') return `${field(path, as)} AS ${name}`;
  const value = field(path, 'json');
  return `CASE WHEN jsonb_typeof(${value}) = 'array' THEN jsonb_array_length(${value}) WHEN ${value} IS NOT NULL THEN 0 END AS ${name}`;
}

/** A view over the `records` rows matching `where`: the `lead` columns, then the JSON columns. */
function view(name: string, lead: string, columns: readonly Column[], where: string): string {
  return `CREATE VIEW ${name} AS SELECT ${[lead, ...columns.map(columnSql)].join(',\n  ')}\nFROM records WHERE ${where};`;
}

const BASE = 'seq, at, actor, repo';

const sessions = view('sessions', BASE, [
  ['id', 'id', 'text'], ['subject', 'identity.subject', 'text'], ['groups', 'identity.groups', 'json'],
  ['client_address', 'clientAddress', 'text'], ['user_agent', 'userAgent', 'text'], ['service', 'service', 'text'],
  ['endpoint', 'endpoint', 'text'], ['protocol_version', 'protocolVersion', 'json'],
  ['wants', 'wants', 'json'], ['want_count', 'wants', 'length'], ['haves', 'haves', 'json'], ['have_count', 'haves', 'length'],
  ['shallow', 'shallow', 'json'], ['depth', 'depth', 'json'], ['deepen_since', 'deepenSince', 'json'],
  ['deepen_not', 'deepenNot', 'json'], ['deepen_relative', 'deepenRelative', 'json'], ['filter', 'filter', 'text'],
  ['objects_sent', 'objectsSent', 'json'], ['bytes_sent', 'bytesSent', 'json'], ['duration_ms', 'durationMs', 'json'],
  ['outcome', 'outcome', 'text'], ['error_code', 'errorCode', 'text'], ['refs_advertised', 'refsAdvertised', 'json'],
], "kind = 'session'");

const DETOKENIZE_KINDS = "'detokenize-request', 'detokenize-approve', 'detokenize-deny', 'detokenize-reveal', 'detokenize-expire', 'detokenize-revoke', 'token-revoke'";

/** The tables of migration 1 for PostgreSQL: BIGINT seq, and `at` compared byte-wise (C collation). */
export function postgresTables(sqlite: string): string {
  return sqlite.replace(/seq INTEGER PRIMARY KEY/g, 'seq BIGINT PRIMARY KEY').replace('at TEXT NOT NULL', 'at TEXT COLLATE "C" NOT NULL');
}

/** Migration 1 for PostgreSQL after its tables: expression indexes, guards and views. */
export const AUDIT_PG_V1 = `
CREATE INDEX records_kind_id ON records (kind, ${field('id', 'text')});
CREATE INDEX records_kind_session ON records (kind, ${field('sessionId', 'text')});
CREATE INDEX records_kind_token ON records (kind, ${field('token', 'text')});

CREATE FUNCTION records_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER records_no_update BEFORE UPDATE ON records FOR EACH ROW EXECUTE FUNCTION records_no_update();
CREATE FUNCTION records_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq > COALESCE((SELECT MAX(seq) FROM chain_anchor), 0) THEN
    RAISE EXCEPTION 'audit records are deleted only by a purge' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records FOR EACH ROW EXECUTE FUNCTION records_no_delete();

${sessions}

${view('exposures', BASE, [['session_id', 'sessionId', 'text'], ['token', 'token', 'text'], ['object_id', 'objectId', 'text']], "kind = 'exposure'")}

${view('syncs', BASE, [
  ['objects', 'objects', 'json'], ['rewritten', 'rewritten', 'json'], ['secrets', 'secrets', 'json'],
  ['secrets_by_rule', 'secretsByRule', 'json'], ['duration_ms', 'durationMs', 'json'], ['outcome', 'outcome', 'text'],
  ['error_code', 'errorCode', 'text'],
], "kind = 'sync'")}

${view('detokenize_events', 'seq, at, kind, actor, repo', [
  ['request_id', 'requestId', 'text'], ['token', 'token', 'text'], ['requester', 'requester', 'text'],
  ['approver', 'approver', 'text'], ['reason', 'reason', 'text'], ['comment', 'comment', 'text'],
  ['expires_at', 'expiresAt', 'text'],
], `kind IN (${DETOKENIZE_KINDS})`)}

${view('auth_failures', BASE, [
  ['reason', 'reason', 'text'], ['client_address', 'clientAddress', 'text'], ['user_agent', 'userAgent', 'text'], ['path', 'path', 'text'],
], "kind = 'auth-failure'")}

CREATE VIEW admin_actions AS
SELECT seq, at, kind, actor, repo,
  CASE kind WHEN 'purge' THEN 'purge' ELSE ${field('action', 'text')} END AS action,
  CASE kind WHEN 'purge' THEN data::jsonb ELSE ${field('details', 'json')} END AS details
FROM records WHERE kind IN ('admin', 'purge');`;

/** Migration 3 for PostgreSQL: the pushes view. */
export const AUDIT_PG_V3 = view('pushes', BASE, [
  ['id', 'id', 'text'], ['ref', 'ref', 'text'], ['outcome', 'outcome', 'text'], ['reason', 'reason', 'text'],
  ['old_id', 'oldId', 'text'], ['new_id', 'newId', 'text'], ['upstream_old_id', 'upstreamOldId', 'text'],
  ['upstream_new_id', 'upstreamNewId', 'text'], ['tokens_restored', 'tokensRestored', 'json'], ['commits', 'commits', 'json'],
  ['client_address', 'clientAddress', 'text'], ['user_agent', 'userAgent', 'text'],
], "kind = 'push'");

/** `data`'s string field `key` in `column` (a records row's data) as SQL text, in either dialect. */
export function jsonText(dialect: 'sqlite' | 'postgres', column: string, key: string): string {
  return dialect === 'postgres' ? `(${column}::jsonb ->> '${key}')` : `json_extract(${column}, '$.${key}')`;
}
