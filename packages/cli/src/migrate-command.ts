/**
 * `gitgate migrate --from-sqlite DIR --to postgres://…`: moves an existing deployment's shared stores
 * into PostgreSQL (sqlite-to-postgres.ts) with a count check per table. Run it with the gateway stopped
 * (the data dir is locked meanwhile); then configure `database:` and give every replica the deployment
 * key and audit key of DIR as `vault.key` and `audit.key`.
 */
import { parseArgs } from 'node:util';
import { DataDir, type DataDirLock } from '@gitgate/gateway';
import { copyStores, storeFiles } from './sqlite-to-postgres.js';
import { commandSpec } from './command-table.js';
import { helpText } from './command-spec.js';

/** Runs `gitgate migrate …`; returns the exit code. */
export async function migrateCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: { 'from-sqlite': { type: 'string' }, to: { type: 'string' }, 'password-env': { type: 'string' } } });
  if (!v['from-sqlite'] || !v.to || !/^postgres(?:ql)?:\/\//i.test(v.to)) {
    err.write(helpText(commandSpec('migrate'), 'gitgate migrate'));
    return 2;
  }
  const url = new URL(v.to);
  if (v['password-env']) {
    const password = env[v['password-env']];
    if (!password) {
      err.write(`gitgate migrate: ${v['password-env']} is not set\n`);
      return 2;
    }
    url.password = encodeURIComponent(password);
  }
  const dataDir = new DataDir(v['from-sqlite']);
  let lock: DataDirLock;
  try {
    lock = dataDir.lock({ purpose: 'migrate to PostgreSQL' });
  } catch (e) {
    err.write(`gitgate migrate: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const counts = await copyStores(storeFiles(dataDir), url.toString(), (line) => err.write(`${line}\n`));
    for (const c of counts) out.write(`${c.table}\t${c.source}\t${c.copied}\tok\n`);
    out.write(`migrated ${counts.length} tables to ${url.hostname}:${url.port || '5432'}${url.pathname}; every count agrees\n`);
    err.write(`next: set database: in the config, and give every replica vault.key: ${dataDir.keyFile} and audit.key: the audit key of ${v['from-sqlite']}\n`);
    return 0;
  } catch (e) {
    err.write(`gitgate migrate: ${(e as Error).message}\n`);
    return 1;
  } finally {
    lock.release();
  }
}
