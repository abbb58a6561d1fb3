/**
 * `gitgate scan`: a dry run for security teams that lists what the gateway would tokenize — rule,
 * path, commit, line and a masked preview — without changing anything. Secrets are never printed.
 *
 * With `--config FILE [REPO…]` the dry run is the real run: each configured repository is synced by
 * the gateway's own code under the gateway's policy (scan-config.ts). Without it, the target is a
 * file, a directory, a bare repository's HEAD tree, or with `--history` every object of every ref
 * (scan-sources.ts). Output as text, JSON, SARIF 2.1.0 or CSV (scan-formats.ts); `--baseline` leaves
 * out what a previous JSON report lists (scan-baseline.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { noopLogger } from '@gitgate/log';
import { createScanner, type Scanner } from '@gitgate/scanner';
import { loadConfig } from './config.js';
import { exposedRepos, gatewayRepos } from './exposed-repos.js';
import { repoScanners } from './repo-scanner.js';
import { applyBaseline, readBaseline } from './scan-baseline.js';
import { scanRepoAsGateway } from './scan-config.js';
import { FORMATS, renderReport, type ScanFormat } from './scan-formats.js';
import { scanContent, type Collector, type ScanReport } from './scan-report.js';
import { gitDirOf, scanHead, scanHistory, walk } from './scan-sources.js';
import { commandSpec } from './command-table.js';
import { helpText } from './command-spec.js';

export type { ScanReport, ScanReportFinding, ScanReportWithheld, ScanReportRepo } from './scan-report.js';

/** The help of `gitgate scan` (command-table.ts). */
const USAGE = helpText(commandSpec('scan'), 'gitgate scan').trimEnd();

/** Options a caller can inject. */
export interface ScanCommandOptions {
  /** The scanner for a path target (default: the built-in rules; `--config` builds its own). */
  scanner?: Scanner;
  /** Working directory for relative paths; default `process.cwd()`. */
  cwd?: string;
  /** Where errors go (default stderr). */
  err?: NodeJS.WritableStream;
}

/** A usage problem: exit 2 with the usage text. */
class UsageError extends Error {}

interface ScanArgs {
  help: boolean;
  history: boolean;
  format: ScanFormat;
  baseline?: string;
  config?: string;
  positional: string[];
}

function parseScanArgs(args: string[]): ScanArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        help: { type: 'boolean', short: 'h' }, history: { type: 'boolean' }, json: { type: 'boolean' },
        format: { type: 'string' }, baseline: { type: 'string' }, config: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify .*$/, ''));
  }
  const v = parsed.values;
  const format = v.format ?? (v.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format ${format} (text, json, sarif or csv)`);
  if (v.json && v.format !== undefined && v.format !== 'json') throw new UsageError('--json is --format json; give one of them');
  return { help: v.help === true, history: v.history === true, format: format as ScanFormat, baseline: v.baseline, config: v.config, positional: parsed.positionals };
}

function newReport(target: string, scanner: Scanner, salt: string): ScanReport {
  return { target, mode: 'file', rulesetVersion: scanner.rulesetVersion, fingerprintSalt: salt, scanned: { objects: 0, bytes: 0 }, findings: [], withheld: [] };
}

/** The target modes: a file, a directory, a repository's HEAD tree or its whole history. */
async function scanTarget(a: ScanArgs, cwd: string, scanner: Scanner, salt: string): Promise<ScanReport> {
  if (a.positional.length !== 1) throw new UsageError(a.positional.length === 0 ? 'scan needs a path (or --config FILE)' : 'scan takes one path');
  const given = a.positional[0]!;
  const target = path.resolve(cwd, given);
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    throw new Error(`cannot read ${given}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const c: Collector = { scanner, report: newReport(given, scanner, salt) };
  if (st.isFile()) {
    if (a.history) throw new UsageError('--history needs a git repository');
    scanContent(c, readFileSync(target), { path: path.basename(target) }, true);
    return c.report;
  }
  const repo = await gitDirOf(target);
  if (a.history) {
    if (repo === undefined) throw new UsageError(`--history needs a git repository; ${given} is not one`);
    c.report.mode = 'history';
    await scanHistory(c, repo.gitDir);
  } else if (repo !== undefined && repo.bare) {
    c.report.mode = 'head';
    await scanHead(c, repo.gitDir);
  } else {
    c.report.mode = 'directory';
    for (const rel of walk(target)) scanContent(c, readFileSync(path.join(target, rel)), { path: rel }, true);
  }
  return c.report;
}

/** `--config FILE [REPO…]`: each repository synced as the gateway syncs it (scan-config.ts). */
async function scanConfigured(a: ScanArgs, cwd: string, salt: string): Promise<ScanReport> {
  if (a.history) throw new UsageError('--config scans every ref of every object already; leave out --history');
  const file = path.resolve(cwd, a.config!);
  // The repositories' credentials are used to fetch; the gateway's other secrets (webhooks, audit key) are not.
  const config = loadConfig(file, { resolveSecret: (key) => key.startsWith('repos[') });
  const exposed = await exposedRepos(config, noopLogger);
  const unknown = a.positional.filter((n) => !exposed.some((r) => r.name === n));
  if (unknown.length > 0) throw new UsageError(`${unknown.join(', ')}: not a repository of ${a.config}`);
  const chosen = a.positional.length === 0 ? exposed : exposed.filter((r) => a.positional.includes(r.name));
  const scanner = repoScanners(config.scanner)();
  const c: Collector = { scanner, report: { ...newReport(a.config!, scanner, salt), mode: 'config', repos: [] } };
  const upstreamTimeoutMs = config.sync.upstreamTimeoutSeconds === undefined ? undefined : config.sync.upstreamTimeoutSeconds * 1000;
  for (const repo of gatewayRepos(config, chosen)) await scanRepoAsGateway(c, repo, { upstreamTimeoutMs });
  return c.report;
}

/**
 * Runs `gitgate scan`. Writes the report to `out` in the chosen format and returns the exit code:
 * 0 nothing (new) found, 1 findings or withheld content, 2 a usage, configuration or runtime error
 * (one sentence on `options.err`). `--help` prints the usage to `out` and returns 0.
 */
export async function scanCommand(args: string[], out: NodeJS.WritableStream, options: ScanCommandOptions = {}): Promise<number> {
  const err = options.err ?? process.stderr;
  const cwd = options.cwd ?? process.cwd();
  try {
    const a = parseScanArgs(args);
    if (a.help) {
      out.write(USAGE + '\n');
      return 0;
    }
    const baseline = a.baseline === undefined ? undefined : readBaseline(path.resolve(cwd, a.baseline));
    const salt = baseline?.salt ?? randomBytes(16).toString('hex');
    const report = a.config !== undefined ? await scanConfigured(a, cwd, salt) : await scanTarget(a, cwd, options.scanner ?? createScanner(), salt);
    if (baseline) applyBaseline(report, baseline);
    out.write(renderReport(report, a.format));
    return report.findings.length > 0 || report.withheld.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) err.write(`gitgate scan: ${e.message}\n${USAGE}\n`);
    else err.write(`gitgate scan: ${(e as Error).message ?? String(e)}\n`);
    return 2;
  }
}
