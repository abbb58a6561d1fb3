// treeDelta copies the bytes two tree versions share at both ends and walks only the entries between:
// every delta it makes must rebuild the target exactly, and be no larger than the plain entry-by-entry
// walk over the whole trees (kept here as the reference).
import { expect } from 'chai';
import { createHash, randomInt } from 'node:crypto';
import { serializeTree, type TreeEntry } from '../src/tree.js';
import { treeDelta, treeEntries } from '../src/tree-delta.js';
import { compareRanges, rangesEqual } from '../src/byte-ranges.js';

/** Applies a git delta (gitformat-pack, "Deltified representation") to `base`. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let at = 0;
  const size = (): number => {
    let n = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++]!;
      n += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return n;
  };
  expect(size()).to.equal(base.length);
  const out = Buffer.alloc(size());
  let pos = 0;
  while (at < delta.length) {
    const op = delta[at++]!;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += delta[at++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) length += delta[at++]! << (8 * i);
      if (length === 0) length = 0x10000;
      pos += base.copy(out, pos, offset, offset + length);
    } else {
      expect(op).to.be.greaterThan(0);
      pos += delta.copy(out, pos, at, at + op);
      at += op;
    }
  }
  expect(pos).to.equal(out.length);
  return out;
}

/**
 * The walk over every entry, as treeDelta did before it found the shared ends natively: its delta's
 * size, or null where it gave up (its size as the builder estimates it, an open copy as 8 bytes, over
 * half the target after some entry).
 */
function referenceSize(base: Buffer, be: Int32Array, target: Buffer, te: Int32Array): number | null {
  if (target.length < 64) return null;
  const start = (e: Int32Array, k: number): number => (k === 0 ? 0 : e[2 * k - 1]! + 21);
  const varint = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1) / 7));
  const copyBytes = (from: number, size: number): number => {
    let n = 0;
    for (let done = 0; done < size; done += 0xffffff) {
      const part = Math.min(0xffffff, size - done);
      const o = from + done;
      n += 1 + [0, 1, 2, 3].filter((b) => ((o / 2 ** (8 * b)) & 0xff) !== 0).length + [0, 1, 2].filter((b) => ((part >>> (8 * b)) & 0xff) !== 0).length;
    }
    return n;
  };
  const bytes = (r: { copy: boolean; from: number; size: number }): number => (r.copy ? copyBytes(r.from, r.size) : r.size + Math.ceil(r.size / 127));
  const runs: { copy: boolean; from: number; size: number }[] = [];
  let closed = varint(base.length) + varint(target.length);
  const push = (copy: boolean, from: number, size: number): void => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.copy === copy && (!copy || last.from + last.size === from)) last.size += size;
    else {
      if (last !== undefined) closed += bytes(last);
      runs.push({ copy, from, size });
    }
  };
  let i = 0;
  for (let j = 0; j < te.length / 2; j++) {
    const ts = start(te, j);
    const tEnd = te[2 * j + 1]! + 21;
    while (i < be.length / 2 && compareRanges(base, be[2 * i]!, be[2 * i + 1]!, target, te[2 * j]!, te[2 * j + 1]!) < 0) i++;
    const bs = i < be.length / 2 ? start(be, i) : -1;
    const bEnd = bs < 0 ? -1 : be[2 * i + 1]! + 21;
    if (bs >= 0 && bEnd - bs === tEnd - ts && rangesEqual(base, bs, target, ts, tEnd - ts)) {
      push(true, bs, bEnd - bs);
      i++;
    } else push(false, ts, tEnd - ts);
    const open = runs[runs.length - 1]!;
    if (closed + (open.copy ? 8 : bytes(open)) > target.length / 2) return null;
  }
  return closed + bytes(runs[runs.length - 1]!);
}

const id = (): string => createHash('sha1').update(String(randomInt(2 ** 40))).digest('hex');
const name = (): string => Array.from({ length: 1 + randomInt(12) }, () => 'abcdefghijklmnopqrstuvwxyz-._0123456789'[randomInt(39)]).join('');

function tree(entries: TreeEntry[]): Buffer {
  const sorted = [...new Map(entries.map((e) => [e.name.toString('latin1'), e])).values()]
    .sort((a, b) => Buffer.compare(Buffer.concat([a.name, Buffer.from(a.mode === '40000' ? '/' : '')]), Buffer.concat([b.name, Buffer.from(b.mode === '40000' ? '/' : '')])));
  return serializeTree(sorted);
}

/** A version of `entries` with a few edits anywhere: ids changed, entries added, removed, renamed. */
function edited(entries: TreeEntry[]): TreeEntry[] {
  const out = entries.map((e) => ({ ...e }));
  for (let k = 1 + randomInt(4); k > 0; k--) {
    const at = randomInt(out.length + 1);
    switch (randomInt(4)) {
      case 0: if (out[at]) out[at]!.id = id(); break;
      case 1: out.splice(at, 0, { mode: '100644', name: Buffer.from(name()), id: id() }); break;
      case 2: out.splice(at, 1); break;
      default: if (out[at]) out[at] = { ...out[at]!, name: Buffer.from(name()) };
    }
  }
  return out.length === 0 ? entries : out;
}

describe('treeDelta', () => {
  it('rebuilds the target exactly from every delta it makes, never larger than the whole-tree walk', () => {
    let made = 0;
    for (let round = 0; round < 400; round++) {
      const entries = Array.from({ length: 1 + randomInt(round % 5 === 0 ? 300 : 40) }, () => ({ mode: randomInt(5) === 0 ? '40000' : '100644', name: Buffer.from(name()), id: id() }));
      const base = tree(entries);
      const next = edited(entries);
      // Now and then the same tree, or one whose end repeats the base's end from another entry boundary.
      const target = round % 23 === 0 ? Buffer.from(base) : tree(next);
      const be = treeEntries(base)!;
      const te = treeEntries(target)!;
      const d = treeDelta(base, be, target, te);
      const ref = referenceSize(base, be, target, te);
      if (d === null) {
        expect(ref, `round ${round}: the walk made a delta where treeDelta gave none`).to.equal(null);
        continue;
      }
      made++;
      expect(applyDelta(base, d).equals(target), `round ${round}`).to.equal(true);
      if (ref !== null) expect(d.length, `round ${round}`).to.be.at.most(ref);
      // A limit at or under its size refuses it.
      expect(treeDelta(base, be, target, te, d.length)).to.equal(null);
    }
    expect(made).to.be.greaterThan(200);
  });

  it('copies a tree equal to its base whole, in one instruction', () => {
    const base = tree(Array.from({ length: 50 }, () => ({ mode: '100644', name: Buffer.from(name()), id: id() })));
    const d = treeDelta(base, treeEntries(base)!, Buffer.from(base), treeEntries(base)!)!;
    expect(applyDelta(base, d).equals(base)).to.equal(true);
    // Two sizes, then one copy: an opcode, up to 0 offset bytes and 2–3 size bytes.
    expect(d.length).to.be.at.most(2 * 2 + 1 + 3);
  });
});
