/**
 * Aho–Corasick keyword search (Aho & Corasick, CACM 18(6), 1975) over raw bytes: one pass finds
 * every occurrence of every rule keyword, ASCII case-insensitively. The automaton is compiled to
 * a dense DFA over byte classes (bytes that occur in no keyword share class 0), so the inner loop
 * is one table load per byte and the cost does not grow with the number of rules.
 */

/** Occurrences found by one pass: `keyword[i]` ends just before byte `end[i]`; in increasing `end`. */
export interface KeywordHits {
  count: number;
  keyword: Int32Array;
  end: Int32Array;
}

/** A compiled keyword set. Immutable; `scan` is re-entrant. */
export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  /**
   * Finds every occurrence of every keyword within `bytes[from, to)` (A–Z folded to a–z; other
   * bytes compared as they are). Stops recording after `maxHits` occurrences and reports
   * `overflow`, so hostile input cannot grow memory without bound.
   */
  scan(bytes: Uint8Array, from: number, to: number, maxHits?: number): KeywordHits & { overflow: boolean };
}

/**
 * Builds the automaton. Keywords are byte strings given as latin1 strings (one char per byte);
 * upper-case ASCII letters in a keyword never match (the content is folded to lower case).
 * @throws TypeError for an empty keyword or a char above U+00FF.
 */
export function createKeywordAutomaton(keywords: readonly string[]): KeywordAutomaton {
  for (const k of keywords) {
    if (typeof k !== 'string' || k.length === 0) throw new TypeError('keywords must be non-empty strings');
    if (/[^\x00-\xff]/.test(k)) throw new TypeError('keywords must be latin1 (one byte per char)');
  }
  const { classOf, classes } = byteClasses(keywords);
  // A power-of-two row width: a state's row offset converts back to its number with a shift.
  const shift = Math.max(1, Math.ceil(Math.log2(classes)));
  const width = 1 << shift;
  const trie = buildTrie(keywords, classOf);
  const { delta, outputs } = buildDfa(trie, width);
  const { table, firstOutputState, outStart, outCount, outList } = compileTable(delta, outputs, width);
  const firstOutput = firstOutputState * width;
  const frozen = Object.freeze([...keywords]);

  return {
    keywords: frozen,
    scan(bytes, from, to, maxHits = 1 << 22) {
      let cap = Math.min(256, maxHits);
      let keyword = new Int32Array(cap);
      let end = new Int32Array(cap);
      let count = 0;
      let overflow = false;
      let s = 0;
      for (let i = from; i < to; i++) {
        s = table[s + classOf[bytes[i]!]!]!;
        if (s < firstOutput) continue;
        const state = (s >> shift) - firstOutputState;
        const n = outCount[state]!;
        if (count + n > cap) {
          if (count + n > maxHits) {
            overflow = true;
            break;
          }
          cap = Math.min(maxHits, Math.max(cap * 2, count + n));
          const k2 = new Int32Array(cap);
          k2.set(keyword.subarray(0, count));
          keyword = k2;
          const e2 = new Int32Array(cap);
          e2.set(end.subarray(0, count));
          end = e2;
        }
        const o = outStart[state]!;
        for (let j = 0; j < n; j++) {
          keyword[count] = outList[o + j]!;
          end[count] = i + 1;
          count++;
        }
      }
      return { count, keyword, end, overflow };
    },
  };
}

/** Byte classes: each distinct keyword byte gets a class; A–Z share their lower-case letter's class. */
function byteClasses(keywords: readonly string[]): { classOf: Uint8Array; classes: number } {
  const classOf = new Uint8Array(256);
  let classes = 1;
  for (const k of keywords) {
    for (let i = 0; i < k.length; i++) {
      const b = k.charCodeAt(i);
      if (classOf[b] === 0) classOf[b] = classes++;
    }
  }
  for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b | 0x20]!;
  return { classOf, classes };
}

/** A trie over byte classes: each state's children, and the keywords that end at it. */
interface Trie {
  children: Array<Map<number, number>>;
  own: number[][];
}

function buildTrie(keywords: readonly string[], classOf: Uint8Array): Trie {
  const children: Array<Map<number, number>> = [new Map()];
  const own: number[][] = [[]];
  keywords.forEach((k, index) => {
    let s = 0;
    for (let i = 0; i < k.length; i++) {
      const c = classOf[k.charCodeAt(i)]!;
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        own.push([]);
        children[s]!.set(c, next);
      }
      s = next;
    }
    own[s]!.push(index);
  });
  return { children, own };
}

/** Breadth-first: failure links, the full transition table, outputs merged along failure links. */
function buildDfa({ children, own }: Trie, width: number): { delta: Int32Array; outputs: number[][] } {
  const states = children.length;
  const delta = new Int32Array(states * width);
  const fail = new Int32Array(states);
  const outputs: number[][] = own.map((o) => [...o]);
  const queue: number[] = [];
  for (let c = 0; c < width; c++) {
    const t = children[0]!.get(c);
    if (t !== undefined) {
      delta[c] = t;
      fail[t] = 0;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    outputs[s]!.push(...outputs[fail[s]!]!);
    for (let c = 0; c < width; c++) {
      const t = children[s]!.get(c);
      if (t !== undefined) {
        fail[t] = delta[fail[s]! * width + c]!;
        delta[s * width + c] = t;
        queue.push(t);
      } else {
        delta[s * width + c] = delta[fail[s]! * width + c]!;
      }
    }
  }
  return { delta, outputs };
}

/** The DFA as the scan loop reads it, and where each output state's keywords are listed. */
interface CompiledTable {
  /** Next state's row offset, by row offset plus byte class. */
  table: Int32Array;
  /** States numbered from here on have outputs. */
  firstOutputState: number;
  outStart: Int32Array;
  outCount: Int32Array;
  outList: Int32Array;
}

function compileTable(delta: Int32Array, outputs: number[][], width: number): CompiledTable {
  const states = outputs.length;
  // Renumber so that every state with an output comes after every state without one: the loop
  // then tests `s >= firstOutput` (a register compare) instead of loading an output count per byte.
  const order: number[] = [];
  for (let s = 0; s < states; s++) if (outputs[s]!.length === 0) order.push(s);
  const firstOutputState = order.length;
  for (let s = 0; s < states; s++) if (outputs[s]!.length > 0) order.push(s);
  const renumber = new Int32Array(states);
  order.forEach((old, i) => (renumber[old] = i));
  // Rows are stored pre-multiplied by the row width, so the loop is one add and one load per byte.
  const table = new Int32Array(states * width);
  for (let s = 0; s < states; s++) {
    for (let c = 0; c < width; c++) table[renumber[s]! * width + c] = renumber[delta[s * width + c]!]! * width;
  }
  const outStart = new Int32Array(states - firstOutputState);
  const outCount = new Int32Array(states - firstOutputState);
  const flat: number[] = [];
  for (let i = firstOutputState; i < states; i++) {
    const o = [...new Set(outputs[order[i]!]!)].sort((a, b) => a - b); // a fixed order for hits ending at one byte
    outStart[i - firstOutputState] = flat.length;
    outCount[i - firstOutputState] = o.length;
    flat.push(...o);
  }
  return { table, firstOutputState, outStart, outCount, outList: Int32Array.from(flat) };
}
