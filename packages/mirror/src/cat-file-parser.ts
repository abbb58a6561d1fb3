/**
 * Incremental parser of `git cat-file --batch` output (git-cat-file(1), BATCH OUTPUT): per object a
 * header `<id> <type> <size>\n`, the content, then `\n`; or a single line `<id> missing` (or
 * `ambiguous`). Pipe chunks are consumed in place: only a header split across two chunks is joined, so
 * the parser never copies a whole chunk. Content is copied once into its own buffer, or with `views`
 * handed out as a view into the chunk when it arrived whole in it.
 */
import type { ObjectType } from '@gitgate/objects';
import type { RawObject } from './cat-file-batch.js';

export interface CatFileAnswers {
  object(obj: RawObject): void;
  /** `what` is git's word for it, e.g. 'missing'. */
  missing(id: string, what: string): void;
}

export class CatFileParser {
  readonly #answers: CatFileAnswers;
  /** Bytes of a header line that began in an earlier chunk. */
  #partial: Buffer | null = null;
  #want: { id: string; type: ObjectType } | null = null;
  #body: Buffer | null = null;
  #filled = 0;
  /** The content is complete; the newline after it has not arrived yet. */
  #needNewline = false;

  readonly #views: boolean;

  /**
   * `views`: content that arrives whole inside one chunk is a view into that chunk, not a copy. Only for
   * consumers that let go of each object soon: a kept view keeps its whole chunk (64 KiB) alive.
   */
  constructor(answers: CatFileAnswers, opts: { views?: boolean } = {}) {
    this.#answers = answers;
    this.#views = opts.views ?? false;
  }

  /** True between objects, i.e. when the output may end here. */
  get idle(): boolean {
    return this.#partial === null && this.#want === null;
  }

  /** Consumes one chunk of output; answers every object it completes, in order. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#want === null) {
        const nl = chunk.indexOf(0x0a, pos);
        if (nl < 0) {
          const rest = chunk.subarray(pos);
          this.#partial = this.#partial === null ? Buffer.from(rest) : Buffer.concat([this.#partial, rest]);
          return;
        }
        const header = this.#partial === null
          ? chunk.toString('latin1', pos, nl)
          : Buffer.concat([this.#partial, chunk.subarray(pos, nl)]).toString('latin1');
        this.#partial = null;
        pos = nl + 1;
        // '<id> <type> <size>', split by hand: this runs once per object, tens of thousands of times.
        const sp1 = header.indexOf(' ');
        const sp2 = sp1 < 0 ? -1 : header.indexOf(' ', sp1 + 1);
        if (sp2 < 0 || header.indexOf(' ', sp2 + 1) >= 0) {
          const parts = header.split(' ');
          this.#answers.missing(parts[0], parts.slice(1).join(' '));
          continue;
        }
        const id = header.slice(0, sp1);
        const type = typeName(header, sp1 + 1, sp2);
        const size = Number(header.slice(sp2 + 1));
        if (this.#views && pos + size < chunk.length) {
          // Content and its newline are all here.
          const content = chunk.subarray(pos, pos + size);
          pos += size + 1;
          this.#answers.object({ id, type, content });
          continue;
        }
        this.#want = { id, type };
        this.#body = Buffer.allocUnsafe(size);
        this.#filled = 0;
        this.#needNewline = false;
      }
      if (!this.#needNewline) {
        const body = this.#body!;
        const take = Math.min(body.length - this.#filled, chunk.length - pos);
        chunk.copy(body, this.#filled, pos, pos + take);
        this.#filled += take;
        pos += take;
        if (this.#filled < body.length) return;
        this.#needNewline = true;
        if (pos === chunk.length) return;
      }
      pos++; // the newline after the content
      const obj: RawObject = { id: this.#want.id, type: this.#want.type, content: this.#body! };
      this.#want = null;
      this.#body = null;
      this.#needNewline = false;
      this.#answers.object(obj);
    }
  }
}

/** The type word of a header as one of the shared type strings (no new string per object). */
function typeName(header: string, start: number, end: number): ObjectType {
  const n = end - start;
  const c = header.charCodeAt(start);
  if (n === 4 && c === 0x62 && header.startsWith('blob', start)) return 'blob';
  if (n === 4 && c === 0x74 && header.startsWith('tree', start)) return 'tree';
  if (n === 6 && c === 0x63 && header.startsWith('commit', start)) return 'commit';
  if (n === 3 && c === 0x74 && header.startsWith('tag', start)) return 'tag';
  return header.slice(start, end) as ObjectType;
}
