/**
 * The encrypted secret store: tokens in, AES-256-GCM entries in SQLite or PostgreSQL, secrets out only through
 * `reveal`. Invariant 4: no secret outside the vault, and `put` is durable before it resolves.
 *
 * Key design (docs/tokens.md): token ids come from a token id key that is derived once, on the
 * vault's first open, as HKDF(masterKey, "gitgate token id v1"), and stored wrapped (AES-256-GCM
 * under the encryption subkey) in `vault_keys`. Later opens unwrap the stored key instead of
 * deriving it, so `rotateKey` can re-wrap it under a new master key and tokens never change. A fresh
 * vault therefore mints the same tokens as `createTokenMinter(masterKey)` and as every other replica
 * with the same key file, and a master key that cannot unwrap the stored key is refused at open.
 */
import { Database } from '@gitgate/db';
import { noopLogger, type Logger } from '@gitgate/log';
import { open as openBox, seal, type SealedBox } from './secret-box.js';
import { TOKEN_ID_INFO, VAULT_ENCRYPTION_INFO, assertMasterKey, deriveSubkey } from './subkeys.js';
import { TOKEN_TYPE_RE, isToken, mintToken, type TokenMinter } from './token.js';
import { VAULT_STORE, vaultMigrations } from './vault-schema.js';
import { VaultError, codes } from './vault-error.js';

/** One secret found in one place, ready to store. `token` must be `tokenFor(type, secret)`. */
export interface SecretRecord {
  token: string;
  type: string;
  secret: Buffer;
  ruleId: string;
  repo: string;
  path?: string;
  commitId?: string;
}

/** What the vault knows about a token, without its secret. Timestamps are ISO 8601 UTC. */
export interface TokenInfo {
  token: string;
  type: string;
  createdAt: string;
  revokedAt: string | null;
  occurrences: { repo: string; path: string | null; commitId: string | null; ruleId: string; firstSeen: string }[];
}

/** Options of `Vault.open`. */
export interface VaultOptions {
  /**
   * Where the vault lives: a SQLite file (created mode 0600), ':memory:' in tests, or a PostgreSQL URL
   * (`postgres://…`, see `Database.open`) that several replicas share.
   */
  dbPath: string;
  /** The 32-byte deployment master key, e.g. from `loadOrCreateKey`. */
  masterKey: Buffer;
  logger?: Logger;
}

/** Row name and AAD of the wrapped token id key; the AAD keeps it from being swapped with a secret. */
const TOKEN_KEY_NAME = 'token-id-key';
const TOKEN_KEY_AAD = 'gitgate vault key token-id-key v1';

/** Rows per multi-row INSERT in `put` and per page in `rotateKey`. */
const BATCH = 200;

interface SecretRow extends SealedBox {
  token: string;
  type: string;
  created_at: string;
  revoked_at: string | null;
}

function now(): string {
  return new Date().toISOString();
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function optionalString(value: unknown): boolean {
  return value === undefined || value === null || nonEmpty(value);
}

/**
 * The vault. Every method that touches the store runs in one serialised transaction, so a
 * `rotateKey` can never interleave with a `put` or `reveal` and leave an entry under the wrong key.
 */
export class Vault implements TokenMinter {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #tokenKey: Buffer;
  #encKey: Buffer;
  #closed = false;

  private constructor(db: Database, tokenKey: Buffer, encKey: Buffer, log: Logger) {
    this.#db = db;
    this.#tokenKey = tokenKey;
    this.#encKey = encKey;
    this.#log = log;
  }

  /**
   * Opens (creating, migrating) the vault database with synchronous=FULL. On first open the token id
   * key is derived from `masterKey` and stored wrapped; afterwards it is unwrapped (replicas opening a
   * new PostgreSQL vault together: the store lock lets one insert it, the others unwrap that one). Throws TypeError
   * on bad options, VaultError GITGATE_VAULT_DECRYPT when `masterKey` is not this vault's key, and
   * DbError when the database cannot be opened.
   */
  static async open(opts: VaultOptions): Promise<Vault> {
    if (!nonEmpty(opts?.dbPath)) throw new TypeError('dbPath must be a non-empty string');
    assertMasterKey(opts.masterKey);
    const log = opts.logger ?? noopLogger;
    const encKey = deriveSubkey(opts.masterKey, VAULT_ENCRYPTION_INFO);
    const db = await Database.open({ path: opts.dbPath, name: VAULT_STORE, migrations: vaultMigrations, synchronous: 'FULL', logger: log });
    try {
      const tokenKey = await db.transaction(async (tx) => {
        const row = await tx.get<SealedBox>('SELECT iv, ciphertext, tag FROM vault_keys WHERE name = ?', [TOKEN_KEY_NAME]);
        if (row) {
          try {
            return openBox(encKey, row, TOKEN_KEY_AAD);
          } catch (err) {
            throw new VaultError(codes.decrypt, 'the master key does not open this vault', { cause: err, data: { dbPath: opts.dbPath } });
          }
        }
        const derived = deriveSubkey(opts.masterKey, TOKEN_ID_INFO);
        const box = seal(encKey, derived, TOKEN_KEY_AAD);
        await tx.run('INSERT INTO vault_keys (name, iv, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?)',
          [TOKEN_KEY_NAME, box.iv, box.ciphertext, box.tag, now()]);
        log.info('vault initialised', { dbPath: opts.dbPath });
        return derived;
      });
      return new Vault(db, tokenKey, encKey, log);
    } catch (err) {
      encKey.fill(0);
      await db.close();
      throw err;
    }
  }

  /** The token of `secret` under rule type `type` (see TOKEN_RE). Throws TypeError on bad input. */
  tokenFor(type: string, secret: Uint8Array): string {
    this.#assertOpen();
    return mintToken(this.#tokenKey, type, secret);
  }

  /**
   * Stores secrets and where they were seen, in one transaction that is durable (synchronous=FULL)
   * before the promise resolves. Idempotent per token: an existing entry (revoked or not) is kept as
   * is, and an occurrence already recorded keeps its first-seen time. Throws TypeError (and stores
   * nothing) when a record is malformed or its token is not `tokenFor(type, secret)`.
   */
  async put(records: SecretRecord[]): Promise<void> {
    this.#assertOpen();
    if (!Array.isArray(records)) throw new TypeError('records must be an array');
    records.forEach((r, i) => this.#checkRecord(r, i));
    if (records.length === 0) return;
    const at = now();
    let inserted = 0;
    await this.#db.transaction(async (tx) => {
      // Sealing happens inside the transaction so it always uses the key the committed rows use.
      const encKey = this.#encKey;
      for (let i = 0; i < records.length; i += BATCH) {
        const chunk = records.slice(i, i + BATCH);
        const secretValues: unknown[] = [];
        const occurrenceValues: unknown[] = [];
        for (const r of chunk) {
          const box = seal(encKey, r.secret, r.token);
          secretValues.push(r.token, r.type, box.iv, box.ciphertext, box.tag, at);
          occurrenceValues.push(r.token, r.repo, r.path ?? '', r.commitId ?? '', r.ruleId, at);
        }
        const result = await tx.run(
          `INSERT INTO secrets (token, type, iv, ciphertext, tag, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (token) DO NOTHING`,
          secretValues);
        inserted += result.changes;
        await tx.run(
          `INSERT INTO occurrences (token, repo, path, commit_id, rule_id, first_seen) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (token, repo, path, commit_id) DO NOTHING`,
          occurrenceValues);
      }
    });
    this.#log.debug('secrets stored', { records: records.length, inserted });
  }

  /** True when a secret is stored under `token`, revoked or not. */
  async has(token: string): Promise<boolean> {
    this.#assertOpen();
    if (!isToken(token)) return false;
    return (await this.#db.get('SELECT 1 AS found FROM secrets WHERE token = ?', [token])) !== undefined;
  }

  /** A token's type, timestamps and occurrences (oldest first); never the secret. Undefined when unknown. */
  async info(token: string): Promise<TokenInfo | undefined> {
    this.#assertOpen();
    if (!isToken(token)) return undefined;
    return this.#db.transaction(async (tx) => {
      const row = await tx.get<{ type: string; created_at: string; revoked_at: string | null }>(
        'SELECT type, created_at, revoked_at FROM secrets WHERE token = ?', [token]);
      if (!row) return undefined;
      const occ = await tx.all<{ repo: string; path: string; commit_id: string; rule_id: string; first_seen: string }>(
        'SELECT repo, path, commit_id, rule_id, first_seen FROM occurrences WHERE token = ? ORDER BY first_seen, repo, path, commit_id', [token]);
      return {
        token,
        type: row.type,
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
        occurrences: occ.map((o) => ({
          repo: o.repo,
          path: o.path === '' ? null : o.path,
          commitId: o.commit_id === '' ? null : o.commit_id,
          ruleId: o.rule_id,
          firstSeen: o.first_seen,
        })),
      };
    });
  }

  /**
   * Decrypts the secret of `token`. Callers (the detokenize API) check approval first; this method
   * only enforces revocation. Throws VaultError GITGATE_TOKEN_UNKNOWN, GITGATE_TOKEN_REVOKED, or
   * GITGATE_VAULT_DECRYPT when the entry fails authentication.
   */
  async reveal(token: string): Promise<Buffer> {
    this.#assertOpen();
    if (!isToken(token)) throw new VaultError(codes.tokenUnknown, 'not a token', { data: { token: String(token).slice(0, 100) } });
    // Read and decrypt inside one transaction: a rotateKey queued meanwhile cannot swap the key
    // between reading the row and opening it.
    return this.#db.transaction(async (tx) => {
      const row = await tx.get<SecretRow>('SELECT iv, ciphertext, tag, revoked_at FROM secrets WHERE token = ?', [token]);
      if (!row) throw new VaultError(codes.tokenUnknown, `unknown token ${token}`, { data: { token } });
      if (row.revoked_at !== null) throw new VaultError(codes.tokenRevoked, `token ${token} was revoked`, { data: { token, revokedAt: row.revoked_at } });
      return openBox(this.#encKey, row, token);
    });
  }

  /**
   * Every stored secret with its type, revoked ones too (a revoked value is still a secret), in token
   * order, decrypted for a sync's known-secret matching: the caller holds them in memory only while the
   * sync runs. Read in pages inside one transaction. Throws VaultError GITGATE_VAULT_DECRYPT when an
   * entry fails authentication.
   */
  async knownSecrets(): Promise<{ type: string; secret: Buffer }[]> {
    this.#assertOpen();
    return this.#db.transaction(async (tx) => {
      const out: { type: string; secret: Buffer }[] = [];
      let after = '';
      for (;;) {
        const rows = await tx.all<SecretRow>('SELECT token, type, iv, ciphertext, tag FROM secrets WHERE token > ? ORDER BY token LIMIT ?', [after, BATCH]);
        if (rows.length === 0) return out;
        for (const row of rows) out.push({ type: row.type, secret: openBox(this.#encKey, row, row.token) });
        after = rows[rows.length - 1]!.token;
      }
    });
  }

  /**
   * Revokes a token: `reveal` refuses it from now on, and `put` never un-revokes it. Revoking twice
   * keeps the first time. Throws VaultError GITGATE_TOKEN_UNKNOWN when no secret is stored under it.
   */
  async revoke(token: string): Promise<void> {
    this.#assertOpen();
    if (!isToken(token)) throw new VaultError(codes.tokenUnknown, 'not a token', { data: { token: String(token).slice(0, 100) } });
    await this.#db.transaction(async (tx) => {
      const row = await tx.get<{ revoked_at: string | null }>('SELECT revoked_at FROM secrets WHERE token = ?', [token]);
      if (!row) throw new VaultError(codes.tokenUnknown, `unknown token ${token}`, { data: { token } });
      if (row.revoked_at === null) await tx.run('UPDATE secrets SET revoked_at = ? WHERE token = ?', [now(), token]);
    });
    this.#log.info('token revoked', { token });
  }

  /**
   * Re-encrypts every entry (revoked ones too) and the wrapped token id key under `newMasterKey`, in
   * one transaction; either all move or none do. Tokens do not change: the token id key is kept, only
   * re-wrapped. Afterwards open the vault with the new key only. Resolves with the number of secret
   * entries re-encrypted. Throws TypeError on a bad key and VaultError GITGATE_VAULT_DECRYPT (nothing
   * changed) when an entry does not open under the current key. On a shared PostgreSQL vault every
   * other replica still holds the old key in memory: stop them all first.
   */
  async rotateKey(newMasterKey: Buffer): Promise<{ rewrapped: number }> {
    this.#assertOpen();
    assertMasterKey(newMasterKey, 'new master key');
    const oldKey = this.#encKey;
    const newKey = deriveSubkey(newMasterKey, VAULT_ENCRYPTION_INFO);
    let rewrapped = 0;
    try {
      await this.#db.transaction(async (tx) => {
        // Keyset pagination keeps memory flat however many entries there are.
        let after = '';
        for (;;) {
          const rows = await tx.all<SecretRow>(
            'SELECT token, iv, ciphertext, tag FROM secrets WHERE token > ? ORDER BY token LIMIT ?', [after, BATCH]);
          if (rows.length === 0) break;
          for (const row of rows) {
            const plain = openBox(oldKey, row, row.token);
            const box = seal(newKey, plain, row.token);
            plain.fill(0);
            await tx.run('UPDATE secrets SET iv = ?, ciphertext = ?, tag = ? WHERE token = ?', [box.iv, box.ciphertext, box.tag, row.token]);
            rewrapped += 1;
          }
          after = rows[rows.length - 1]!.token;
        }
        const keyBox = seal(newKey, this.#tokenKey, TOKEN_KEY_AAD);
        await tx.run('UPDATE vault_keys SET iv = ?, ciphertext = ?, tag = ?, rotated_at = ? WHERE name = ?',
          [keyBox.iv, keyBox.ciphertext, keyBox.tag, now(), TOKEN_KEY_NAME]);
        // Swapped before COMMIT while this transaction still holds the connection, so no queued
        // put or reveal can run with the old key against the new rows.
        this.#encKey = newKey;
      });
    } catch (err) {
      // A failed COMMIT lands here after the connection was released, but the next transaction reads
      // the key only after its BEGIN completes (an I/O callback), by which time this restore has run.
      this.#encKey = oldKey;
      newKey.fill(0);
      throw err;
    }
    oldKey.fill(0);
    this.#log.info('vault key rotated', { rewrapped });
    return { rewrapped };
  }

  /** Waits for running work, closes the database and wipes the keys from memory. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.close();
    this.#tokenKey.fill(0);
    this.#encKey.fill(0);
  }

  #assertOpen(): void {
    if (this.#closed) throw new VaultError(codes.closed, 'the vault is closed');
  }

  #checkRecord(r: SecretRecord, i: number): void {
    if (typeof r !== 'object' || r === null) throw new TypeError(`record ${i} is not an object`);
    if (!nonEmpty(r.type) || !TOKEN_TYPE_RE.test(r.type)) throw new TypeError(`record ${i} has an invalid type`);
    if (!(r.secret instanceof Uint8Array) || r.secret.length === 0) throw new TypeError(`record ${i} has no secret`);
    if (!nonEmpty(r.ruleId)) throw new TypeError(`record ${i} has no ruleId`);
    if (!nonEmpty(r.repo)) throw new TypeError(`record ${i} has no repo`);
    if (!optionalString(r.path) || !optionalString(r.commitId)) throw new TypeError(`record ${i} has an invalid path or commitId`);
    // A token that does not match its secret would make reveal return the wrong value later.
    if (r.token !== mintToken(this.#tokenKey, r.type, r.secret)) {
      throw new TypeError(`record ${i}: token ${isToken(r.token) ? r.token : '(malformed)'} is not the token of its type and secret`);
    }
  }
}
