/**
 * The scanning engine: bytes in, sorted non-overlapping findings (byte spans) out.
 *
 * One pass of an Aho–Corasick automaton finds every keyword of every rule; each rule's regex then
 * runs only in windows around its own keyword occurrences. Encoded runs (base64, hex, percent)
 * are decoded and scanned again to a bounded depth; Kubernetes Secret values and binary key
 * containers have their own detectors. Large content is scanned in overlapping chunks.
 */
import { allowlisted, compileAllowlist, type CompiledAllowlistEntry } from './allowlist.js';
import { compileRule, type CompiledRule } from './compiled-rule.js';
import { decodeLimits, type DecodeLimits } from './decode-limits.js';
import { defaultRules } from './default-rules.js';
import { builtinDetectors, derKeyDetector, jksDetector, keyFileByPathDetector, kubernetesSecretDetector, pkcs12Detector, type DetectorInfo } from './detectors.js';
import { findEncodedRuns } from './encoded-runs.js';
import { shannonEntropy } from './entropy.js';
import { ScannerError, codes } from './errors.js';
import { keyContainerKind } from './key-container.js';
import { latin1 } from './latin1.js';
import { createKeywordAutomaton } from './keyword-automaton.js';
import { kubernetesSecretValues } from './kubernetes-secret.js';
import { isKeyFile, isLockfile, pathMatches } from './path-rules.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { AllowlistEntry, Confidence, Finding, Rule, ScanHint } from './rule.js';
import { placeholders } from './rules/placeholders.js';
import { rulesetVersion, type EngineSettings } from './ruleset-version.js';
import { TOKEN_PATTERN } from './token-pattern.js';

/** Default `maxBytes`: 256 MiB (content is scanned in chunks, so memory stays bounded by the chunk). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** Default chunk size: content up to this size is one chunk (no boundary effects at all). */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
/** Default overlap: each chunk is scanned with this much context on both sides. */
export const DEFAULT_CHUNK_OVERLAP = 1024 * 1024;
/** Default depth of decode-and-rescan for encoded runs (base64 inside hex inside content is depth 2). */
export const DEFAULT_MAX_DECODE_DEPTH = 2;
/** Context around a window so lookbehinds and lookaheads see real neighbours, not a slice edge. */
const WINDOW_CONTEXT = 128;
/** Window states of a rule while hits are merged. */
const NONE = 0;
const OPEN = 1;
const WHOLE = 2;

/** Options of {@link createScanner}. */
export interface ScannerOptions {
  /** The rules to run; default {@link defaultRules}. */
  rules?: readonly Rule[];
  /** Rules added to `rules` (custom rules from the gateway config, see `compileCustomRules`). */
  extraRules?: readonly Rule[];
  /** Global allowlist entries (from the gateway config), applied to every rule and detector. */
  allowlist?: readonly AllowlistEntry[];
  /** Largest content `scan` accepts; default 256 MiB. Larger content throws `GITGATE_SCAN_LIMIT`. */
  maxBytes?: number;
  /** Chunk size for large content; default 32 MiB. Part of the rule-set version. */
  chunkBytes?: number;
  /** Context scanned on each side of a chunk; default 1 MiB; must be below `chunkBytes`. Part of the rule-set version. */
  chunkOverlap?: number;
  /** How many encodings deep to decode and rescan; default 2, 0 turns decoding off. Part of the rule-set version. */
  maxDecodeDepth?: number;
  /**
   * Bounds on decoding whole-content encodings (gzip, zip) in `replaceSecrets`; defaults in
   * `DEFAULT_DECODE_LIMITS`. Part of the rule-set version (they decide what is withheld).
   */
  decode?: Partial<DecodeLimits>;
}

/** A configured scanner. Stateless between calls; safe to share. */
export interface Scanner {
  /** 16 hex chars identifying the engine, its settings, the rules and the allowlist. */
  readonly rulesetVersion: string;
  readonly rules: readonly Rule[];
  /** The built-in detectors that run besides the rules. */
  readonly detectors: readonly DetectorInfo[];
  /** The bounds `replaceSecrets` decodes containers within (absent on hand-made scanners: the defaults apply). */
  readonly decodeLimits?: DecodeLimits;
  /**
   * Finds secrets in `content`. Without `hint` the result depends only on the bytes: sorted by
   * start, non-overlapping, never overlapping an existing gateway token. `hint.path` (for
   * `gitgate scan` only; the rewrite never passes it) enables path rules: rule and allowlist
   * `paths`, key files by name, and no name-based findings in lockfiles.
   * @throws ScannerError `GITGATE_SCAN_LIMIT` when `content` is larger than `maxBytes`.
   * @throws TypeError when `content` is not a Buffer/Uint8Array.
   */
  scan(content: Buffer, hint?: ScanHint): Finding[];
}

/** Spans of the gateway tokens in `text`, sorted and disjoint (matches of a global regex are). */
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

const confidenceRank: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

/** The finding that speaks for an encoded run: highest confidence, then lowest rule id (deterministic). */
function strongest(findings: readonly Finding[]): Finding {
  return findings.reduce((a, b) => {
    const d = confidenceRank[b.confidence] - confidenceRank[a.confidence];
    if (d !== 0) return d > 0 ? b : a;
    return b.ruleId < a.ruleId ? b : a;
  });
}

/** Names under which a short Kubernetes Secret value is still a credential. */
const SECRET_KEY_NAME = /pass|pwd|secret|token|key|cred|auth|private|cert|signature|salt|seed/i;
/** PEM blocks that are public; a Secret value holding only these (tls.crt, ca.crt) is not a secret. */
const PUBLIC_PEM = /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|TRUSTED CERTIFICATE|PGP PUBLIC KEY BLOCK)-----/;
const ANY_PEM = /-----BEGIN [A-Z0-9 ]{1,48}-----/g;
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TOKEN_MARK = Buffer.from('[[TOKEN_', 'latin1');
const KIND_MARK = Buffer.from('kind', 'latin1');

/** Whether a text holds PEM blocks and all of them are public. */
function onlyPublicPem(text: string): boolean {
  const labels = text.match(ANY_PEM);
  return labels !== null && labels.every((l) => PUBLIC_PEM.test(l));
}

/** A public key or certificate file: not a secret even when named like a key file. */
function looksPublic(text: string): boolean {
  return onlyPublicPem(text) || /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-\S+|sk-\S+)\s+AAAA[A-Za-z0-9+/=]+(?:\s[^\n]*)?\s*$/.test(text);
}

/**
 * Creates a scanner over `options.rules` (default {@link defaultRules}) plus `options.extraRules`.
 * @throws TypeError when a rule or allowlist entry is malformed, two rules share an id, or a
 *   size option is not a positive integer.
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const rules = Object.freeze([...(options.rules ?? defaultRules), ...(options.extraRules ?? [])]);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const settings: EngineSettings = {
    chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    chunkOverlap: options.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP,
    maxDecodeDepth: options.maxDecodeDepth ?? DEFAULT_MAX_DECODE_DEPTH,
    decode: decodeLimits(options.decode),
  };
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError('scanner maxBytes must be a positive integer');
  if (!Number.isSafeInteger(settings.chunkBytes) || settings.chunkBytes <= 0) throw new TypeError('scanner chunkBytes must be a positive integer');
  if (!Number.isSafeInteger(settings.chunkOverlap) || settings.chunkOverlap < 0 || settings.chunkOverlap >= settings.chunkBytes) {
    throw new TypeError('scanner chunkOverlap must be an integer in [0, chunkBytes)');
  }
  if (!Number.isSafeInteger(settings.maxDecodeDepth) || settings.maxDecodeDepth < 0 || settings.maxDecodeDepth > 4) {
    throw new TypeError('scanner maxDecodeDepth must be an integer in [0, 4]');
  }
  const compiled = rules.map(compileRule);
  const ids = new Set<string>(builtinDetectors.map((d) => d.id));
  for (const r of rules) {
    // Rule ids break ties between overlapping findings, so they must be unique to keep results deterministic.
    if (ids.has(r.id)) throw new TypeError(`scanner rule ${r.id}: duplicate rule id`);
    ids.add(r.id);
  }
  const allowlist = compileAllowlist(options.allowlist ?? []);
  // Entries without paths apply everywhere, in every decoding depth; the others need a path hint.
  const pathless: CompiledAllowlistEntry[] = allowlist.filter((e) => e.paths === undefined);
  const pathBound: CompiledAllowlistEntry[] = allowlist.filter((e) => e.paths !== undefined);

  // One automaton over the distinct keywords of all rules plus the detectors' own.
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
  compiled.forEach((c, r) => {
    for (const k of new Set(c.rule.keywords)) {
      const i = keywordOf(k);
      (rulesOfKeyword[i] ??= []).push(r);
    }
  });
  const secretKeyword = keywordOf('secret');
  const automaton = createKeywordAutomaton([...keywordIndex.keys()]);
  const keywordLength = Int32Array.from(automaton.keywords.map((k) => k.length));
  const ruleLists = automaton.keywords.map((_, i) => Int32Array.from(rulesOfKeyword[i] ?? []));
  const reachOf = Int32Array.from(compiled.map((c) => c.rule.reach ?? 0));
  const reachBackOf = Int32Array.from(compiled.map((c) => c.rule.reachBack ?? c.rule.reach ?? 0));
  // Per-rule window state while hits are merged; reset after each region (scans do not interleave there).
  const open = new Uint8Array(compiled.length);
  const openStart = new Float64Array(compiled.length);
  const openEnd = new Float64Array(compiled.length);
  const version = rulesetVersion(rules, options.allowlist ?? [], settings);

  function accepts(c: CompiledRule, secret: string): boolean {
    const { rule } = c;
    if (rule.multiline !== true && (secret.includes('\n') || secret.includes('\r'))) return false;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
    if (c.allow.some((a) => a.test(secret))) return false;
    if (pathless.some((e) => allowlisted(e, rule.id, secret, undefined))) return false;
    if (c.decoded !== undefined) {
      if (!STRICT_BASE64.test(secret)) return false;
      const m = c.decoded.pattern.exec(Buffer.from(secret, 'base64').toString('latin1'));
      if (m === null) return false;
      const inner = m.groups?.['secret'] ?? m[0];
      if (c.decoded.allow.some((a) => a.test(inner))) return false;
    }
    return true;
  }

  /**
   * Runs rule `c` over `sub`, a string of the scanned bytes starting at byte `subBase`, taking
   * matches that start at index `first`..`last` of `sub`; appends accepted findings.
   */
  function runRule(c: CompiledRule, sub: string, subBase: number, first: number, last: number, out: Finding[]): void {
    const { rule, regex, group } = c;
    regex.lastIndex = first;
    for (let m = regex.exec(sub); m !== null && m.index <= last; m = regex.exec(sub)) {
      const span = typeof group === 'number' ? m.indices![group] : m.indices!.groups?.[group];
      const accepted = span !== undefined && span[1] > span[0] && accepts(c, sub.slice(span[0], span[1]));
      if (accepted) {
        out.push({ ruleId: rule.id, type: rule.type, start: subBase + span[0], end: subBase + span[1], confidence: rule.confidence });
      }
      if (m[0].length === 0) regex.lastIndex = m.index + 1;
      // A rejected match (placeholder, low entropy) may hide a real secret that starts inside it,
      // e.g. `token_url: https://h/?access_token=…`; retry just after its start. Matches are
      // bounded, so a retry re-reads a bounded stretch, not the text.
      else if (!accepted) regex.lastIndex = m.index + 1;
    }
  }

  /** Judges one Kubernetes Secret value; returns whether it is a secret. */
  function secretValueIsSecret(key: string, value: Buffer, depth: number): boolean {
    if (keyContainerKind(value) !== undefined) return true;
    if (scanAll(value, depth + 1, undefined).length > 0) return true;
    const text = value.toString('latin1');
    const trimmed = text.trim();
    // Checked after the rescan: a whole config file holding a password is not a placeholder.
    if (placeholders.some((p) => p.test(trimmed))) return false;
    if (onlyPublicPem(text)) return false;
    if (trimmed.length >= 8 && shannonEntropy(trimmed) >= 2.5) return true;
    return SECRET_KEY_NAME.test(key) && trimmed.length >= 4;
  }

  /**
   * Scans `[rs, re)` of `bytes` (a chunk with its overlap) and appends the candidates that start
   * within the chunk `[cs, ce)`. Candidates are not yet resolved against each other.
   */
  function scanRegion(bytes: Buffer, rs: number, re: number, cs: number, ce: number, depth: number, out: Finding[]): void {
    const hits = automaton.scan(bytes, rs, re);
    const found: Finding[] = [];
    // latin1 maps each byte to one char, so string offsets are byte offsets for any encoding. The
    // string is built only when a rule or detector needs it (most content has no keyword at all).
    let regionText: string | undefined;
    const text = (): string => (regionText ??= latin1(bytes, rs, re));

    // Windows per rule around keyword hits, merged while the hits stream in (they come in order
    // of their end): `closed` collects finished [rule, start, end] triples, the open one per rule
    // lives in openStart/openEnd. A rule without reach runs once over the whole region.
    const closed: number[] = [];
    const touched: number[] = [];
    let k8s = false;
    if (hits.overflow) {
      // More keyword hits than the cap: every rule runs on the whole region (slow, but nothing is skipped).
      for (let r = 0; r < compiled.length; r++) closed.push(r, rs, re);
      k8s = true;
    } else {
      for (let h = 0; h < hits.count; h++) {
        const kw = hits.keyword[h]!;
        const end = hits.end[h]!;
        const start = end - keywordLength[kw]!;
        if (kw === secretKeyword) k8s = true;
        const list = ruleLists[kw]!;
        for (let j = 0; j < list.length; j++) {
          const r = list[j]!;
          const state = open[r]!;
          if (state === WHOLE) continue;
          const reach = reachOf[r]!;
          if (reach === 0) {
            open[r] = WHOLE;
            touched.push(r);
            continue;
          }
          const ws = start - reachBackOf[r]!;
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
    }
    // Strings are built per merged segment of windows (one copy of each byte however many rules
    // look at it), or once for the region when the windows cover much of it; each window then
    // runs on a slice (a view in V8, not a copy) that bounds how far its regex can search.
    const spans: number[] = [];
    for (let i = 0; i < closed.length; i += 3) {
      const ws = Math.max(rs, closed[i + 1]!);
      const we = Math.min(re, closed[i + 2]!);
      if (we > ws) spans.push(Math.max(rs, ws - WINDOW_CONTEXT), Math.min(re, we + WINDOW_CONTEXT), i);
    }
    if (spans.length > 0) {
      const order = Array.from({ length: spans.length / 3 }, (_, k) => k * 3).sort((a, b) => spans[a]! - spans[b]!);
      let segStart = -1;
      let segEnd = -1;
      let segText = '';
      let covered = 0;
      for (const k of order) covered += spans[k + 1]! - spans[k]!;
      const wholeRegion = covered * 2 > re - rs;
      let j = 0;
      while (j < order.length) {
        // The segment: consecutive windows (by start) that overlap or touch.
        segStart = spans[order[j]!]!;
        segEnd = spans[order[j]! + 1]!;
        let k = j + 1;
        while (k < order.length && spans[order[k]!]! <= segEnd) segEnd = Math.max(segEnd, spans[order[k++]! + 1]!);
        segText = wholeRegion ? text().slice(segStart - rs, segEnd - rs) : latin1(bytes, segStart, segEnd);
        for (let w = j; w < k; w++) {
          const at = order[w]!;
          const ss = spans[at]!;
          const se = spans[at + 1]!;
          const i = spans[at + 2]!;
          const ws = Math.max(rs, closed[i + 1]!);
          const we = Math.min(re, closed[i + 2]!);
          const sub = ss === segStart && se === segEnd ? segText : segText.slice(ss - segStart, se - segStart);
          runRule(compiled[closed[i]!]!, sub, ss, ws - ss, we - ss, found);
        }
        j = k;
      }
    }

    if (k8s && bytes.indexOf(KIND_MARK, rs) >= 0 && bytes.indexOf(KIND_MARK, rs) < re) {
      const t = text();
      const notSecret: number[] = [];
      for (const v of kubernetesSecretValues(t)) {
        const raw = t.slice(v.start, v.end);
        let value: Buffer;
        if (v.encoded) {
          const compact = raw.replace(/\s+/g, '');
          if (!STRICT_BASE64.test(compact)) continue; // a template or a typo: not base64, nothing decoded
          value = Buffer.from(compact, 'base64');
        } else value = Buffer.from(raw, 'latin1');
        if (value.length === 0 || !secretValueIsSecret(v.key, value, depth)) {
          // The detector decoded the value and found no secret: a rule that saw only the
          // base64 text (the generic rule sees `password: Y2hhbmdlbWU=`) is overruled.
          notSecret.push(rs + v.start, rs + v.end);
          continue;
        }
        if (pathless.some((e) => allowlisted(e, kubernetesSecretDetector.id, raw, undefined))) continue;
        found.push({
          ruleId: kubernetesSecretDetector.id,
          type: kubernetesSecretDetector.type,
          start: rs + v.start,
          end: rs + v.end,
          confidence: kubernetesSecretDetector.confidence,
          ...(v.encoded ? { via: 'base64' } : {}),
        });
      }
      for (let i = 0; i < notSecret.length; i += 2) {
        for (let j = found.length - 1; j >= 0; j--) {
          if (found[j]!.start >= notSecret[i]! && found[j]!.end <= notSecret[i + 1]!) found.splice(j, 1);
        }
      }
    }

    if (depth < settings.maxDecodeDepth) {
      for (const run of findEncodedRuns(bytes, rs, re)) {
        if (run.start < cs || run.start >= ce) continue;
        const inner = scanAll(run.decoded, depth + 1, undefined);
        if (inner.length === 0) continue;
        const best = strongest(inner);
        if (pathless.some((e) => allowlisted(e, best.ruleId, bytes.toString('latin1', run.start, run.end), undefined))) continue;
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
    if (found.length === 0) return;

    // Idempotence: text that is (or runs into) a gateway token was already sanitized.
    const hasToken = bytes.indexOf(TOKEN_MARK, rs) >= 0;
    const tokens = hasToken ? tokenSpans(text()) : [];
    for (const f of found) {
      if (f.start < cs || f.start >= ce) continue; // another chunk owns it
      if (tokens.length > 0 && overlapsAny(tokens, f.start - rs, f.end - rs)) continue;
      out.push(f);
    }
  }

  /** Scans all of `bytes`; returns candidates (unresolved) at depth 0, resolved findings deeper. */
  function scanAll(bytes: Buffer, depth: number, candidates: Finding[] | undefined): Finding[] {
    const out = candidates ?? [];
    const len = bytes.length;
    if (len === 0) return out;
    const container = keyContainerKind(bytes);
    if (container !== undefined) {
      // The whole content is key material; nothing inside it needs its own span.
      const d = container === 'pkcs12' ? pkcs12Detector : container === 'jks' ? jksDetector : derKeyDetector;
      if (!pathless.some((e) => allowlisted(e, d.id, '', undefined))) out.push({ ruleId: d.id, type: d.type, start: 0, end: len, confidence: d.confidence });
      return out;
    }
    const { chunkBytes, chunkOverlap } = settings;
    for (let cs = 0; cs < len; cs += chunkBytes) {
      const ce = Math.min(len, cs + chunkBytes);
      scanRegion(bytes, Math.max(0, cs - chunkOverlap), Math.min(len, ce + chunkOverlap), cs, ce, depth, out);
    }
    return candidates === undefined ? resolveOverlaps(out) : out;
  }

  /** Path rules: applied only with a hint, before overlaps are resolved. */
  function applyPathRules(candidates: Finding[], bytes: Buffer, path: string): Finding[] {
    const lockfile = isLockfile(path);
    const kept = candidates.filter((f) => {
      if (lockfile && f.confidence !== 'high') return false;
      const c = compiled.find((x) => x.rule.id === f.ruleId);
      if (c !== undefined && c.paths.length > 0 && !pathMatches(path, c.paths)) return false;
      const secret = bytes.toString('latin1', f.start, f.end);
      return !pathBound.some((e) => allowlisted(e, f.ruleId, secret, path));
    });
    if (isKeyFile(path) && bytes.length >= 32) {
      const text = bytes.toString('latin1');
      const zip = bytes[0] === 0x50 && bytes[1] === 0x4b; // a Keynote document, not a key
      // A short file of placeholder text (`<paste your key here>`) is documentation, not a key.
      const placeholder = bytes.length < 200 && placeholders.some((p) => p.test(text.trim()));
      // A key file whose secret part the gateway already replaced (a .ppk keeps its public lines) is sanitized.
      const sanitized = tokenSpans(text).length > 0;
      if (!zip && !placeholder && !sanitized && !looksPublic(text.trim())) {
        const d = keyFileByPathDetector;
        if (!pathBound.some((e) => allowlisted(e, d.id, '', path))) kept.push({ ruleId: d.id, type: d.type, start: 0, end: bytes.length, confidence: d.confidence });
      }
    }
    return kept;
  }

  return {
    rulesetVersion: version,
    rules,
    detectors: builtinDetectors,
    decodeLimits: settings.decode,
    scan(content: Buffer, hint?: ScanHint): Finding[] {
      if (!(content instanceof Uint8Array)) throw new TypeError('scanner content must be a Buffer');
      if (hint !== undefined && (hint === null || typeof hint !== 'object' || (hint.path !== undefined && typeof hint.path !== 'string'))) {
        throw new TypeError('scanner hint must be an object with an optional string path');
      }
      if (content.length > maxBytes) {
        throw new ScannerError(codes.scanLimit, `content of ${content.length} bytes exceeds the scan limit of ${maxBytes} bytes`, {
          data: { bytes: content.length, maxBytes },
        });
      }
      // A plain Uint8Array is viewed, not copied, as a Buffer (toString('latin1') is Buffer-only).
      const view = content as Uint8Array;
      const bytes = Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.length);
      const candidates = scanAll(bytes, 0, []);
      const path = hint?.path;
      return resolveOverlaps(path === undefined ? candidates : applyPathRules(candidates, bytes, path));
    },
  };
}
