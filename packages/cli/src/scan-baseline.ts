/**
 * `gitgate scan --baseline FILE`: a previous JSON report; what it already lists is not reported again.
 * A finding matches on repository, rule, path and the secret's fingerprint — an HMAC-SHA256 of the
 * secret under the salt the report stores (`fingerprintSalt`), never the secret — so a secret that
 * moves to another line or commit stays known, and a new secret at the same place does not. The new
 * report reuses the baseline's salt, so it can serve as the next baseline.
 */
import { readFileSync } from 'node:fs';
import type { ScanReport } from './scan-report.js';

/** What a baseline file holds, as match keys. */
export interface Baseline {
  salt: string;
  findings: Set<string>;
  withheld: Set<string>;
}

/** A baseline that cannot be used; the message is the sentence for stderr. */
export class BaselineError extends Error {}

function findingKey(f: { repo?: string; ruleId: string; path: string; fingerprint: string }): string {
  return JSON.stringify([f.repo ?? '', f.ruleId, f.path, f.fingerprint]);
}

function withheldKey(w: { repo?: string; path: string; bytes: number }): string {
  return JSON.stringify([w.repo ?? '', w.path, w.bytes]);
}

/** Reads a JSON report as a baseline. Throws BaselineError when it cannot be read or is not a report. */
export function readBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new BaselineError(`cannot read the baseline ${file}: ${why}`);
  }
  const r = raw as Partial<ScanReport> | null;
  if (r === null || typeof r !== 'object' || typeof r.fingerprintSalt !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(r.fingerprintSalt) || !Array.isArray(r.findings)) {
    throw new BaselineError(`${file} is not a gitgate scan JSON report (made with --format json; it needs fingerprintSalt and findings)`);
  }
  return {
    salt: r.fingerprintSalt,
    findings: new Set(r.findings.map(findingKey)),
    withheld: new Set((r.withheld ?? []).map(withheldKey)),
  };
}

/** Leaves out of `report` what `baseline` holds, counting it in `report.baselined`. */
export function applyBaseline(report: ScanReport, baseline: Baseline): void {
  const findings = report.findings.filter((f) => !baseline.findings.has(findingKey(f)));
  const withheld = report.withheld.filter((w) => !baseline.withheld.has(withheldKey(w)));
  report.baselined = report.findings.length - findings.length + report.withheld.length - withheld.length;
  report.findings = findings;
  report.withheld = withheld;
}
