/**
 * Pass 2's view of one `cat-file --batch` stream asked for the planned order: objects are read a pipe
 * chunk at a time and taken one by one, each exactly where the plan puts it.
 */
import type { RawObject } from './cat-file-batch.js';
import type { IntList } from './int-list.js';
import type { ObjectTable } from './object-table.js';
import { MirrorError, codes } from './errors.js';

const NO_OBJECT: RawObject = { id: '', type: 'blob', content: Buffer.alloc(0) };

export class OrderedReader {
  readonly #stream: AsyncIterator<RawObject[]>;
  readonly #order: IntList;
  readonly #table: ObjectTable;
  /** What came and was not taken yet, from `#arrivedAt` on. */
  #arrived: RawObject[] = [];
  #arrivedAt = 0;
  /** Position in the order of the next object to arrive. */
  #received = 0;
  /** Position in the order of the next object to take. */
  taken = 0;

  constructor(batches: AsyncIterable<RawObject[]>, order: IntList, table: ObjectTable) {
    this.#stream = batches[Symbol.asyncIterator]();
    this.#order = order;
    this.#table = table;
  }

  /** Reads until the object at position `end - 1` of the order has arrived. */
  async readUntil(end: number): Promise<void> {
    while (this.#received < end) {
      const next = await this.#stream.next();
      if (next.done) throw new MirrorError(codes.gitOutput, 'git cat-file ended before every object was read');
      if (this.#arrivedAt > 0) {
        this.#arrived = this.#arrived.slice(this.#arrivedAt);
        this.#arrivedAt = 0;
      }
      for (const obj of next.value) this.#arrived.push(obj);
      this.#received += next.value.length;
    }
  }

  /** The next object of the stream, which must be `index` (the plan and the rewrite agree). */
  take(index: number): RawObject {
    const obj = this.#arrived[this.#arrivedAt];
    if (obj === undefined || this.#order.get(this.taken) !== index || this.#table.indexOf(obj.id) !== index) {
      // Cannot happen; never guess past it.
      throw new MirrorError(codes.badObject, `upstream object ${this.#table.id(index)} was not read in the order of the rewrite`);
    }
    this.#arrived[this.#arrivedAt++] = NO_OBJECT;
    this.taken++;
    return obj;
  }

  async close(): Promise<void> {
    await this.#stream.return?.();
  }
}
