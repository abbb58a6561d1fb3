/**
 * Incremental pkt-line reader for a stream (git's upload-pack output), per gitprotocol-common.
 * Each byte is copied at most once, so tiny chunks do not make reading quadratic.
 */
import { ProtocolError, codes } from './errors.js';
import { type PktParseOptions, type RawPkt, checkMaxData, pktFromRaw, readPktLength } from './pkt-line.js';

/**
 * Splits a byte stream into pkts as chunks arrive. Each returned pkt carries `raw`, its exact bytes
 * including the length header, so a proxy can forward them unchanged. `raw` and `data` may be views
 * into the pushed chunks. Throws ProtocolError GITGATE_PKT_MALFORMED / GITGATE_PKT_TOO_LONG on a bad
 * header; the reader is unusable afterwards.
 */
export class PktReader {
  private readonly maxData: number;
  private chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk in `chunks`. */
  private head = 0;
  private buffered = 0;
  /** Total length of the pkt being assembled, once its header is known. */
  private need: number | null = null;
  /** Stream offset of the next unread byte, for error messages. */
  private offset = 0;
  private failed = false;

  constructor(opts: PktParseOptions = {}) {
    this.maxData = checkMaxData(opts.maxData);
  }

  /** Bytes received but not yet returned as a complete pkt. */
  get pending(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every pkt it completes, in order. */
  push(chunk: Buffer): RawPkt[] {
    if (this.failed) throw new TypeError('PktReader already failed on a malformed stream');
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: RawPkt[] = [];
    for (;;) {
      if (this.need === null) {
        if (this.buffered < 4) break;
        try {
          this.need = readPktLength(this.peek(4), this.offset, this.maxData);
        } catch (err) {
          this.failed = true;
          throw err;
        }
      }
      if (this.buffered < this.need) break;
      const raw = this.take(this.need);
      this.offset += this.need;
      this.need = null;
      out.push({ ...pktFromRaw(raw), raw });
    }
    return out;
  }

  /**
   * Hands back every byte received but not yet returned (a partial pkt), and stops the reader: for a
   * caller that has seen what it needed and passes the rest of the stream through untouched.
   */
  drain(): Buffer {
    const rest = Buffer.concat(this.chunks.slice(this.head));
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    this.need = null;
    this.failed = true;
    return rest;
  }

  /** Declares the end of the stream; throws GITGATE_PKT_MALFORMED when it stopped inside a pkt. */
  end(): void {
    if (this.buffered > 0) {
      throw new ProtocolError(codes.pktMalformed, `stream ends inside a pkt-line at offset ${this.offset}`, {
        data: { offset: this.offset, pending: this.buffered },
      });
    }
  }

  /** The first n buffered bytes (n <= buffered), without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[this.head]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (let i = this.head; filled < n; i++) {
      const c = this.chunks[i]!;
      const use = Math.min(c.length, n - filled);
      out.set(c.subarray(0, use), filled);
      filled += use;
    }
    return out;
  }

  /** Removes and returns the first n buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[this.head]!;
    let result: Buffer;
    if (first.length >= n) {
      // The common case with git's 64 KiB pipe reads: a zero-copy view.
      result = first.subarray(0, n);
      this.consume(first, n);
    } else {
      result = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[this.head]!;
        const use = Math.min(c.length, n - filled);
        result.set(c.subarray(0, use), filled);
        filled += use;
        this.consume(c, use);
      }
    }
    this.buffered -= n;
    return result;
  }

  /** Drops `used` bytes of the head chunk `c`; a head index instead of shift() keeps this O(1). */
  private consume(c: Buffer, used: number): void {
    if (used < c.length) {
      this.chunks[this.head] = c.subarray(used);
      return;
    }
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
