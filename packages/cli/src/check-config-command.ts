/** `gitgate check-config FILE`: validates a configuration file and summarises it, resolving no secret. */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { repoScanners } from './repo-scanner.js';
import { describePush } from './config-push.js';
import { commandSpec } from './command-table.js';
import { parseOptions } from './command-spec.js';

/** `gitgate check-config FILE`: validates the file (secret references by form only) and summarises it. */
export async function checkConfigCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: parseOptions(commandSpec('check-config').options), allowPositionals: true });
  const file = positionals[0] ?? values.config as string | undefined;
  if (!file) {
    process.stderr.write('gitgate check-config: give a FILE\nusage: gitgate check-config FILE\n');
    return 2;
  }
  const config = loadConfig(file, { resolveSecret: () => false });
  process.stdout.write(`ok: ${config.repos.length} repositories, listening on ${config.listen.host}:${config.listen.port}, data in ${config.dataDir}\n`);
  if (config.database) process.stdout.write(`  stores in PostgreSQL at ${config.database.display} (shared by replicas); repositories in ${config.dataDir}\n`);
  // The masking policy each repository syncs with (its rule-set version is part of the sync key).
  const scannerFor = repoScanners(config.scanner);
  for (const r of config.repos.filter((x) => x.mask)) process.stdout.write(`  ${r.name} leaves ${r.mask!.leave.join(', ')} (ruleset ${scannerFor(r.mask).rulesetVersion})\n`);
  // Who may push where; a repository without a push block is read-only.
  for (const r of [...config.repos, ...config.github.map((g) => ({ ...g, name: `github ${g.org}` }))]) {
    if (r.push) process.stdout.write(describePush(r.name, r.push, r.writers ?? [], config.auth.mode !== 'none'));
  }
  return 0;
}
