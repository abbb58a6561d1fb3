/** Bounds on decoding containers (gzip, zip) before scanning, and the running budget of one blob. */
import { ScannerError, codes } from './errors.js';

/** Bounds of {@link DecodeBudget}; each is part of the rule-set version (it decides what is withheld). */
export interface DecodeLimits {
  /** Total bytes all containers of one blob may decode to; default 64 MiB. */
  maxDecodedBytes: number;
  /** Largest decoded/compressed ratio of one container (above `ratioFloorBytes`); default 200. */
  maxExpansionRatio: number;
  /** A container decoding to at most this many bytes is never a bomb, whatever its ratio; default 1 MiB. */
  ratioFloorBytes: number;
  /** How many containers deep to decode (a zip in a gzip is depth 2); default 3. */
  maxDepth: number;
  /** Most zip entries plus gzip members in one blob; default 10,000. */
  maxEntries: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxDecodedBytes: 64 * 1024 * 1024,
  maxExpansionRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxDepth: 3,
  maxEntries: 10_000,
});

/** Fills in defaults and checks each bound. @throws TypeError on a bound that is not a positive integer. */
export function decodeLimits(partial: Partial<DecodeLimits> = {}): DecodeLimits {
  const limits = { ...DEFAULT_DECODE_LIMITS, ...partial };
  for (const [key, v] of Object.entries(limits)) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new TypeError(`scanner decode.${key} must be a positive integer`);
  }
  return limits;
}

/** What one blob has decoded so far; every decoder asks it before it allocates. */
export class DecodeBudget {
  private decoded = 0;
  private entries = 0;
  constructor(readonly limits: DecodeLimits) {}

  /**
   * The most bytes one stream of `compressed` bytes (the container's `alreadyDecoded` so far) may
   * still decode to; decoders pass it to inflate as its output bound.
   */
  allowance(compressed: number, alreadyDecoded: number): number {
    return Math.min(this.limits.maxDecodedBytes - this.decoded, this.ratioCap(compressed) - alreadyDecoded);
  }

  /** Charges `bytes` decoded from a container of `compressed` bytes that has decoded `total` so far (including them). */
  charge(bytes: number, compressed: number, total: number): void {
    if (this.decoded + bytes > this.limits.maxDecodedBytes) {
      throw new ScannerError(codes.decodedTooLarge, `decoded content exceeds ${this.limits.maxDecodedBytes} bytes`, {
        data: { maxDecodedBytes: this.limits.maxDecodedBytes },
      });
    }
    if (total > this.ratioCap(compressed)) {
      throw new ScannerError(codes.expansionRatio, `a container of ${compressed} bytes expands beyond the ratio ${this.limits.maxExpansionRatio}`, {
        data: { compressed, maxExpansionRatio: this.limits.maxExpansionRatio },
      });
    }
    this.decoded += bytes;
  }

  /** Throws as `charge` would if a container of `compressed` bytes went on to decode `bytes` more, `total` in all; charges nothing. */
  check(bytes: number, compressed: number, total: number): void {
    const decoded = this.decoded;
    this.charge(bytes, compressed, total);
    this.decoded = decoded;
  }

  /** Counts one zip entry or gzip member. */
  entry(): void {
    if (++this.entries > this.limits.maxEntries) {
      throw new ScannerError(codes.tooManyEntries, `more than ${this.limits.maxEntries} container entries`, { data: { maxEntries: this.limits.maxEntries } });
    }
  }

  /** Throws unless a container may be opened at `depth` (1 = the blob itself is a container). */
  enter(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new ScannerError(codes.nestingDepth, `containers nested deeper than ${this.limits.maxDepth}`, { data: { maxDepth: this.limits.maxDepth } });
    }
  }

  private ratioCap(compressed: number): number {
    return Math.max(this.limits.ratioFloorBytes, compressed * this.limits.maxExpansionRatio);
  }
}
