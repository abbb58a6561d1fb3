/**
 * The one interface of a built-in detector: code rather than one regex, run by the engine
 * (scan-engine.ts) next to the rules. A detector declares when it runs:
 *   content : on the whole content, before anything else; a finding settles the content (key containers)
 *   region  : on each chunk, after the rules, when one of its keywords was seen (Kubernetes Secrets);
 *             it may overrule rule findings inside what it decoded and judged
 *   path    : with a path hint only (`gitgate scan`), on the whole content (key files by name)
 */
import type { DetectorInfo } from './detectors.js';
import type { Finding } from './rule.js';

/** What a detector sees of one scan. */
export interface DetectScope {
  /** The content; a region detector reads `[rs, re)` of it and owns findings starting in `[cs, ce)`. */
  bytes: Buffer;
  rs: number;
  re: number;
  cs: number;
  ce: number;
  /** How many encodings deep this content is (0: the content itself). */
  depth: number;
  /** The region as latin1 text (one char per byte), built once. */
  text(): string;
  /** The path hint (path detectors only). */
  path?: string;
  /** Findings of the whole engine over decoded bytes, one level deeper. */
  scanDecoded(bytes: Buffer, depth: number): Finding[];
  /** Whether an allowlist entry applies to `secret` reported under `ruleId` (`path`: path-bound entries). */
  allowlisted(ruleId: string, secret: string, path?: string): boolean;
}

export interface Detector {
  /** The ids, types and confidences it reports under. */
  readonly infos: readonly DetectorInfo[];
  readonly stage: 'content' | 'region' | 'path';
  /** Region detectors: the keywords (added to the engine's automaton) whose hits make it run. */
  readonly keywords: readonly string[];
  /**
   * Appends its findings to `found`; a region detector may remove rule findings it overrules. Returns
   * true when the content is settled: nothing else runs on it (a content detector only).
   */
  detect(scope: DetectScope, found: Finding[]): boolean;
}
