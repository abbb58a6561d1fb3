/** `gitgate` command line: `gitgate serve --config FILE`, `gitgate check-config FILE`. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { selfSignedCertificate } from '@gitgate/server';
import { startGateway, DataDir } from '@gitgate/gateway';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from './logger.js';
import { servedBy } from './exposed-repos.js';
import { auditCommand } from './audit-command.js';
import { repoCommand } from './repo-command.js';
import { vaultCommand } from './vault-command.js';
import { tokenCommand } from './token-command.js';
import { scanCommand } from './scan-command.js';
import { repoScanners } from './repo-scanner.js';
import { describePush } from './config-push.js';

const USAGE = `usage:
  gitgate serve --config FILE [--tls-cert FILE --tls-key FILE | --tls-self-signed]
                                  run the gateway (HTTPS with the given or a generated certificate)
  gitgate check-config FILE       validate a configuration file and exit
  gitgate audit <command> …       query and verify the audit database (gitgate audit for help)
  gitgate repos --config FILE     what is exposed and from where (GitHub organisations resolved)
  gitgate vault rotate-key --config FILE   re-encrypt the vault under a new key (gateway stopped)
  gitgate scan <path-or-repo> | --config FILE [REPO…] [--format F] [--baseline FILE]
                                  dry run: what the gateway would tokenize (gitgate scan --help)
  gitgate repo add|list|remove --config FILE …   edit the repository list (apply with SIGHUP)
  gitgate token request|list|info|revoke …   ask for a token's secret and wait for it (gitgate token --help)
  gitgate help                    this text`;

/** Runs the CLI; returns the process exit code (serve resolves only on a signal). */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'check-config') {
    const file = rest[0];
    if (!file) return usage('check-config needs a FILE');
    const config = loadConfig(file);
    process.stdout.write(`ok: ${config.repos.length} repositories, listening on ${config.listen.host}:${config.listen.port}, data in ${config.dataDir}\n`);
    // The masking policy each repository syncs with (its rule-set version is part of the sync key).
    const scannerFor = repoScanners(config.scanner);
    for (const r of config.repos.filter((x) => x.mask)) process.stdout.write(`  ${r.name} leaves ${r.mask!.leave.join(', ')} (ruleset ${scannerFor(r.mask).rulesetVersion})\n`);
    // Who may push where; a repository without a push block is read-only.
    for (const r of [...config.repos, ...config.github.map((g) => ({ ...g, name: `github ${g.org}` }))]) {
      if (r.push) process.stdout.write(describePush(r.name, r.push, r.writers ?? [], config.auth.mode === 'oidc'));
    }
    return 0;
  }
  if (cmd === 'audit') return auditCommand(rest, process.stdout, process.stderr);
  if (cmd === 'vault') return vaultCommand(rest, process.stdout, process.stderr);
  if (cmd === 'token') return tokenCommand(rest, { out: process.stdout, err: process.stderr, env: process.env });
  if (cmd === 'scan') return scanCommand(rest, process.stdout);
  if (cmd === 'repos' || cmd === 'repo') return repoCommand(cmd, rest, process.stdout, process.stderr);
  if (cmd === 'serve') {
    const i = rest.indexOf('--config');
    const file = i >= 0 ? rest[i + 1] : undefined;
    if (!file) return usage('serve needs --config FILE (or run `npm start` for the demo)');
    const flag = (name: string): string | undefined => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
    const certFile = flag('--tls-cert');
    const keyFile = flag('--tls-key');
    if ((certFile === undefined) !== (keyFile === undefined)) return usage('--tls-cert and --tls-key go together');
    const config = loadConfig(file);
    let tls: { cert: string; key: string } | undefined;
    if (certFile && keyFile) tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    else if (rest.includes('--tls-self-signed')) tls = selfSignedFor(config);
    return serve(config, file, tls);
  }
  return usage(`unknown command ${cmd}`);
}

function usage(problem: string): number {
  process.stderr.write(`gitgate: ${problem}\n${USAGE}\n`);
  return 2;
}

/**
 * A self-signed certificate for trials, kept in the data directory (0600) so clients can pin the same
 * certificate across restarts: `git -c http.sslCAInfo=DATA/tls-self-signed.crt clone https://…`.
 */
function selfSignedFor(config: Config): { cert: string; key: string } {
  const dataDir = new DataDir(config.dataDir);
  const certPath = dataDir.tlsSelfSignedCert;
  const keyPath = dataDir.tlsSelfSignedKey;
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  const names = [config.listen.host, hostname()].filter((h) => /^[A-Za-z0-9.-]+$/.test(h) && h !== '0.0.0.0');
  const pair = selfSignedCertificate(names);
  dataDir.create();
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  process.stdout.write(`generated a self-signed certificate: ${certPath}\n`);
  return pair;
}

async function serve(config: Config, file: string, tls?: { cert: string; key: string }): Promise<number> {
  const logger = createLogger(config.log.level, config.log.format);
  const gw = await startGateway({
    host: config.listen.host, port: config.listen.port, dataDir: config.dataDir, auth: config.auth, logger,
    coalesceMs: config.sync.coalesceMs, maxBodyBytes: config.limits.maxRequestBytes,
    upstreamTimeoutMs: config.sync.upstreamTimeoutSeconds === undefined ? undefined : config.sync.upstreamTimeoutSeconds * 1000,
    backgroundSync: { onStart: config.sync.onStart, intervalMs: config.sync.intervalSeconds * 1000 },
    ...await servedBy(config, logger),
    webhook: config.detokenize.webhook, tls, metrics: config.metrics,
    // Each repository brings its own scanner (servedBy); this one is the fallback for none.
    scanner: repoScanners(config.scanner)(),
    auditRetention: config.audit.retentionMs ? { retentionMs: config.audit.retentionMs, exportDir: config.audit.exportDir } : undefined,
    auditKey: config.audit.key,
    auditAnchorWebhook: config.audit.anchorWebhook
      ? { url: config.audit.anchorWebhook.url, secret: config.audit.anchorWebhook.secret, intervalMs: config.audit.anchorWebhook.intervalSeconds * 1000 } : undefined,
  });
  process.stdout.write(`gitgate listening on ${gw.url}\n`);
  if (gw.metricsUrl) process.stdout.write(`metrics on ${gw.metricsUrl}/metrics\n`);
  for (const name of gw.repos.keys()) process.stdout.write(`  git clone ${gw.url}/${name}.git\n`);
  // SIGHUP: re-read the config file and apply its repositories and policy; a bad file changes nothing.
  const reload = (): void => {
    (async () => {
      gw.reload(await servedBy(loadConfig(file), logger));
    })().catch((e: unknown) => logger.error('configuration reload refused', { error: (e as Error).message }));
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.off('SIGHUP', reload);
  logger.info('shutting down');
  await gw.close();
  return 0;
}

/** Entry point of the `gitgate` binary: runs main with the process arguments and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      if (err instanceof ConfigError) process.stderr.write(`gitgate: ${err.message}\n`);
      else process.stderr.write(`gitgate: ${(err as Error).message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
