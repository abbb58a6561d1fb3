/**
 * The output formats of `gitgate scan`: text for people, JSON (the report itself, and what
 * `--baseline` reads back), SARIF 2.1.0 for code-scanning uploads (GitHub: `upload-sarif`), and CSV.
 * None of them holds a secret: previews are masked, fingerprints are salted HMACs.
 */
import { readFileSync } from 'node:fs';
import type { Finding } from '@gitgate/scanner';
import type { ScanReport, ScanReportFinding } from './scan-report.js';

/** The formats `--format` takes (`--json` is `json`). */
export const FORMATS = ['text', 'json', 'sarif', 'csv'] as const;
/** One of {@link FORMATS}. */
export type ScanFormat = (typeof FORMATS)[number];

/** The CLI's version, for SARIF's tool.driver.version. */
function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function where(f: { repo?: string; path: string; commit?: string }): string {
  return `${f.repo === undefined ? '' : `${f.repo}: `}${f.path}`;
}

function renderText(report: ScanReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const commit = f.commit === undefined ? '' : ` ${f.commit.slice(0, 12)}`;
    const via = f.via === undefined ? '' : ` (inside ${f.via})`;
    lines.push(`${where(f)}:${f.line}:${f.column}${commit}  ${f.ruleId}${via}  ${f.preview}`);
  }
  for (const w of report.withheld) lines.push(`${where(w)}${w.commit === undefined ? '' : ` ${w.commit.slice(0, 12)}`}  WITHHELD  ${w.reason}`);
  const files = new Set(report.findings.map((f) => `${f.repo ?? ''}:${f.commit ?? ''}:${f.path}`)).size;
  const policies = (report.repos ?? []).map((r) => `${r.name}: ruleset ${r.rulesetVersion}${r.leave.length > 0 ? `, leaves ${r.leave.join(', ')}` : ''}`);
  lines.push(
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${files} place${files === 1 ? '' : 's'}` +
      (report.withheld.length > 0 ? `, ${report.withheld.length} withheld` : '') +
      (report.baselined ? `, ${report.baselined} in the baseline` : '') +
      ` (${report.mode}: ${report.scanned.objects} objects, ${report.scanned.bytes} bytes; ruleset ${report.rulesetVersion})` +
      (policies.length > 0 ? `\n${policies.join('\n')}` : ''),
  );
  return lines.join('\n') + '\n';
}

const LEVEL: Record<Finding['confidence'], 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };

/**
 * A file path as a URI reference relative to the repository root (what a code-scanning upload maps to
 * files); a place such as `(commit message)` as `gitgate/commit-message/<id>`. With several
 * repositories in one report, each path starts with its repository's name.
 */
function artifactUri(f: ScanReportFinding, several: boolean): string {
  const prefix = several && f.repo !== undefined ? `${f.repo}/` : '';
  if (f.path.startsWith('(') && f.path.endsWith(')')) {
    return `${prefix}gitgate/${f.path.slice(1, -1).replace(/ /g, '-')}${f.commit === undefined ? '' : `/${f.commit}`}`;
  }
  return (prefix + f.path).split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: one run, the rules that reported, one result per finding (level from confidence). */
function renderSarif(report: ScanReport): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const typeOf = new Map(report.findings.map((f) => [f.ruleId, f.type]));
  const several = (report.repos ?? []).length > 1;
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'gitgate',
          version: cliVersion(),
          rules: ruleIds.map((id) => ({
            id,
            name: id,
            shortDescription: { text: `Secret: ${typeOf.get(id)} (rule ${id})` },
            properties: { tags: ['security', 'secret'] },
          })),
        },
      },
      results: report.findings.map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIds.indexOf(f.ruleId),
        level: LEVEL[f.confidence],
        message: { text: `${f.type} in ${f.path}${f.commit === undefined ? '' : ` at ${f.commit.slice(0, 12)}`}: ${f.preview}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(f, several) }, region: { startLine: f.line, startColumn: f.column } } }],
        partialFingerprints: { 'gitgateSecret/v1': `${f.ruleId}:${f.fingerprint}` },
        properties: { ...(f.repo === undefined ? {} : { repo: f.repo }), ...(f.commit === undefined ? {} : { commit: f.commit }), confidence: f.confidence },
      })),
      properties: { rulesetVersion: report.rulesetVersion, fingerprintSalt: report.fingerprintSalt },
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with `'`. */
function csvCell(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS = ['repo', 'path', 'commit', 'line', 'column', 'ruleId', 'type', 'confidence', 'length', 'fingerprint', 'preview'] as const;

function renderCsv(report: ScanReport): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const f of report.findings) rows.push(CSV_COLUMNS.map((k) => csvCell(f[k])).join(','));
  return rows.join('\r\n') + '\r\n';
}

/** The report in `format`. */
export function renderReport(report: ScanReport, format: ScanFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  if (format === 'sarif') return renderSarif(report);
  if (format === 'csv') return renderCsv(report);
  return renderText(report);
}
