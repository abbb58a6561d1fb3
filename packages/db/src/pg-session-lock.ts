/**
 * A session-level PostgreSQL advisory lock (`Database.lock` on PostgreSQL): held on a connection of its
 * own, outside the store's pool, from `pg_advisory_lock` until release ends that connection. The server
 * drops the lock with the connection, so a replica that crashes, is killed or loses its network never
 * holds it forever.
 */
import pg from 'pg';
import type { Logger } from '@gitgate/log';
import { advisoryKey } from './pg-database.js';
import { fromPgError } from './db-error.js';
import { heldLock, type HeldLock, type LockOptions } from './named-lock.js';
import type { PgLocation } from './pg-url.js';

/** Opens the lock's own connection; GITGATE_DB_UNAVAILABLE when the server cannot be reached. */
async function connect(location: PgLocation, logger: Logger, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: location.connectionString, connectionTimeoutMillis: 10_000 });
  // A lost connection means a lost lock; it must not take the process down.
  client.on('error', (err) => logger.warn('lock connection lost', { lock: name, database: location.display, code: (err as { code?: string }).code }));
  try {
    await client.connect();
  } catch (err) {
    throw fromPgError(err, 'connect', '');
  }
  return client;
}

/** Ending the session releases every advisory lock it holds. */
function handle(client: pg.Client, name: string): HeldLock {
  return heldLock(name, () => client.end().catch(() => undefined));
}

/**
 * Waits for lock `name` of `schema` (at most `timeoutMs`: GITGATE_DB_BUSY) and holds it on a dedicated
 * connection until released.
 */
export async function pgLock(location: PgLocation, logger: Logger, name: string, opts?: LockOptions): Promise<HeldLock> {
  const client = await connect(location, logger, name);
  try {
    if (opts?.timeoutMs !== undefined) await client.query(`SET lock_timeout = ${Math.trunc(opts.timeoutMs)}`);
    await client.query('SELECT pg_advisory_lock($1)', [advisoryKey(location.schema, `session:${name}`)]);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw fromPgError(err, 'lock', 'SELECT pg_advisory_lock($1)');
  }
  return handle(client, name);
}

/** Takes lock `name` of `schema` now, or resolves undefined when another session holds it. */
export async function pgTryLock(location: PgLocation, logger: Logger, name: string): Promise<HeldLock | undefined> {
  const client = await connect(location, logger, name);
  try {
    const row = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [advisoryKey(location.schema, `session:${name}`)]);
    if (row.rows[0]?.ok === true) return handle(client, name);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw fromPgError(err, 'lock', 'SELECT pg_try_advisory_lock($1)');
  }
  await client.end().catch(() => undefined);
  return undefined;
}
