/**
 * The report of `gitgate scan`: its shape (the `--format json` output), and how a finding in some
 * content becomes a reported line — position, fingerprint and a preview that masks every secret on
 * its line. Secrets are never written: only a masked preview and a salted fingerprint.
 */
import { createHmac } from 'node:crypto';
import { ScannerError, type Finding, type Scanner } from '@gitgate/scanner';

/** One reported finding; `preview` is the line with every secret on it masked. */
export interface ScanReportFinding {
  /** The configured repository (`--config` runs only). */
  repo?: string;
  ruleId: string;
  type: string;
  confidence: Finding['confidence'];
  /**
   * Repository-relative path, or the place: `(commit message)`, `(tag message)`, `(commit header)`,
   * `(tag header)`, `(tree entry name)`, `(ref name)`.
   */
  path: string;
  /** The commit that introduced the blob (history), the scanned commit (HEAD), or the tag object. */
  commit?: string;
  /** 1-based line and column (in bytes) of the secret's first byte. */
  line: number;
  column: number;
  /** Length of the secret in bytes. */
  length: number;
  via?: string;
  /** HMAC-SHA256 of the secret under the report's `fingerprintSalt` (32 hex chars): the baseline key. */
  fingerprint: string;
  preview: string;
}

/** Content the rewrite would withhold (fail closed) instead of scanning. */
export interface ScanReportWithheld {
  repo?: string;
  path: string;
  commit?: string;
  bytes: number;
  reason: string;
}

/** A configured repository as `--config` scanned it: the policy in effect and what the sync saw. */
export interface ScanReportRepo {
  name: string;
  rulesetVersion: string;
  /** What its masking policy leaves unmasked. */
  leave: string[];
  objects: number;
  rewritten: number;
}

/** The whole report (the `--format json` output, and what `--baseline` reads back). */
export interface ScanReport {
  target: string;
  mode: 'file' | 'directory' | 'head' | 'history' | 'config';
  rulesetVersion: string;
  /** Hex salt of every finding's fingerprint; a report made with `--baseline` reuses the baseline's. */
  fingerprintSalt: string;
  repos?: ScanReportRepo[];
  scanned: { objects: number; bytes: number };
  findings: ScanReportFinding[];
  withheld: ScanReportWithheld[];
  /** Findings and withheld places left out because the baseline holds them. */
  baselined?: number;
}

/** Where a piece of content sits. */
export interface ScanWhere {
  repo?: string;
  path: string;
  commit?: string;
}

/** The report being built, and what builds it. */
export interface Collector {
  scanner: Scanner;
  report: ScanReport;
}

/** The fingerprint of `secret` under `saltHex`: what a baseline stores instead of the secret. */
export function fingerprintOf(saltHex: string, secret: Uint8Array): string {
  return createHmac('sha256', Buffer.from(saltHex, 'hex')).update(secret).digest('hex').slice(0, 32);
}

/**
 * Masks a secret, keeping only a provider token's public prefix (GitHub `gh?_`, Slack `xox?-`: the
 * chars up to a `_`, `-` or `.` within the first 12) so a reader can tell token kinds apart.
 * Name-keyed secrets (medium or low confidence), decoded runs and short values show no char.
 */
function mask(secret: Buffer, finding: Finding): string {
  let keep = 0;
  if (finding.confidence === 'high' && finding.via === undefined && secret.length >= 20) {
    const m = /^[A-Za-z0-9]{1,10}[_.-](?:[a-z]{2,8}[_.-])?/.exec(secret.subarray(0, 12).toString('latin1'));
    if (m !== null) keep = m[0].length;
  }
  return `${printable(secret.subarray(0, keep))}…(${secret.length} bytes)`;
}

/** Bytes as printable ASCII (anything else becomes `.`). */
export function printable(b: Buffer): string {
  return b.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

/** Line and column of `offset`, and the line's bounds. */
function locate(content: Buffer, offset: number): { line: number; column: number; lineStart: number; lineEnd: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf(0x0a); i >= 0 && i < offset; i = content.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let lineEnd = content.indexOf(0x0a, offset);
  if (lineEnd < 0) lineEnd = content.length;
  return { line, column: offset - lineStart + 1, lineStart, lineEnd };
}

/** The finding's line (at most ~60 bytes either side), with every finding on it masked. */
function preview(content: Buffer, f: Finding, all: readonly Finding[], lineStart: number, lineEnd: number): string {
  const from = Math.max(lineStart, f.start - 60);
  const to = Math.min(Math.max(lineEnd, f.start), f.end + 60);
  let out = from > lineStart ? '…' : '';
  let at = from;
  for (const g of all) {
    if (g.end <= from || g.start >= to) continue;
    // A secret that starts before the window is masked from the window's start.
    out += printable(content.subarray(at, Math.max(at, g.start)));
    out += `[${mask(content.subarray(g.start, g.end), g)}]`;
    at = Math.max(at, g.end);
  }
  if (at < to) out += printable(content.subarray(at, Math.min(to, lineEnd)));
  if (to < lineEnd) out += '…';
  return out;
}

/** Scans one piece of content and appends its findings (or a withheld entry) to the report. */
export function scanContent(c: Collector, content: Buffer, where: ScanWhere, hint: boolean): void {
  c.report.scanned.objects++;
  c.report.scanned.bytes += content.length;
  let findings: Finding[];
  try {
    // A path selects exactly as the gateway does per tree entry name (its kind and name globs); a
    // place without a file name (a message) gets every finding, as in the rewrite.
    findings = c.scanner.scan(content, hint ? { path: where.path } : { kind: 'unknown' });
  } catch (e) {
    if (!(e instanceof ScannerError)) throw e;
    c.report.withheld.push({ ...where, bytes: content.length, reason: e.message });
    return;
  }
  report(c, content, findings, where);
}

/** Appends `findings` in `content` to the report, each with its position, fingerprint and a masked preview. */
export function report(c: Collector, content: Buffer, findings: readonly Finding[], where: ScanWhere): void {
  for (const f of findings) {
    const { line, column, lineStart, lineEnd } = locate(content, f.start);
    c.report.findings.push({
      ...(where.repo === undefined ? {} : { repo: where.repo }),
      ruleId: f.ruleId,
      type: f.type,
      confidence: f.confidence,
      path: where.path,
      ...(where.commit === undefined ? {} : { commit: where.commit }),
      line,
      column,
      length: f.end - f.start,
      ...(f.via === undefined ? {} : { via: f.via }),
      fingerprint: fingerprintOf(c.report.fingerprintSalt, content.subarray(f.start, f.end)),
      preview: preview(content, f, findings, lineStart, lineEnd),
    });
  }
}

/** The confidence `scanner` reports `ruleId` with (high for an id it does not know). */
export function confidenceOf(scanner: Scanner, ruleId: string): Finding['confidence'] {
  return [...scanner.rules, ...scanner.detectors].find((r) => r.id === ruleId)?.confidence ?? 'high';
}
