/**
 * `gitgate audit …`: the security team's questions, answered from the audit database.
 *   verify | anchor | sessions | exposures | pushes | requests | syncs | auth-failures | admin | session <id> | purge
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AuditError,
  AuditLog,
  formatRows,
  parseAnchors,
  readAuditHead,
  verifyAuditFile,
  type AuditQuery,
  type ChainLink,
  type RowFormat,
  type VerifyResult,
} from '@gitgate/audit';
import { loadConfig, type Config, type LoadConfigOptions } from './config.js';
import { DataDir, findAuditKey } from '@gitgate/gateway';
import { commandSpec } from './command-table.js';
import { helpText } from './command-spec.js';
import { storeLocation } from './store-location.js';

/** The help of `gitgate audit` (command-table.ts), printed with a usage problem. */
const USAGE = helpText(commandSpec('audit'), 'gitgate audit').trimEnd();

/** Loads a config for the audit key and the data directory only. */
export const AUDIT_KEY_ONLY: LoadConfigOptions = { resolveSecret: (path) => path === 'audit.key' };

const AGE_MS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO 8601 time or an age (45s, 30m, 12h, 7d, 2w) relative to `now`. Throws TypeError naming `what`. */
export function parseWhen(s: string, now = new Date(), what = 'the time'): Date {
  const age = /^(\d+)([smhdw])$/.exec(s);
  if (age) return new Date(now.getTime() - Number(age[1]) * AGE_MS[age[2] as keyof typeof AGE_MS]);
  const t = ISO_TIME.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new TypeError(`${what} ${JSON.stringify(s.slice(0, 40))} is neither an ISO 8601 time (2026-01-31T09:00:00Z) nor an age such as 30m, 12h, 7d or 2w`);
  return new Date(t);
}

/** The parsed command line of `gitgate audit`. */
interface AuditArgs {
  cmd: string;
  arg?: string;
  values: { before?: string; export?: string; anchor?: string[]; anchors?: string };
  /** Where the audit lives: the configured database, else audit.db in the data dir. */
  location: string;
  dataDir: DataDir;
  format: RowFormat;
  query: AuditQuery;
  key?: Uint8Array;
}

/** Parses and checks the arguments; an exit code (usage 2, unusable key 1) when they are not usable. */
async function auditArgs(argv: string[], err: NodeJS.WritableStream): Promise<AuditArgs | number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        config: { type: 'string' }, data: { type: 'string' }, repo: { type: 'string' }, identity: { type: 'string' },
        token: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' },
        format: { type: 'string' }, json: { type: 'boolean' }, before: { type: 'string' }, export: { type: 'string' },
        anchor: { type: 'string', multiple: true }, anchors: { type: 'string' },
      },
    });
  } catch (e) {
    err.write(`gitgate audit: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [cmd, arg] = positionals;
  if (!cmd) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  // Only the audit key is resolved: an analyst need not hold the gateway's other secrets.
  const config: Config | undefined = v.config ? loadConfig(v.config, AUDIT_KEY_ONLY) : undefined;
  const root = v.data ?? config?.dataDir;
  if (!root) {
    err.write(`gitgate audit: give --config FILE or --data DIR\n`);
    return 2;
  }
  const dataDir = new DataDir(root);
  const format = (v.format ?? (v.json ? 'json' : 'table')) as RowFormat;
  if (!['table', 'json', 'csv'].includes(format) || (v.json && format !== 'json')) {
    err.write(v.json ? 'gitgate audit: --json is --format json; give one of them\n' : 'gitgate audit: --format must be table, json or csv\n');
    return 2;
  }
  const query: AuditQuery = { repo: v.repo, identity: v.identity, token: v.token };
  try {
    if (v.since) query.since = parseWhen(v.since, undefined, '--since');
    if (v.until) query.until = parseWhen(v.until, undefined, '--until');
    if (v.before) parseWhen(v.before, undefined, '--before');
    if (v.limit) {
      query.limit = Number(v.limit);
      if (!Number.isInteger(query.limit) || query.limit < 1) throw new TypeError('--limit must be a positive integer');
    }
  } catch (e) {
    err.write(`gitgate audit: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    return { cmd, arg, values: v, dataDir, location: storeLocation(config, dataDir.auditDb), format, query, key: await findAuditKey(dataDir, config?.audit.key) };
  } catch (e) {
    err.write(`gitgate audit: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Runs `gitgate audit`; returns the exit code. */
export async function auditCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = await auditArgs(argv, err);
  if (typeof args === 'number') return args;
  const { cmd, values: v, format, key } = args;
  const path = args.location;
  // verify and anchor only read: opening the log for writing would add rows (crash recovery, the
  // keyed marker) that could cover up what they should report, and race a running gateway.
  if (cmd === 'verify') return verifyCommand(path, key, v.anchor ?? [], v.anchors, format, out, err);
  if (cmd === 'anchor') {
    try {
      const head = await readAuditHead({ path });
      out.write(format === 'json' ? `${JSON.stringify(head)}\n` : `${head.seq}:${head.hash} ${head.at ?? '-'}\n`);
      return 0;
    } catch (e) {
      err.write(`gitgate audit anchor: ${(e as Error).message}\n`);
      return 1;
    }
  }
  let audit: AuditLog;
  try {
    audit = await AuditLog.open({ path, key });
  } catch (e) {
    if (!(e instanceof AuditError)) throw e;
    err.write(`gitgate audit: ${e.message}\n`);
    return 1;
  }
  try {
    return await queryCommand(audit, args, out, err);
  } finally {
    await audit.close();
  }
}

/** The commands that read (or purge) an open audit log. */
async function queryCommand(audit: AuditLog, args: AuditArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { cmd, format, query: q } = args;
  const print = (rows: object[]): void => {
    // An empty table says so on stderr, so a script reading stdout still gets nothing (JSON: []).
    if (rows.length === 0 && format !== 'json') err.write('no records\n');
    else out.write(formatRows(rows as Record<string, unknown>[], format));
  };
  switch (cmd) {
    case 'sessions': print(await audit.sessions(q)); return 0;
    case 'exposures': print(await audit.exposures(q)); return 0;
    case 'pushes': print(await audit.pushes(q)); return 0;
    case 'requests': print(await audit.detokenize(q)); return 0;
    case 'reveals': print(await reveals(audit, q)); return 0;
    case 'syncs': print(await audit.syncs(q)); return 0;
    case 'auth-failures': print(await audit.authFailures(q)); return 0;
    case 'admin': print(await audit.adminActions(q)); return 0;
    case 'session': return sessionCommand(audit, args, out, err);
    case 'purge': return purgeCommand(audit, args, out, err);
    default:
      err.write(`gitgate audit: unknown command ${cmd.slice(0, 40)}\n${USAGE}\n`);
      return 2;
  }
}

/** Each reveal with the approvers of its request. */
async function reveals(audit: AuditLog, q: AuditQuery): Promise<object[]> {
  const events = await audit.detokenize({ ...q, limit: q.limit ?? 100000 });
  const approvers = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.kind === 'detokenize-approve' && e.requestId && e.approver) {
      if (!approvers.has(e.requestId)) approvers.set(e.requestId, new Set());
      approvers.get(e.requestId)!.add(e.approver);
    }
  }
  return events.filter((e) => e.kind === 'detokenize-reveal').map((e) => ({
    at: e.at, repo: e.repo, requestId: e.requestId, token: e.token, requester: e.requester ?? e.actor,
    approvers: [...(approvers.get(e.requestId ?? '') ?? [])].sort().join(' '),
  }));
}

/** `gitgate audit session <id>`: one session and the tokens it received. */
async function sessionCommand(audit: AuditLog, { arg, format }: AuditArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (!arg) {
    err.write('gitgate audit session: give a session id\n');
    return 2;
  }
  const s = await audit.session(arg);
  if (!s) {
    err.write(`gitgate audit session: no session ${arg.slice(0, 80)}\n`);
    return 1;
  }
  if (format === 'json') out.write(JSON.stringify(s, null, 2) + '\n');
  else {
    out.write(formatRows([s.session as unknown as Record<string, unknown>], format));
    out.write(`\ntokens received (${s.exposures.length}):\n`);
    if (s.exposures.length > 0) out.write(formatRows(s.exposures as unknown as Record<string, unknown>[], format));
  }
  return 0;
}

/** `gitgate audit purge --before WHEN --export FILE`, only while no gateway holds the data directory. */
async function purgeCommand(audit: AuditLog, { values: v, dataDir }: AuditArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (!v.before || !v.export) {
    err.write('gitgate audit purge: give --before WHEN and --export FILE\n');
    return 2;
  }
  // A running gateway appends to the chain; its next row would link to a head the purge moved.
  let lock;
  try {
    lock = dataDir.lock({ purpose: 'audit purge' });
  } catch (e) {
    err.write(`gitgate audit purge: ${(e as Error).message} (the gateway purges by itself with audit.retention)\n`);
    return 1;
  }
  try {
    const r = await audit.exportAndPurge({ before: parseWhen(v.before, undefined, '--before'), exportPath: v.export, actor: 'cli' });
    out.write(`exported ${r.exported} records to ${v.export}; purged ${r.purged}\n`);
  } finally {
    lock.release();
  }
  return 0;
}

/** `gitgate audit verify`: the chain, keyed rows with `key`, and every anchor given. */
async function verifyCommand(
  path: string, key: Uint8Array | undefined, anchorArgs: string[], anchorsFile: string | undefined, format: RowFormat,
  out: NodeJS.WritableStream, err: NodeJS.WritableStream,
): Promise<number> {
  let anchors: ChainLink[];
  try {
    anchors = parseAnchors([...anchorArgs, anchorsFile === undefined ? '' : readFileSync(anchorsFile, 'utf8')].join('\n'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err.write(`gitgate audit verify: ${code ? `cannot read ${anchorsFile}: ${code}` : (e as Error).message}\n`);
    return 2;
  }
  let r: VerifyResult;
  try {
    r = await verifyAuditFile({ path, key, anchors });
  } catch (e) {
    if (!(e instanceof AuditError)) throw e;
    const hint = e.code === 'GITGATE_AUDIT_KEY_REQUIRED' ? ' (give --config with audit.key, or keep DATA/audit.key)' : '';
    err.write(`gitgate audit verify: ${e.message}${hint}\n`);
    return 1;
  }
  if (format === 'json') out.write(JSON.stringify(r) + '\n');
  else if (r.ok) {
    const anchored = anchors.length > 0 ? `; ${r.anchorsChecked} anchors match${r.anchorsSkipped > 0 ? `, ${r.anchorsSkipped} purged` : ''}` : '';
    const keyed = key ? `${r.keyed} keyed` : 'no audit key: keyed rows would not verify';
    out.write(`ok: ${r.checked} records (${keyed}), chain intact (head seq ${r.head.seq} ${r.head.hash})${anchored}\n`);
  } else {
    const b = r.firstBroken!;
    const hint = b.reason === 'unkeyed-tail' ? '; a database no keyed gateway has opened since the upgrade ends unkeyed too: check it against your anchors before starting one' : '';
    out.write(`BROKEN at seq ${b.seq}: ${b.reason}${b.detail ? ` (${b.detail})` : ''}; ${r.checked} records checked${hint}\n`);
  }
  return r.ok ? 0 : 1;
}
