/**
 * Replacing secrets in content that is encoded as a whole: UTF-16 text, gzip, zip and tar (nested within
 * bounds). Each form is decoded, scanned by the scanner, and written back in the same form with the
 * replacements in place; content in no such form is scanned as it is. Deterministic: the output
 * depends only on the bytes, the scanner and the replacements (no compressor is called).
 */
import { DecodeBudget, DEFAULT_DECODE_LIMITS } from './decode-limits.js';
import { ScannerError, codes } from './errors.js';
import { isGzip, readGzip, writeGzip } from './gzip-container.js';
import type { Finding, ScanHint } from './rule.js';
import type { Scanner } from './scanner.js';
import { isTar, readTar, rebuildTar } from './tar-container.js';
import { utf16Decode, utf16Encode, utf16Form, utf16Span, utf16View, type Utf16Form } from './utf16-text.js';
import { isZip, readZip, rebuildZip } from './zip-container.js';

/**
 * Returns the text that replaces one finding (a token). `secret` is an own copy of the secret's bytes
 * as plain content would hold them: the decoded bytes of a gzip or zip entry, UTF-8 for UTF-16 text.
 */
export type SecretReplacer = (finding: Finding, secret: Buffer) => string;

/** A copy of `bytes[start, end)` in its own allocation (not a pooled slab the caller would keep alive). */
function ownCopy(bytes: Buffer, start: number, end: number): Buffer {
  const copy = Buffer.allocUnsafeSlow(end - start);
  bytes.copy(copy, 0, start, end);
  return copy;
}

/**
 * Scans `content` and replaces every secret by `replace`'s text. UTF-16 text (by BOM, or Latin-1
 * text interleaved with NULs) is scanned decoded and the replacement written in UTF-16 at the secret's
 * bytes; gzip (every member) and zip (every entry, stored or deflate) are decoded, their content
 * handled the same way (recursively), and rebuilt when something changed: gzip as one member of
 * stored blocks with the first member's header, zip with changed entries stored and the rest
 * copied raw, tar with changed files' sizes and header checksums fixed. A container that changes
 * nothing is returned as it was. Other content is scanned as it is and the spans replaced in place.
 * `hint` says what the content is (default: `unknown`, every finding applies); it selects the
 * findings of the content itself and of UTF-16 text, while content inside a container, and the
 * container's own bytes, get every finding (fail closed).
 * @returns `content` itself when nothing was found, else new bytes.
 * @throws ScannerError with a stable code when a container cannot be fully scanned within the
 *   scanner's decode limits (too large, expansion ratio, depth, entries), is encrypted, corrupt or
 *   in an unsupported form, or holds a secret in its own bytes (names, comments); and whatever
 *   `scanner.scan` throws. The caller must then withhold the content.
 */
export function replaceSecrets(scanner: Scanner, content: Buffer, replace: SecretReplacer, hint: ScanHint = UNKNOWN): Buffer {
  const replacement = new EncodedReplacement(scanner, replace, hint);
  if (!(content instanceof Uint8Array)) throw new TypeError('scanner content must be a Buffer');
  const view = content as Uint8Array;
  const bytes = Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.length);
  const out = replacement.layer(bytes, 1);
  return out === bytes ? content : out;
}

const UNKNOWN: ScanHint = Object.freeze({ kind: 'unknown' });

/** One replaceSecrets call: its scanner, replacer and decode budget, shared by every nested layer. */
class EncodedReplacement {
  readonly #scanner: Scanner;
  readonly #replace: SecretReplacer;
  readonly #budget: DecodeBudget;
  readonly #hint: ScanHint;

  constructor(scanner: Scanner, replace: SecretReplacer, hint: ScanHint) {
    this.#scanner = scanner;
    this.#replace = replace;
    this.#hint = hint;
    this.#budget = new DecodeBudget(scanner.decodeLimits ?? DEFAULT_DECODE_LIMITS);
  }

  /** `bytes` with every secret replaced, decoding the containers it is in (`depth` counts them). */
  layer(bytes: Buffer, depth: number): Buffer {
    if (isGzip(bytes)) {
      this.#budget.enter(depth);
      const gz = readGzip(bytes, this.#budget);
      const inner = this.layer(gz.content, depth + 1);
      return this.#containerClean(inner === gz.content ? bytes : writeGzip(gz.header, inner), 'gzip');
    }
    if (isZip(bytes)) {
      this.#budget.enter(depth);
      const zip = readZip(bytes, this.#budget);
      const replaced = this.#entries(zip.entries, depth);
      return this.#containerClean(replaced ? rebuildZip(bytes, zip, replaced) : bytes, 'zip');
    }
    if (isTar(bytes)) {
      this.#budget.enter(depth);
      const tar = readTar(bytes, this.#budget);
      // Links, directories, pax and long-name records are not files: checked below as container bytes.
      const replaced = this.#entries(tar.entries.map((e) => (e.regular ? e : undefined)), depth);
      return this.#containerClean(replaced ? rebuildTar(bytes, tar, replaced) : bytes, 'tar');
    }
    const form = utf16Form(bytes);
    const hint = depth === 1 ? this.#hint : UNKNOWN;
    return form === undefined ? this.#plain(bytes, hint) : this.#utf16(bytes, form, hint);
  }

  /**
   * Each entry's content with its secrets replaced (undefined where unchanged or skipped), or
   * undefined when no entry changed.
   */
  #entries(entries: readonly ({ content: Buffer } | undefined)[], depth: number): (Buffer | undefined)[] | undefined {
    let changed = false;
    const replaced = entries.map((e) => {
      if (e === undefined) return undefined;
      const out = this.layer(e.content, depth + 1);
      if (out === e.content) return undefined;
      changed = true;
      return out;
    });
    return changed ? replaced : undefined;
  }

  #plain(bytes: Buffer, hint: ScanHint): Buffer {
    const findings = this.#scanner.scan(bytes, hint);
    if (findings.length === 0) return bytes;
    const parts: Buffer[] = [];
    let at = 0;
    for (const f of findings) {
      if (f.start < at || f.end <= f.start || f.end > bytes.length) throw new TypeError(`finding ${f.ruleId} has an invalid span ${f.start}..${f.end}`);
      parts.push(bytes.subarray(at, f.start), Buffer.from(this.#replace(f, ownCopy(bytes, f.start, f.end)), 'latin1'));
      at = f.end;
    }
    parts.push(bytes.subarray(at));
    return Buffer.concat(parts);
  }

  #utf16(bytes: Buffer, form: Utf16Form, hint: ScanHint): Buffer {
    const findings = this.#scanner.scan(utf16View(bytes, form), hint);
    let out = bytes;
    if (findings.length > 0) {
      const parts: Buffer[] = [];
      let at = 0;
      for (const f of findings) {
        const [start, end] = utf16Span(form, f.start, f.end);
        // The secret as plain UTF-8 text holds it, so the same value gets the same token in either file.
        const text = Buffer.from(utf16Decode(bytes.subarray(start, end), form), 'utf8');
        parts.push(bytes.subarray(at, start), utf16Encode(this.#replace(f, ownCopy(text, 0, text.length)), form));
        at = end;
      }
      parts.push(bytes.subarray(at));
      out = Buffer.concat(parts);
    }
    // A BOM can be chance in a binary; its bytes are still scanned as they are, as any content is.
    return this.#plain(out, hint);
  }

  /** The container's own bytes (headers, names, comments, raw entries) hold no secret left to find. */
  #containerClean(bytes: Buffer, container: string): Buffer {
    if (this.#scanner.scan(bytes, UNKNOWN).length > 0) {
      throw new ScannerError(codes.secretInContainer, `a secret in the ${container} structure itself cannot be replaced in place`, { data: { container } });
    }
    return bytes;
  }
}
