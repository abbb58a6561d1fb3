// Pass 1's memory of each directory's previous version, against resolving every entry afresh.
import { expect } from 'chai';
import { serializeTree, type TreeEntry } from '@gitgate/objects';
import { PreviousTrees } from '../src/previous-trees.js';
import { MirrorError } from '../src/errors.js';

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const MODES = ['100644', '100755', '40000', '120000', '160000'];
const KIND = { '100644': 'blob', '100755': 'blob', '40000': 'tree', '120000': 'blob', '160000': 'gitlink' } as const;

describe('previous trees', () => {
  const random = prng(11);
  const id = (): string => Array.from({ length: 5 }, () => random().toString(16).padStart(8, '0')).join('');
  const entry = (name: string): TreeEntry => ({ mode: MODES[random() % MODES.length]!, name: Buffer.from(name), id: id() });
  /** The next version of a directory: some entries changed (id or mode), some removed, some added; first and last kept. */
  const edit = (d: string, entries: TreeEntry[]): TreeEntry[] => {
    const next = entries.filter((_, k) => k === 0 || k === entries.length - 1 || random() % 8 !== 0).map((e) => (random() % 5 === 0 ? { ...e, id: id() } : e));
    for (let k = random() % 3; k > 0; k--) next.splice(1 + (random() % (next.length - 1)), 0, entry(`${d}m${random() % 1000}`));
    const seen = new Set<string>();
    return next.filter((e) => !seen.has(e.name.toString()) && seen.add(e.name.toString())).sort((a, b) => Buffer.compare(a.name, b.name));
  };

  it('gives every entry the child resolving it would, and resolves exactly the entries its previous version lacks', () => {
    // Three directories edited in turn, 60 versions each, with one table of children for all.
    const table = new Map<string, number>();
    const childOf = (e: string): number => table.get(e) ?? (table.set(e, table.size).size - 1);
    const dirs = ['a', 'b', 'c'].map((d) => [entry(`${d}0`), ...Array.from({ length: 20 }, (_, k) => entry(`${d}${k + 1}x`)), entry(`${d}~`)].sort((x, y) => Buffer.compare(x.name, y.name)));
    const memo = new PreviousTrees();
    let [fresh, repeated] = [0, 0];
    for (let v = 0; v < 180; v++) {
      const d = v % 3;
      const previous = dirs[d]!;
      const current = (dirs[d] = edit('abc'[d]!, previous));
      const raw = serializeTree(current);
      const before = new Set(previous.map((e) => `${e.mode} ${e.name.toString()} ${e.id}`));
      const got: number[] = [];
      const expected = current.map((e) => childOf(e.id));
      const kinds: string[] = [];
      const freshBefore = fresh;
      memo.walk('t', raw, (kind, at) => {
        const e = current[got.length]!;
        // Resolved afresh only when the previous version of this directory lacks the entry byte for byte.
        if (v >= 3) expect(before.has(`${e.mode} ${e.name.toString()} ${e.id}`), `version ${v}, ${e.name.toString()}`).to.equal(false);
        fresh++;
        kinds.push(kind);
        got.push(childOf(raw.toString('hex', at, at + 20)));
        return got[got.length - 1]!;
      }, (kind, child) => {
        repeated++;
        kinds.push(kind);
        got.push(child);
      });
      expect(got).to.deep.equal(expected);
      // ... and exactly those: every entry the previous version holds is carried over.
      const absent = current.filter((e) => !before.has(`${e.mode} ${e.name.toString()} ${e.id}`)).length;
      if (v >= 3) expect(fresh - freshBefore, `version ${v}`).to.equal(absent);
      expect(kinds).to.deep.equal(current.map((e) => KIND[e.mode as keyof typeof KIND]));
    }
    expect(repeated).to.be.greaterThan(fresh * 2);
    expect([memo.fresh, memo.repeated]).to.deep.equal([fresh, repeated]);
  });

  it('resolves every entry afresh when nothing fits in its memory, and still gives the same children', () => {
    const memo = new PreviousTrees(16);
    const entries = [entry('a'), entry('b'), entry('c')].sort((x, y) => Buffer.compare(x.name, y.name));
    for (let k = 0; k < 2; k++) {
      const got: number[] = [];
      memo.walk('t', serializeTree(entries), (_kind, at) => {
        got.push(at);
        return at;
      }, () => got.push(-1));
      expect(got.every((n) => n >= 0)).to.equal(true);
    }
    expect(memo.repeated).to.equal(0);
  });

  it('refuses a malformed tree as the rewrite does, naming it', () => {
    const memo = new PreviousTrees();
    const bad = Buffer.concat([serializeTree([entry('a')]), Buffer.from('100644 truncated\0abc')]);
    expect(() => memo.walk('badtree', bad, () => 0, () => undefined)).to.throw(MirrorError, /badtree/);
  });
});
