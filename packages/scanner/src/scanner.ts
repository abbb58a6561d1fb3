/** The scanning engine: bytes in, sorted non-overlapping findings (byte spans) out. */
import { compileRule, type CompiledRule } from './compiled-rule.js';
import { defaultRules } from './default-rules.js';
import { shannonEntropy } from './entropy.js';
import { ScannerError, codes } from './errors.js';
import { asciiLowerCase, createKeywordPrefilter } from './keyword-prefilter.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { Finding, Rule } from './rule.js';
import { rulesetVersion } from './ruleset-version.js';
import { TOKEN_PATTERN } from './token-pattern.js';

/** Default `maxBytes`: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Options of {@link createScanner}. */
export interface ScannerOptions {
  /** The rules to run; default {@link defaultRules}. */
  rules?: readonly Rule[];
  /** Largest content `scan` accepts; default 64 MiB. Larger content throws `GITGATE_SCAN_LIMIT`. */
  maxBytes?: number;
}

/** A configured scanner. Stateless between calls; safe to share. */
export interface Scanner {
  /** 16 hex chars identifying the engine and rule set; changes whenever a rule changes. */
  readonly rulesetVersion: string;
  readonly rules: readonly Rule[];
  /**
   * Finds secrets in `content`. The result depends only on the bytes: sorted by start, non-overlapping,
   * never overlapping an existing gateway token.
   * @throws ScannerError `GITGATE_SCAN_LIMIT` when `content` is larger than `maxBytes`.
   * @throws TypeError when `content` is not a Buffer/Uint8Array.
   */
  scan(content: Buffer): Finding[];
}

/** Spans of the gateway tokens already present, sorted and disjoint (matches of a global regex are). */
function tokenSpans(text: string): Array<[number, number]> {
  if (!text.includes('[[TOKEN_')) return [];
  const re = new RegExp(TOKEN_PATTERN.source, 'g');
  const spans: Array<[number, number]> = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** Whether [start, end) overlaps one of the sorted disjoint `spans`. */
function overlapsAny(spans: ReadonlyArray<[number, number]>, start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![1] <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && spans[lo]![0] < end;
}

/** Runs one rule over the whole text and appends its accepted candidates. */
function runRule(c: CompiledRule, text: string, out: Finding[]): void {
  const { rule, regex, group } = c;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const span = typeof group === 'number' ? m.indices![group] : m.indices!.groups?.[group];
    const accepted = span !== undefined && span[1] > span[0] && accepts(c, text.slice(span[0], span[1]));
    if (accepted) {
      out.push({ ruleId: rule.id, type: rule.type, start: span[0], end: span[1], confidence: rule.confidence });
    }
    if (m[0].length === 0) regex.lastIndex = m.index + 1;
    // A rejected match (placeholder, low entropy) may hide a real secret that starts inside it,
    // e.g. `token_url: https://h/?access_token=…`; retry just after its start. The starter rules'
    // matches are either short (bounded quantifiers) or cannot start inside one another (PEM),
    // so retries re-read a bounded window per rejection, not the text.
    else if (!accepted) regex.lastIndex = m.index + 1;
  }
}

function accepts(c: CompiledRule, secret: string): boolean {
  if (c.rule.multiline !== true && (secret.includes('\n') || secret.includes('\r'))) return false;
  if (c.rule.minEntropy !== undefined && shannonEntropy(secret) < c.rule.minEntropy) return false;
  return !c.allow.some((a) => a.test(secret));
}

/**
 * Creates a scanner over `options.rules` (default {@link defaultRules}).
 * @throws TypeError when a rule is malformed, two rules share an id, or `maxBytes` is not a positive integer.
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const rules = Object.freeze([...(options.rules ?? defaultRules)]);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError('scanner maxBytes must be a positive integer');
  const compiled = rules.map(compileRule);
  const ids = new Set<string>();
  for (const r of rules) {
    // Rule ids break ties between overlapping findings, so they must be unique to keep results deterministic.
    if (ids.has(r.id)) throw new TypeError(`scanner rule ${r.id}: duplicate rule id`);
    ids.add(r.id);
  }
  const prefilter = createKeywordPrefilter(compiled.map((c) => c.rule.keywords));
  const version = rulesetVersion(rules);

  return {
    rulesetVersion: version,
    rules,
    scan(content: Buffer): Finding[] {
      if (!(content instanceof Uint8Array)) throw new TypeError('scanner content must be a Buffer');
      if (content.length > maxBytes) {
        throw new ScannerError(codes.scanLimit, `content of ${content.length} bytes exceeds the scan limit of ${maxBytes} bytes`, {
          data: { bytes: content.length, maxBytes },
        });
      }
      // A plain Uint8Array is viewed, not copied, as a Buffer (toString('latin1') is Buffer-only).
      const view = content as Uint8Array;
      const bytes = Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.length);
      const candidates = prefilter.candidates(asciiLowerCase(bytes));
      if (candidates.length === 0) return [];
      // latin1 maps each byte to one char, so string offsets are byte offsets for any encoding.
      const text = bytes.toString('latin1');
      const found: Finding[] = [];
      for (const i of candidates) runRule(compiled[i]!, text, found);
      const tokens = tokenSpans(text);
      // Idempotence: text that is (or runs into) a gateway token was already sanitized.
      const fresh = tokens.length === 0 ? found : found.filter((f) => !overlapsAny(tokens, f.start, f.end));
      return resolveOverlaps(fresh);
    },
  };
}
