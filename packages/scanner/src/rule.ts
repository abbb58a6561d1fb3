/** The data shapes of detection: a rule (declared as data) and a finding (a byte span). */

/** How sure a rule is that a match is a real secret; also breaks ties between overlapping findings. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * One detector, declared as data so rule sets can grow (and be versioned) without engine changes.
 *
 * The engine runs `pattern` only when at least one of `keywords` occurs in the content
 * (ASCII case-insensitively), so every match of `pattern` must contain one of them or the
 * rule silently never fires.
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
}
