/**
 * The id map: upstream id ⇄ sanitized id for every object the rewrite changed, persisted per repository.
 * Objects that are absent were copied unchanged (their sanitized id is their upstream id), which keeps
 * the table as small as the set of rewritten objects. Both directions are indexed.
 */
import { Database, type Migration } from '@gitgate/db';
import type { ObjectType } from '@gitgate/objects';
import { upsertRows } from './upsert-rows.js';

/** The same step for PostgreSQL: `WITHOUT ROWID` is a SQLite storage hint it does not know. */
function bothDialects(m: Migration): Migration {
  return { ...m, postgres: m.sql.replace(/\) WITHOUT ROWID;/g, ');') };
}

/** The store name the id map's migrations are tracked under. */
export const ID_MAP_STORE = 'mirror';

export const idMapMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE id_map (
        repo TEXT NOT NULL,
        upstream_id TEXT NOT NULL,
        sanitized_id TEXT NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (repo, upstream_id)
      ) WITHOUT ROWID;
      CREATE INDEX id_map_sanitized ON id_map (repo, sanitized_id);
      CREATE TABLE sync_state (
        repo TEXT PRIMARY KEY,
        generation TEXT NOT NULL,
        tips TEXT NOT NULL,
        head TEXT,
        synced_at TEXT NOT NULL
      );`,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE object_tokens (
        repo TEXT NOT NULL,
        object_id TEXT NOT NULL,
        token TEXT NOT NULL,
        PRIMARY KEY (repo, object_id, token)
      ) WITHOUT ROWID;`,
  },
  {
    // Blobs a file name could sanitize otherwise than their default form (blob-variants.ts): a later
    // sync that names one of them reads it again to make the variant its names need.
    version: 3,
    sql: `
      CREATE TABLE kind_sensitive (
        repo TEXT NOT NULL,
        upstream_id TEXT NOT NULL,
        kinds INTEGER NOT NULL,
        PRIMARY KEY (repo, upstream_id)
      ) WITHOUT ROWID;`,
  },
  {
    // Commits and tags agents pushed through the gateway: the upstream id the push wrote and the id the
    // agent pushed, so a sync can check that upstream's objects come back under the agent's ids.
    version: 4,
    sql: `
      CREATE TABLE pushed (
        repo TEXT NOT NULL,
        upstream_id TEXT NOT NULL,
        sanitized_id TEXT NOT NULL,
        pushed_at TEXT NOT NULL,
        PRIMARY KEY (repo, upstream_id)
      ) WITHOUT ROWID;`,
  },
].map(bothDialects);

/** Pairs a commit writes on PostgreSQL from which it refreshes the planner's statistics of id_map. */
const ANALYZE_AFTER = 10_000;

/** Ids per lookup query (both dialects allow far more bound parameters; smaller statements prepare faster). */
const LOOKUP_CHUNK = 500;

export interface IdPair {
  upstreamId: string;
  sanitizedId: string;
  type: ObjectType;
}

/** What a finished sync left behind, for the next incremental one. */
export interface SyncState {
  /** Rule-set version and key fingerprint the ids were computed with; a change forces a full rebuild. */
  generation: string;
  /** Upstream ids of every ref tip already rewritten. */
  tips: string[];
  head: string | null;
  syncedAt: string;
}

export class IdMap {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (creating) the id map database. */
  static async open(path: string): Promise<IdMap> {
    return new IdMap(await Database.open({ path, name: ID_MAP_STORE, migrations: idMapMigrations }));
  }

  /**
   * Sanitized ids of those of `upstreamIds` that a sync rewrote (ids without a pair are absent: they were
   * copied unchanged). Queries in batches, so a sync looks up only the ids it meets, not the whole map.
   */
  async lookup(repo: string, upstreamIds: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.#rowsOf<{ upstream_id: string; sanitized_id: string }>('id_map', 'sanitized_id', repo, upstreamIds, (r) => out.set(r.upstream_id, r.sanitized_id));
    return out;
  }

  /**
   * The upstream ids of those of `sanitizedIds` a sync rewrote, each with every upstream id rewritten
   * into it (absent: not rewritten by any sync; an unchanged object has its upstream id). Several upstream
   * objects can share one sanitized form (withheld blobs of one size): a push must then tell them apart.
   */
  async upstreamOf(repo: string, sanitizedIds: Iterable<string>): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    await this.#rowsOf<{ upstream_id: string; sanitized_id: string }>('id_map', 'upstream_id', repo, sanitizedIds, (r) => {
      const list = out.get(r.sanitized_id);
      if (list) list.push(r.upstream_id);
      else out.set(r.sanitized_id, [r.upstream_id]);
    }, 'sanitized_id');
    return out;
  }

  /** Records the commits and tags a push wrote upstream (upstream id → the id the agent pushed), durably. */
  async recordPushed(repo: string, pairs: readonly { upstreamId: string; sanitizedId: string }[]): Promise<void> {
    if (pairs.length === 0) return;
    const at = new Date().toISOString();
    await this.#db.transaction((tx) => upsertRows(tx, PUSHED, pairs.map((p) => [repo, p.upstreamId, p.sanitizedId, at])));
  }

  /** The ids agents pushed for those of `upstreamIds` a push wrote (upstream id → pushed id). */
  async pushedOf(repo: string, upstreamIds: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.#rowsOf<{ upstream_id: string; sanitized_id: string }>('pushed', 'sanitized_id', repo, upstreamIds, (r) => out.set(r.upstream_id, r.sanitized_id));
    return out;
  }

  /** Those of `upstreamIds` that a sync recorded as kind-sensitive blobs, with their kind bits (see {@link recordKindSensitive}). */
  async kindSensitive(repo: string, upstreamIds: Iterable<string>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await this.#rowsOf<{ upstream_id: string; kinds: number }>('kind_sensitive', 'kinds', repo, upstreamIds, (r) => out.set(r.upstream_id, r.kinds));
    return out;
  }

  /**
   * Records upstream blob ids whose sanitized form depends on the name a tree gives them, each with a
   * bit per file kind that selects otherwise, durably, so a later sync that gives one of them a new
   * name makes the variant that name needs.
   */
  async recordKindSensitive(repo: string, blobs: ReadonlyMap<string, number>): Promise<void> {
    const rows = [...blobs];
    if (rows.length === 0) return;
    await this.#db.transaction((tx) => upsertRows(tx, KIND_SENSITIVE, rows.map(([id, kinds]) => [repo, id, kinds])));
  }

  /** Calls `each` with the rows of `table` (upstream_id and `column`) for those of `upstreamIds` it holds, asked in chunks. */
  async #rowsOf<R>(table: 'id_map' | 'kind_sensitive' | 'pushed', column: string, repo: string, ids: Iterable<string>, each: (row: R) => void, key: 'upstream_id' | 'sanitized_id' = 'upstream_id'): Promise<void> {
    let chunk: string[] = [];
    const ask = async (): Promise<void> => {
      const rows = await this.#db.all<R>(
        `SELECT ${key === 'upstream_id' ? 'upstream_id' : 'sanitized_id'}, ${column} FROM ${table} WHERE repo = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})`, [repo, ...chunk]);
      for (const r of rows) each(r);
      chunk = [];
    };
    for (const id of ids) {
      chunk.push(id);
      if (chunk.length === LOOKUP_CHUNK) await ask();
    }
    if (chunk.length > 0) await ask();
  }

  /**
   * Records which tokens sanitized objects carry, on its own, durably. A sync calls it before it moves
   * any ref, so an exposure audit of a fetch served right after the move finds every carrier.
   */
  async recordObjectTokens(repo: string, objectTokens: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (objectTokens.size === 0) return;
    await this.#db.transaction((tx) => insertObjectTokens(tx, repo, objectTokens));
  }

  /**
   * Records a sync's changed pairs, the tokens its objects carry, its kind-sensitive blobs (see
   * {@link recordKindSensitive}) and its state in one durable transaction: one commit, one sync to disk.
   * `pairs` is read once, a chunk at a time, so it can be a generator over a compact table.
   */
  async commit(repo: string, pairs: Iterable<IdPair>, state: SyncState, extra: { objectTokens?: ReadonlyMap<string, readonly string[]>; kindSensitive?: ReadonlyMap<string, number> } = {}): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertObjectTokens(tx, repo, extra.objectTokens ?? new Map());
      const kinds = [...(extra.kindSensitive ?? new Map<string, number>())];
      if (kinds.length > 0) await upsertRows(tx, KIND_SENSITIVE, kinds.map(([id, k]) => [repo, id, k]));
      const written = await upsertRows(tx, ID_MAP, mapIterable(pairs, (p) => [repo, p.upstreamId, p.sanitizedId, p.type]));
      await upsertRows(tx, SYNC_STATE, [[repo, state.generation, JSON.stringify(state.tips), state.head, state.syncedAt]]);
      // Until autovacuum samples a freshly filled table, PostgreSQL's planner takes it for nearly empty
      // and scans the whole repository for each lookup chunk (100k pairs: 14 s instead of under 1 s).
      if (tx.dialect === 'postgres' && written >= ANALYZE_AFTER) await tx.exec('ANALYZE id_map');
    });
  }

  /** Whether any sanitized object of a repository carries a token (one indexed row read, not the whole list). */
  async hasObjectTokens(repo: string): Promise<boolean> {
    return (await this.#db.get<{ one: number }>('SELECT 1 AS one FROM object_tokens WHERE repo = ? LIMIT 1', [repo])) !== undefined;
  }

  /** Sanitized object id → tokens it carries, for every token-bearing object of a repository. */
  async objectTokens(repo: string): Promise<Map<string, string[]>> {
    const rows = await this.#db.all<{ object_id: string; token: string }>('SELECT object_id, token FROM object_tokens WHERE repo = ?', [repo]);
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.object_id);
      if (list) list.push(r.token);
      else out.set(r.object_id, [r.token]);
    }
    return out;
  }

  /** The last sync's state of a repository. */
  async state(repo: string): Promise<SyncState | undefined> {
    const row = await this.#db.get<{ generation: string; tips: string; head: string | null; synced_at: string }>(
      'SELECT generation, tips, head, synced_at FROM sync_state WHERE repo = ?', [repo]);
    if (!row) return undefined;
    return { generation: row.generation, tips: JSON.parse(row.tips) as string[], head: row.head, syncedAt: row.synced_at };
  }

  /** Forgets a repository (before a full rebuild). */
  async reset(repo: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM id_map WHERE repo = ?', [repo]);
      await tx.run('DELETE FROM object_tokens WHERE repo = ?', [repo]);
      await tx.run('DELETE FROM kind_sensitive WHERE repo = ?', [repo]);
      await tx.run('DELETE FROM pushed WHERE repo = ?', [repo]);
      await tx.run('DELETE FROM sync_state WHERE repo = ?', [repo]);
    });
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/** The tables the map writes: the key a row replaces (or, for object_tokens, is kept) by, and the columns it sets. */
const ID_MAP = { table: 'id_map', key: ['repo', 'upstream_id'], columns: ['sanitized_id', 'type'] } as const;
const SYNC_STATE = { table: 'sync_state', key: ['repo'], columns: ['generation', 'tips', 'head', 'synced_at'] } as const;
const PUSHED = { table: 'pushed', key: ['repo', 'upstream_id'], columns: ['sanitized_id', 'pushed_at'] } as const;
const KIND_SENSITIVE = { table: 'kind_sensitive', key: ['repo', 'upstream_id'], columns: ['kinds'] } as const;
const OBJECT_TOKENS = { table: 'object_tokens', key: ['repo', 'object_id', 'token'], columns: [] } as const;

function* mapIterable<T, U>(items: Iterable<T>, fn: (item: T) => U): Generator<U> {
  for (const item of items) yield fn(item);
}

/** Inserts object → token rows, keeping those already recorded. */
async function insertObjectTokens(tx: Database, repo: string, objectTokens: ReadonlyMap<string, readonly string[]>): Promise<void> {
  await upsertRows(tx, OBJECT_TOKENS, [...objectTokens].flatMap(([id, tokens]) => tokens.map((t) => [repo, id, t])));
}
