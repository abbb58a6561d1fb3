/**
 * The scanning engine: bytes in, candidate findings (byte spans) out, from the rules and the registered
 * detectors (detector.ts) alike.
 *
 * One pass of an Aho–Corasick automaton finds every keyword of every rule and region detector; each
 * rule's regex then runs only in windows around its own keyword occurrences, and a region detector
 * only where one of its keywords was seen. Encoded runs (base64, hex, percent) are decoded and scanned
 * again to a bounded depth. Large content is scanned in overlapping chunks.
 */
import { allowlisted, compileAllowlist, type CompiledAllowlistEntry } from './allowlist.js';
import { compileRule, type CompiledRule } from './compiled-rule.js';
import type { Detector, DetectScope } from './detector.js';
import { findEncodedRuns } from './encoded-runs.js';
import { shannonEntropy } from './entropy.js';
import { latin1 } from './latin1.js';
import { createKeywordAutomaton, type KeywordAutomaton, type KeywordHits } from './keyword-automaton.js';
import { appliesTo, appliesToEveryKind, fileKindOf, kindNeedsHead, resolvePerKind } from './file-kind.js';
import { pathMatches } from './path-rules.js';
import { base64OfStandIn } from './rules/placeholders.js';
import { isPublishedExample } from './rules/published-examples.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { AllowlistEntry, Confidence, Finding, Rule, ScanHint } from './rule.js';
import type { EngineSettings } from './ruleset-version.js';
import { endBeforeTokens, tokenSpans } from './token-spans.js';

/** Context around a window so lookbehinds and lookaheads see real neighbours, not a slice edge. */
const WINDOW_CONTEXT = 128;
/** Window states of a rule while hits are merged. */
const NONE = 0;
const OPEN = 1;
const WHOLE = 2;
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TOKEN_MARK = Buffer.from('[[TOKEN_', 'latin1');
/** Shortest part of a candidate kept before a token it runs into (shorter is no secret). */
const MIN_TRIMMED = 4;

const confidenceRank: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

/** The finding that speaks for an encoded run: highest confidence, then lowest rule id (deterministic). */
function strongest(findings: readonly Finding[]): Finding {
  return findings.reduce((a, b) => {
    const d = confidenceRank[b.confidence] - confidenceRank[a.confidence];
    if (d !== 0) return d > 0 ? b : a;
    return b.ruleId < a.ruleId ? b : a;
  });
}

/** The rules and detectors of one scanner, compiled; stateless between scans. */
export class ScanEngine {
  readonly #settings: EngineSettings;
  readonly #compiled: CompiledRule[];
  // Entries without paths apply everywhere, in every decoding depth; the others need a path hint.
  readonly #pathless: CompiledAllowlistEntry[];
  readonly #pathBound: CompiledAllowlistEntry[];
  readonly #content: Detector[];
  readonly #region: Detector[];
  readonly #path: Detector[];
  // Rules whose findings a file name can drop (name globs), and whether name-bound allowlist entries
  // can drop any rule's findings.
  readonly #nameBoundRules: ReadonlySet<string>;
  readonly #nameBoundAll: boolean;
  readonly #compiledById: ReadonlyMap<string, CompiledRule>;
  readonly #automaton: KeywordAutomaton;
  readonly #keywordLength: Int32Array;
  readonly #ruleLists: Int32Array[];
  /** Per keyword: a bit per region detector it wakes. */
  readonly #detectorMask: Int32Array;
  readonly #reachOf: Int32Array;
  readonly #reachBackOf: Int32Array;
  // Per-rule window state while hits are merged; reset after each region (scans do not interleave there).
  readonly #open: Uint8Array;
  readonly #openStart: Float64Array;
  readonly #openEnd: Float64Array;

  constructor(rules: readonly Rule[], allowlist: readonly AllowlistEntry[], settings: EngineSettings, detectors: readonly Detector[]) {
    this.#settings = settings;
    this.#compiled = rules.map(compileRule);
    const ids = new Set<string>(detectors.flatMap((d) => d.infos.map((i) => i.id)));
    for (const r of rules) {
      // Rule ids break ties between overlapping findings, so they must be unique to keep results deterministic.
      if (ids.has(r.id)) throw new TypeError(`scanner rule ${r.id}: duplicate rule id`);
      ids.add(r.id);
    }
    const compiledAllowlist = compileAllowlist(allowlist);
    this.#pathless = compiledAllowlist.filter((e) => e.paths === undefined);
    this.#pathBound = compiledAllowlist.filter((e) => e.paths !== undefined);
    this.#content = detectors.filter((d) => d.stage === 'content');
    this.#region = detectors.filter((d) => d.stage === 'region');
    this.#path = detectors.filter((d) => d.stage === 'path');
    this.#compiledById = new Map(this.#compiled.map((c) => [c.rule.id, c]));
    this.#nameBoundAll = this.#pathBound.some((e) => e.ruleIds === undefined);
    this.#nameBoundRules = new Set([
      ...this.#compiled.filter((c) => c.paths.length > 0).map((c) => c.rule.id),
      ...this.#pathBound.flatMap((e) => [...(e.ruleIds ?? [])]),
    ]);
    if (this.#region.length > 31) throw new TypeError('at most 31 region detectors');
    // One automaton over the distinct keywords of all rules plus the region detectors' own.
    const keywordIndex = new Map<string, number>();
    const keywordOf = (k: string): number => {
      let i = keywordIndex.get(k);
      if (i === undefined) {
        i = keywordIndex.size;
        keywordIndex.set(k, i);
      }
      return i;
    };
    const rulesOfKeyword: number[][] = [];
    this.#compiled.forEach((c, r) => {
      for (const k of new Set(c.rule.keywords)) (rulesOfKeyword[keywordOf(k)] ??= []).push(r);
    });
    const detectorsOfKeyword: number[] = [];
    this.#region.forEach((d, bit) => {
      for (const k of d.keywords) {
        const i = keywordOf(k);
        detectorsOfKeyword[i] = (detectorsOfKeyword[i] ?? 0) | (1 << bit);
      }
    });
    this.#automaton = createKeywordAutomaton([...keywordIndex.keys()]);
    this.#keywordLength = Int32Array.from(this.#automaton.keywords.map((k) => k.length));
    this.#ruleLists = this.#automaton.keywords.map((_, i) => Int32Array.from(rulesOfKeyword[i] ?? []));
    this.#detectorMask = Int32Array.from(this.#automaton.keywords.map((_, i) => detectorsOfKeyword[i] ?? 0));
    this.#reachOf = Int32Array.from(this.#compiled.map((c) => c.rule.reach ?? 0));
    this.#reachBackOf = Int32Array.from(this.#compiled.map((c) => c.rule.reachBack ?? c.rule.reach ?? 0));
    this.#open = new Uint8Array(this.#compiled.length);
    this.#openStart = new Float64Array(this.#compiled.length);
    this.#openEnd = new Float64Array(this.#compiled.length);
  }

  /**
   * Without a hint, the findings of every file kind and name, resolved per selection (they overlap only
   * where a file's kind or name decides between them); with one, {@link select} of those.
   */
  scan(bytes: Buffer, hint: ScanHint | undefined): Finding[] {
    const all = resolvePerKind(this.#scanAll(bytes, 0, []), (f) => this.#nameConditional(f));
    if (hint === undefined) return all;
    if (hint.path === undefined || this.#path.length === 0) return this.select(bytes, all, hint);
    return resolveOverlaps(this.#runPathDetectors(bytes, hint.path, this.#selected(bytes, all, hint)));
  }

  /**
   * The findings of an unhinted scan of `bytes` that apply under `hint`, sorted and non-overlapping:
   * those of the hint's kind (`kind`, else `fileKindOf(base name of path, bytes)`, else `unknown`), minus,
   * with a path, what name globs of rules and allowlist entries drop. A filter: it adds nothing.
   */
  select(bytes: Buffer, findings: readonly Finding[], hint: ScanHint): Finding[] {
    return resolveOverlaps(this.#selected(bytes, findings, hint));
  }

  #selected(bytes: Buffer, findings: readonly Finding[], hint: ScanHint): Finding[] {
    const path = hint.path;
    const kind = hint.kind ?? (path === undefined ? 'unknown' : fileKindOf(path, bytes));
    const kept = findings.filter((f) => appliesTo(f, kind));
    return path === undefined ? kept : this.#applyNameRules(kept, bytes, path);
  }

  /** Whether some file kind or name drops `finding` (else every selection keeps it). */
  conditional(finding: Finding): boolean {
    return !appliesToEveryKind(finding) || this.#nameConditional(finding);
  }

  /** Whether a name glob (of its rule or a name-bound allowlist entry) may drop `finding`. */
  #nameConditional(finding: Finding): boolean {
    return this.#nameBoundAll || this.#nameBoundRules.has(finding.ruleId);
  }

  /**
   * A key that two file names share exactly when every scan selects alike for them: the kind (or `?`
   * when the file's first bytes decide it) and which name globs match.
   */
  nameClass(name: string): string {
    let key: string = kindNeedsHead(name) ? '?' : fileKindOf(name);
    if (this.#nameBoundRules.size > 0 || this.#pathBound.length > 0) {
      const bits = (globs: readonly RegExp[]): string => (pathMatches(name, globs) ? '1' : '0');
      key += ':' + this.#compiled.filter((c) => c.paths.length > 0).map((c) => bits(c.paths)).join('');
      key += ':' + this.#pathBound.map((e) => bits(e.paths ?? [])).join('');
    }
    return key;
  }

  #allowlisted(ruleId: string, secret: string, path?: string): boolean {
    if (path === undefined) return this.#pathless.some((e) => allowlisted(e, ruleId, secret, undefined));
    return this.#pathBound.some((e) => allowlisted(e, ruleId, secret, path));
  }

  /** What a detector sees of `[rs, re)` of `bytes` (`text` is the region's latin1 text, built once). */
  #scope(bytes: Buffer, rs: number, re: number, cs: number, ce: number, depth: number, text: () => string, path?: string): DetectScope {
    return {
      bytes, rs, re, cs, ce, depth, text, ...(path === undefined ? {} : { path }),
      scanDecoded: (decoded, d) => this.#scanAll(decoded, d, undefined),
      allowlisted: (ruleId, secret, p) => this.#allowlisted(ruleId, secret, p),
    };
  }

  /** Scans all of `bytes`; returns candidates (unresolved) at depth 0, resolved findings deeper. */
  #scanAll(bytes: Buffer, depth: number, candidates: Finding[] | undefined): Finding[] {
    const out = candidates ?? [];
    const len = bytes.length;
    if (len === 0) return out;
    if (this.#content.length > 0) {
      let whole: string | undefined;
      const scope = this.#scope(bytes, 0, len, 0, len, depth, () => (whole ??= latin1(bytes, 0, len)));
      for (const d of this.#content) if (d.detect(scope, out)) return out;
    }
    const { chunkBytes, chunkOverlap } = this.#settings;
    for (let cs = 0; cs < len; cs += chunkBytes) {
      const ce = Math.min(len, cs + chunkBytes);
      this.#scanRegion(bytes, Math.max(0, cs - chunkOverlap), Math.min(len, ce + chunkOverlap), cs, ce, depth, out);
    }
    return candidates === undefined ? resolvePerKind(out, (f) => this.#nameConditional(f)) : out;
  }

  /**
   * Scans `[rs, re)` of `bytes` (a chunk with its overlap) and appends the candidates that start
   * within the chunk `[cs, ce)`. Candidates are not yet resolved against each other.
   */
  #scanRegion(bytes: Buffer, rs: number, re: number, cs: number, ce: number, depth: number, out: Finding[]): void {
    const hits = this.#automaton.scan(bytes, rs, re);
    const found: Finding[] = [];
    // latin1 maps each byte to one char, so string offsets are byte offsets for any encoding. The
    // string is built only when a rule or detector needs it (most content has no keyword at all).
    let regionText: string | undefined;
    const text = (): string => (regionText ??= latin1(bytes, rs, re));
    const closed: number[] = [];
    const woken = this.#windows(hits, rs, re, closed);
    this.#runWindows(bytes, rs, re, closed, text, found);
    if (woken !== 0) {
      const scope = this.#scope(bytes, rs, re, cs, ce, depth, text);
      this.#region.forEach((d, bit) => {
        if ((woken & (1 << bit)) !== 0) d.detect(scope, found);
      });
    }
    if (depth < this.#settings.maxDecodeDepth) this.#scanEncodedRuns(bytes, rs, re, cs, ce, depth, found);
    if (found.length === 0) return;

    // Idempotence: a gateway token was already sanitized; a candidate running into one keeps the part before it.
    const hasToken = bytes.indexOf(TOKEN_MARK, rs) >= 0;
    const tokens = hasToken ? tokenSpans(text()) : [];
    for (const f of found) {
      if (f.start < cs || f.start >= ce) continue; // another chunk owns it
      const end = tokens.length > 0 ? endBeforeTokens(tokens, f.start - rs, f.end - rs) + rs : f.end;
      if (end === f.end) out.push(f);
      else if (end - f.start >= MIN_TRIMMED) out.push({ ...f, end });
    }
  }

  /**
   * Windows per rule around keyword hits, merged while the hits stream in (they come in order of their
   * end): `closed` collects finished [rule, start, end] triples, the open one per rule lives in
   * openStart/openEnd. A rule without reach runs once over the whole region. Returns the region
   * detectors woken (a bit each).
   */
  #windows(hits: KeywordHits & { overflow: boolean }, rs: number, re: number, closed: number[]): number {
    const open = this.#open;
    const openStart = this.#openStart;
    const openEnd = this.#openEnd;
    if (hits.overflow) {
      // More keyword hits than the cap: every rule runs on the whole region (slow, but nothing is skipped).
      for (let r = 0; r < this.#compiled.length; r++) closed.push(r, rs, re);
      return (1 << this.#region.length) - 1;
    }
    let woken = 0;
    const touched: number[] = [];
    for (let h = 0; h < hits.count; h++) {
      const kw = hits.keyword[h]!;
      const end = hits.end[h]!;
      const start = end - this.#keywordLength[kw]!;
      woken |= this.#detectorMask[kw]!;
      const list = this.#ruleLists[kw]!;
      for (let j = 0; j < list.length; j++) {
        const r = list[j]!;
        const state = open[r]!;
        if (state === WHOLE) continue;
        const reach = this.#reachOf[r]!;
        if (reach === 0) {
          open[r] = WHOLE;
          touched.push(r);
          continue;
        }
        const ws = start - this.#reachBackOf[r]!;
        const we = end + reach;
        if (state === NONE) {
          open[r] = OPEN;
          openStart[r] = ws;
          openEnd[r] = we;
          touched.push(r);
        } else if (ws <= openEnd[r]!) {
          if (we > openEnd[r]!) openEnd[r] = we;
          // A longer keyword ending later can start earlier than the window does.
          if (ws < openStart[r]!) openStart[r] = ws;
        } else {
          closed.push(r, openStart[r]!, openEnd[r]!);
          openStart[r] = ws;
          openEnd[r] = we;
        }
      }
    }
    for (const r of touched) {
      if (open[r] === WHOLE) closed.push(r, rs, re);
      else closed.push(r, openStart[r]!, openEnd[r]!);
      open[r] = NONE;
    }
    return woken;
  }

  /**
   * Runs the rules over their windows. Strings are built per merged segment of windows (one copy of
   * each byte however many rules look at it), or once for the region when the windows cover much of
   * it; each window then runs on a slice (a view in V8, not a copy) that bounds how far its regex can search.
   */
  #runWindows(bytes: Buffer, rs: number, re: number, closed: readonly number[], text: () => string, found: Finding[]): void {
    const spans: number[] = [];
    for (let i = 0; i < closed.length; i += 3) {
      const ws = Math.max(rs, closed[i + 1]!);
      const we = Math.min(re, closed[i + 2]!);
      if (we > ws) spans.push(Math.max(rs, ws - WINDOW_CONTEXT), Math.min(re, we + WINDOW_CONTEXT), i);
    }
    if (spans.length === 0) return;
    const order = Array.from({ length: spans.length / 3 }, (_, k) => k * 3).sort((a, b) => spans[a]! - spans[b]!);
    // The bytes the windows cover together: rules that share a keyword have windows over the same
    // bytes, and counting each of them would convert a whole region for a few lines.
    let covered = 0;
    let reached = rs;
    for (const k of order) {
      if (spans[k + 1]! <= reached) continue;
      covered += spans[k + 1]! - Math.max(spans[k]!, reached);
      reached = spans[k + 1]!;
    }
    const wholeRegion = covered * 2 > re - rs;
    let j = 0;
    while (j < order.length) {
      // The segment: consecutive windows (by start) that overlap or touch.
      const segStart = spans[order[j]!]!;
      let segEnd = spans[order[j]! + 1]!;
      let k = j + 1;
      while (k < order.length && spans[order[k]!]! <= segEnd) segEnd = Math.max(segEnd, spans[order[k++]! + 1]!);
      const segText = wholeRegion ? text().slice(segStart - rs, segEnd - rs) : latin1(bytes, segStart, segEnd);
      for (let w = j; w < k; w++) {
        const at = order[w]!;
        const ss = spans[at]!;
        const se = spans[at + 1]!;
        const i = spans[at + 2]!;
        const ws = Math.max(rs, closed[i + 1]!);
        const we = Math.min(re, closed[i + 2]!);
        const sub = ss === segStart && se === segEnd ? segText : segText.slice(ss - segStart, se - segStart);
        this.#runRule(this.#compiled[closed[i]!]!, sub, ss, ws - ss, we - ss, found);
      }
      j = k;
    }
  }

  /** Encoded runs in the region, decoded and scanned one level deeper; a run with a secret is a finding. */
  #scanEncodedRuns(bytes: Buffer, rs: number, re: number, cs: number, ce: number, depth: number, found: Finding[]): void {
    for (const run of findEncodedRuns(bytes, rs, re)) {
      if (run.start < cs || run.start >= ce) continue;
      const inner = this.#scanAll(run.decoded, depth + 1, undefined);
      if (inner.length === 0) continue;
      // An inner finding that applies everywhere speaks first: the run then applies everywhere too.
      const universal = inner.filter((f) => !this.conditional(f));
      const best = strongest(universal.length > 0 ? universal : inner);
      if (this.#allowlisted(best.ruleId, bytes.toString('latin1', run.start, run.end))) continue;
      // Decoded content has no kind of its own (a `.env` in base64 inside a `.js` is not code): the run
      // applies in every kind of file, as content of unknown kind does.
      found.push({
        ruleId: best.ruleId,
        type: best.type,
        start: run.start,
        end: run.end,
        confidence: best.confidence,
        via: best.via === undefined ? run.encoding : `${run.encoding}>${best.via}`,
      });
    }
  }

  #accepts(c: CompiledRule, secret: string): boolean {
    const { rule } = c;
    if (rule.multiline !== true && (secret.includes('\n') || secret.includes('\r'))) return false;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
    if (c.allow.some((a) => a.test(secret)) || base64OfStandIn(secret)) return false;
    if (this.#allowlisted(rule.id, secret)) return false;
    if (c.decoded !== undefined) {
      if (!STRICT_BASE64.test(secret)) return false;
      const m = c.decoded.pattern.exec(Buffer.from(secret, 'base64').toString('latin1'));
      if (m === null) return false;
      const inner = m.groups?.['secret'] ?? m[0];
      if (c.decoded.allow.some((a) => a.test(inner))) return false;
      const floor = c.decoded.minEntropy;
      if (floor !== undefined && shannonEntropy(inner) < Math.min(floor, Math.log2(inner.length) - 0.5)) return false;
      if (isPublishedExample(inner)) return false;
    }
    // Last: only a would-be finding is hashed.
    return !isPublishedExample(secret);
  }

  /**
   * Runs rule `c` over `sub`, a string of the scanned bytes starting at byte `subBase`, taking
   * matches that start at index `first`..`last` of `sub`; appends accepted findings.
   */
  #runRule(c: CompiledRule, sub: string, subBase: number, first: number, last: number, out: Finding[]): void {
    const { rule, regex, group } = c;
    regex.lastIndex = first;
    for (let m = regex.exec(sub); m !== null && m.index <= last; m = regex.exec(sub)) {
      const span = typeof group === 'number' ? m.indices![group] : m.indices!.groups?.[group];
      const accepted = span !== undefined && span[1] > span[0] && this.#accepts(c, sub.slice(span[0], span[1]));
      if (accepted) {
        const f: Finding = { ruleId: rule.id, type: rule.type, start: subBase + span[0], end: subBase + span[1], confidence: rule.confidence };
        if (rule.fileKinds !== undefined) f.fileKinds = rule.fileKinds;
        out.push(f);
      }
      if (m[0].length === 0) regex.lastIndex = m.index + 1;
      // A rejected match (placeholder, low entropy) may hide a real secret that starts inside it,
      // e.g. `token_url: https://h/?access_token=…`; retry just after its start. Matches are
      // bounded, so a retry re-reads a bounded stretch, not the text.
      else if (!accepted) regex.lastIndex = m.index + 1;
    }
  }

  /** Name rules (rule and allowlist globs): applied only with a path, before overlaps are resolved. */
  #applyNameRules(candidates: Finding[], bytes: Buffer, path: string): Finding[] {
    return candidates.filter((f) => {
      const c = this.#compiledById.get(f.ruleId);
      if (c !== undefined && c.paths.length > 0 && !pathMatches(path, c.paths)) return false;
      return !this.#allowlisted(f.ruleId, bytes.toString('latin1', f.start, f.end), path);
    });
  }

  /** Path detectors (key files by name, `gitgate scan` only): they add to `kept`. */
  #runPathDetectors(bytes: Buffer, path: string, kept: Finding[]): Finding[] {
    let whole: string | undefined;
    const scope = this.#scope(bytes, 0, bytes.length, 0, bytes.length, 0, () => (whole ??= latin1(bytes, 0, bytes.length)), path);
    for (const d of this.#path) d.detect(scope, kept);
    return kept;
  }
}
