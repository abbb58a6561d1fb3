/**
 * Retention (docs/audit.md, "Retention"): rows older than a date are exported as JSON lines, fsynced,
 * then deleted, and a `purge` record is appended. The purged prefix is summarised by the chain
 * anchor (last purged seq and hash), written in the same transaction, so the remaining chain stays
 * verifiable from its first row.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '@gitgate/db';
import { AuditError, codes } from './audit-error.js';
import { SYSTEM_ACTOR, type PendingRecord, type PurgeData } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { ChainWalker, GENESIS_HASH, isAmbiguousField, type ChainLink } from './hash-chain.js';
import type { Logger } from '@gitgate/log';
import { appendRecords, readAnchor, toChained, type RecordsRow } from './record-store.js';

/** Options of `exportAndPurge`. */
export interface PurgeOptions {
  /** Rows recorded before this instant are exported and deleted. */
  before: Date;
  /** The JSON-lines file to create (mode 0600); it must not exist yet. */
  exportPath: string;
  /** Actor of the purge record (default 'system'). */
  actor?: string;
}

/** What a purge did. */
export interface PurgeResult {
  exported: number;
  purged: number;
}

/** Rows read and written per step. */
const PAGE = 1000;

/** One exported line: the stored row, column names as in `records`, `data` as its stored JSON text. */
function exportLine(row: RecordsRow): string {
  const { seq, at, kind, actor, repo, data, prev_hash, hash, chain_version } = row;
  return JSON.stringify({ seq, at, kind, actor, repo, data, prev_hash, hash, chain_version }) + '\n';
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function exportError(err: unknown, exportPath: string): AuditError {
  if (err instanceof AuditError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? 'error';
  return new AuditError(codes.export, `cannot write the audit export ${exportPath}: ${code}`, { cause: err, data: { exportPath } });
}

/**
 * Exports and deletes the oldest rows, up to (not including) the first row recorded at or after
 * `before`, so only a prefix of the chain is ever removed even if the clock once went backwards.
 * Creates the export file even when nothing is old enough (then no purge record is written).
 * Throws TypeError on bad options; AuditError GITGATE_AUDIT_EXPORT when the file exists or cannot be
 * written, GITGATE_AUDIT_CHAIN_BROKEN when the rows to purge fail verification (nothing is deleted
 * and the export file is removed: tampered rows stay in the database as evidence). `onAppend` is
 * told the chain head before and after the purge record, inside the transaction. With `key`, keyed
 * rows are checked with it and the purge record is keyed, so the anchor it vouches for is too;
 * without it, GITGATE_AUDIT_KEY_REQUIRED when the chain holds keyed rows.
 */
export async function exportAndPurge(
  db: Database,
  opts: PurgeOptions,
  now: () => Date,
  logger: Logger,
  onAppend: (from: ChainLink, to: ChainLink) => void = () => {},
  key?: Uint8Array,
): Promise<PurgeResult> {
  if (opts === null || typeof opts !== 'object') throw new TypeError('purge options must be an object');
  if (!(opts.before instanceof Date) || Number.isNaN(opts.before.getTime())) throw new TypeError('before must be a valid Date');
  if (typeof opts.exportPath !== 'string' || opts.exportPath === '') throw new TypeError('exportPath must be a non-empty string');
  const actor = opts.actor ?? SYSTEM_ACTOR;
  if (typeof actor !== 'string' || actor === '' || isAmbiguousField(actor)) throw new TypeError('actor must be a non-empty string without newlines');
  const before = opts.before.toISOString();
  const exportPath = opts.exportPath;

  return db.transaction(async (tx) => {
    const cutoff = await tx.get<{ seq: number | null }>('SELECT MIN(seq) AS seq FROM records WHERE at >= ?', [before]);
    const max = await tx.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM records');
    const through = cutoff?.seq != null ? cutoff.seq - 1 : (max?.seq ?? 0);
    const anchor = await readAnchor(tx);
    const walker = new ChainWalker(anchor ?? { seq: 0, hash: GENESIS_HASH }, key);

    let file: fs.promises.FileHandle;
    try {
      file = await fs.promises.open(exportPath, 'wx', 0o600);
    } catch (err) {
      throw exportError(err, exportPath);
    }
    try {
      let last = 0;
      for (;;) {
        const page = await tx.all<RecordsRow>('SELECT * FROM records WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?', [last, through, PAGE]);
        if (page.length === 0) break;
        for (const row of page) walker.push(toChained(row));
        await file.write(page.map(exportLine).join(''));
        last = page[page.length - 1]!.seq;
      }
      if (walker.firstBroken) {
        const broken = walker.firstBroken;
        throw new AuditError(codes.chainBroken, `refusing to purge: the chain is broken at seq ${broken.seq} (${broken.reason})`, {
          data: { seq: broken.seq, reason: broken.reason },
        });
      }
      await file.sync();
      await file.close();
      await syncDirectory(path.dirname(path.resolve(exportPath)));
    } catch (err) {
      await file.close().catch(() => undefined);
      // Ours to remove: it was created with 'wx' above.
      await fs.promises.rm(exportPath, { force: true }).catch(() => undefined);
      throw exportError(err, exportPath);
    }

    const count = walker.checked;
    if (count === 0) return { exported: 0, purged: 0 };
    const head = walker.head;
    // Anchor first: the delete trigger only lets rows at or below the anchor go.
    await tx.run('DELETE FROM chain_anchor');
    await tx.run('INSERT INTO chain_anchor (seq, hash) VALUES (?, ?)', [head.seq, head.hash]);
    const deleted = await tx.run('DELETE FROM records WHERE seq <= ?', [head.seq]);
    const data: PurgeData = {
      purgedThroughSeq: head.seq,
      lastPurgedHash: head.hash,
      count,
      exportFile: path.basename(exportPath),
      before,
    };
    const purge: PendingRecord = { at: now().toISOString(), kind: 'purge', actor, repo: null, data: canonicalJson(data) };
    const appended = await appendRecords(tx, [purge], key);
    onAppend(appended.from, appended.to);
    logger.info('audit rows purged', { count, throughSeq: head.seq, exportFile: data.exportFile });
    return { exported: count, purged: deleted.changes };
  });
}
