/**
 * The scanner: options checked once, then bytes in, sorted non-overlapping findings (byte spans) out,
 * from one engine (scan-engine.ts) running the rules and the registered detectors
 * (builtin-detector-list.ts: key containers, Kubernetes Secrets, key files by path).
 */
import { builtinDetectorList } from './builtin-detector-list.js';
import { decodeLimits, type DecodeLimits } from './decode-limits.js';
import { defaultRules } from './default-rules.js';
import { builtinDetectors, type DetectorInfo } from './detectors.js';
import { ScannerError, codes } from './errors.js';
import { FILE_KINDS } from './file-kind.js';
import type { AllowlistEntry, Finding, Rule, ScanHint } from './rule.js';
import { rulesetVersion, type EngineSettings } from './ruleset-version.js';
import { ScanEngine } from './scan-engine.js';

/** Default `maxBytes`: 256 MiB (content is scanned in chunks, so memory stays bounded by the chunk). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** Default chunk size: content up to this size is one chunk (no boundary effects at all). */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
/** Default overlap: each chunk is scanned with this much context on both sides. */
export const DEFAULT_CHUNK_OVERLAP = 1024 * 1024;
/** Default depth of decode-and-rescan for encoded runs (base64 inside hex inside content is depth 2; issue 12 met base64 three deep). */
export const DEFAULT_MAX_DECODE_DEPTH = 3;

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
  /** How many encodings deep to decode and rescan; default 3, 0 turns decoding off. Part of the rule-set version. */
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
   * Finds secrets in `content`, never overlapping an existing gateway token. Without `hint` the
   * result depends only on the bytes and holds the findings of every file kind and name, sorted by
   * start; they overlap only where a file's kind or name decides between them, so pass them through
   * `select` (or `selectFindings`) before replacing spans. With `hint` (a `kind`, or a `path` whose
   * base name and first bytes give the kind and whose name globs apply): exactly
   * `select(content, scan(content), hint)`, sorted and non-overlapping; a path also runs the path
   * detectors (key files by name, `gitgate scan` only).
   * @throws ScannerError `GITGATE_SCAN_LIMIT` when `content` is larger than `maxBytes`.
   * @throws TypeError when `content` is not a Buffer/Uint8Array, or `hint` is malformed.
   */
  scan(content: Buffer, hint?: ScanHint): Finding[];
  /**
   * The findings of an unhinted `scan(content)` that apply under `hint`: what `scan(content, hint)`
   * returns, without scanning again, except that it only filters (path detectors, which add key
   * files by name for `gitgate scan`, do not run). The gateway selects per tree entry name with it.
   */
  select(content: Buffer, findings: readonly Finding[], hint: ScanHint): Finding[];
  /** Whether some file kind or file name would drop `finding` (a finding of an unhinted scan). */
  conditional(finding: Finding): boolean;
  /**
   * A key two file names share only if `select` treats them alike for any content: their kind (`?`
   * when the content's shebang decides it) and which name globs of rules and allowlist entries match.
   */
  nameClass(name: string): string;
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
  const engine = new ScanEngine(rules, options.allowlist ?? [], settings, builtinDetectorList);
  const version = rulesetVersion(rules, options.allowlist ?? [], settings);

  const scanner: Scanner = {
    rulesetVersion: version,
    rules,
    detectors: builtinDetectors,
    decodeLimits: settings.decode,
    scan(content: Buffer, hint?: ScanHint): Finding[] {
      if (!(content instanceof Uint8Array)) throw new TypeError('scanner content must be a Buffer');
      checkHint(hint);
      if (content.length > maxBytes) {
        throw new ScannerError(codes.scanLimit, `content of ${content.length} bytes exceeds the scan limit of ${maxBytes} bytes`, {
          data: { bytes: content.length, maxBytes },
        });
      }
      return engine.scan(asBuffer(content), hint);
    },
    select(content: Buffer, findings: readonly Finding[], hint: ScanHint): Finding[] {
      checkHint(hint);
      if (hint === undefined) throw new TypeError('scanner select needs a hint');
      if (!(content instanceof Uint8Array)) throw new TypeError('scanner content must be a Buffer');
      return engine.select(asBuffer(content), findings, hint);
    },
    conditional: (finding: Finding) => engine.conditional(finding),
    nameClass: (name: string) => engine.nameClass(name),
  };
  made.set(scanner, Object.freeze({ ...options }));
  return scanner;
}

// The options each scanner of createScanner was made with, by the very object it returned.
const made = new WeakMap<Scanner, Readonly<ScannerOptions>>();

/**
 * The options `scanner` was created with, when it is exactly an object `createScanner` returned (a
 * wrapper such as `withKnownSecrets` gives undefined: its behaviour is not in the options). Another
 * thread builds an identical scanner from them (rules and allowlists are data: they survive
 * structured cloning).
 */
export function scannerOptionsOf(scanner: Scanner): Readonly<ScannerOptions> | undefined {
  return made.get(scanner);
}

/** A plain Uint8Array viewed, not copied, as a Buffer (toString('latin1') is Buffer-only). */
function asBuffer(content: Uint8Array): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.length);
}

function checkHint(hint: ScanHint | undefined): void {
  if (hint === undefined) return;
  if (hint === null || typeof hint !== 'object' || (hint.path !== undefined && typeof hint.path !== 'string')
    || (hint.kind !== undefined && !FILE_KINDS.includes(hint.kind))) {
    throw new TypeError('scanner hint must be an object with an optional string path and an optional file kind');
  }
}
