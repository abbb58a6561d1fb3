/** The data shapes of detection: a rule (declared as data), a finding (a byte span), allowlists and hints. */
import type { FileKind } from './file-kind.js';

/** How sure a rule is that a match is a real secret; also breaks ties between overlapping findings. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * A check on a secret that is itself an encoding (an HTTP Basic credential, a Docker `auth` value):
 * the secret is decoded and the decoded text must match `pattern`. When `pattern` has a group named
 * `secret`, that part is what `allow` is tested against (the password of `user:password`).
 */
export interface DecodedCheck {
  encoding: 'base64';
  pattern: RegExp;
  /** A decoded secret matching any of these is a placeholder (`user:changeme`) and is not reported. */
  allow?: RegExp[];
  /**
   * The decoded secret must carry at least min(minEntropy, log2(length) − 0.5) bits per char: the
   * floor a generic value gets, eased for short values (a random 6-char password cannot reach 3.0).
   */
  minEntropy?: number;
}

/**
 * One detector, declared as data so rule sets can grow (and be versioned) without engine changes.
 *
 * The engine runs `pattern` only when at least one of `keywords` occurs in the content
 * (ASCII case-insensitively). With `reach`, it runs only in windows around the keyword
 * occurrences, so every match must lie within `reach` chars of one of them.
 */
export interface Rule {
  /** Unique, stable id (`aws-access-key-id`); the last tie-break between overlapping findings. */
  id: string;
  /** Token type slug used in `[[TOKEN_<type>_…]]`: lower-case letters, digits and `-`. */
  type: string;
  /** One line for humans (docs, admin listing). */
  description: string;
  /** Lower-case literals; at least one must occur in the content for `pattern` to run. */
  keywords: string[];
  /** The detector. Flags `g`/`y` are ignored (the engine adds its own); bound every quantifier. */
  pattern: RegExp;
  /** The capture group holding the secret; default: the group named `secret`, else the whole match. */
  secretGroup?: number | string;
  /** Minimum Shannon entropy (bits per char) of the secret; lower values are placeholders, not secrets. */
  minEntropy?: number;
  /** A secret matching any of these is a known placeholder or example and is not reported. */
  allow?: RegExp[];
  confidence: Confidence;
  /** The secret may span lines; without it a candidate containing a line break is dropped. */
  multiline?: boolean;
  /**
   * The farthest (in bytes) a match can end after the end of one of its keyword occurrences.
   * When set, the regex runs only in windows around those occurrences (the speed of the
   * engine); when absent it runs over the whole content once any keyword occurs.
   */
  reach?: number;
  /**
   * The farthest (in bytes) a match can start before the start of one of its keyword
   * occurrences; default `reach`. 0 for a keyword that begins every match (a token prefix).
   */
  reachBack?: number;
  /** The secret is an encoded value that must decode to something credential-shaped. */
  decoded?: DecodedCheck;
  /**
   * File name globs (`*.env`, `settings.{ini,cfg}`; a leading `**` directory part is allowed and means the
   * same): the rule reports only in files so named. Matched against the base name, by `gitgate scan`
   * and by the gateway per tree entry name alike; a glob naming a directory throws (a tree sits at
   * many paths, so only its entries' names can decide).
   */
  paths?: string[];
  /**
   * The file kinds (file-kind.ts) in which the rule's findings apply; content of `unknown` kind
   * (messages, headers, unnamed blobs, unknown names) gets them too (fail closed). Absent: every kind.
   */
  fileKinds?: readonly FileKind[];
}

/** One detected secret: byte offsets into the scanned Buffer of the secret part only. */
export interface Finding {
  ruleId: string;
  type: string;
  /** Byte offset of the first byte of the secret. */
  start: number;
  /** Byte offset just past the last byte of the secret. */
  end: number;
  confidence: Confidence;
  /**
   * Present when the secret was found inside an encoding: the encodings peeled, outermost first
   * (`base64`, `hex`, `percent`, `json-escape`, `kubernetes-secret`), joined by `>`. The span is the encoded run.
   */
  via?: string;
  /** The file kinds the finding applies in, copied from its rule (absent: every kind); see `selectFindings`. */
  fileKinds?: readonly FileKind[];
}

/**
 * A global allowlist entry: a finding is dropped when its secret matches `regex` (if given),
 * its rule is one of `ruleIds` (if given) and, with a path hint only, its path matches one of
 * `paths` (if given). An entry needs `regex` or `paths`.
 */
export interface AllowlistEntry {
  description?: string;
  regex?: RegExp;
  ruleIds?: string[];
  /** File name globs, as in {@link Rule.paths}; the gateway honours them per tree entry name. */
  paths?: string[];
}

/**
 * Optional context for one `scan` call: what the content is. Without one, `scan` returns the findings
 * of every kind (see `Scanner.scan`).
 */
export interface ScanHint {
  /**
   * Repository-relative path of the content, `/`-separated: its kind is `fileKindOf(base name, content)`,
   * and name globs of rules and allowlist entries apply.
   */
  path?: string;
  /** The kind of the content (overrides the kind a path would give). */
  kind?: FileKind;
}
