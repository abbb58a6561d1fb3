/**
 * `gitgate serve --config FILE [--tls-cert FILE --tls-key FILE | --tls-self-signed]`: runs the gateway
 * until SIGINT or SIGTERM; SIGHUP re-reads the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { selfSignedCertificate } from '@gitgate/server';
import { startGateway, DataDir } from '@gitgate/gateway';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { servedBy } from './exposed-repos.js';
import { repoScanners } from './repo-scanner.js';
import { commandSpec } from './command-table.js';
import { parseOptions } from './command-spec.js';

function serveUsage(problem: string): number {
  process.stderr.write(`gitgate serve: ${problem}\nusage: ${commandSpec('serve').usage[0]}\n`);
  return 2;
}

/** `gitgate serve --config FILE [--tls-cert FILE --tls-key FILE | --tls-self-signed]`. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: parseOptions(commandSpec('serve').options) });
  const file = v.config as string | undefined;
  if (!file) return serveUsage('give --config FILE (or run `npm start` for the demo)');
  const certFile = v['tls-cert'] as string | undefined;
  const keyFile = v['tls-key'] as string | undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) return serveUsage('--tls-cert and --tls-key go together');
  const config = loadConfig(file);
  let tls: { cert: string; key: string } | undefined;
  if (certFile && keyFile) tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  else if (v['tls-self-signed'] === true) tls = selfSignedFor(config);
  return serve(config, file, tls);
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
    scanWorkers: config.sync.scanWorkers,
    backgroundSync: { onStart: config.sync.onStart, intervalMs: config.sync.intervalSeconds * 1000 },
    ...await servedBy(config, logger),
    webhook: config.detokenize.webhook, tls, metrics: config.metrics,
    // Each repository brings its own scanner (servedBy); this one is the fallback for none.
    scanner: repoScanners(config.scanner)(),
    auditRetention: config.audit.retentionMs ? { retentionMs: config.audit.retentionMs, exportDir: config.audit.exportDir } : undefined,
    auditKey: config.audit.key,
    ...(config.database ? { database: { url: config.database.url }, masterKey: config.vaultKey } : {}),
    auditAnchorWebhook: config.audit.anchorWebhook
      ? { url: config.audit.anchorWebhook.url, secret: config.audit.anchorWebhook.secret, intervalMs: config.audit.anchorWebhook.intervalSeconds * 1000 } : undefined,
  });
  process.stdout.write(`gitgate listening on ${gw.url}\n`);
  if (gw.metricsUrl) process.stdout.write(`metrics on ${gw.metricsUrl}/metrics\n`);
  // With an identity provider, git needs the caller's token: say so rather than print a clone that answers 401.
  const asCaller = config.auth.mode === 'none' ? '' : '   (send your OIDC token: -c http.extraHeader="Authorization: Bearer <JWT>", or as the password)';
  for (const name of gw.repos.keys()) process.stdout.write(`  git clone ${gw.url}/${name}.git${asCaller}\n`);
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
