// Parsing `git cat-file --batch` output as it arrives, in chunks split anywhere.
import { expect } from 'chai';
import { CatFileParser } from '../src/cat-file-parser.js';
import type { RawObject } from '../src/cat-file-batch.js';

const ID_A = 'a'.repeat(40);
const ID_B = 'b'.repeat(40);
const ID_C = 'c'.repeat(40);

/** Output for: a blob (its content holds a newline and a space), a missing id, an empty tree, a commit. */
const OUTPUT = Buffer.concat([
  Buffer.from(`${ID_A} blob 11\nhello world\n`),
  Buffer.from(`${ID_C} missing\n`),
  Buffer.from(`${ID_B} tree 0\n\n`),
  Buffer.from(`${ID_C} commit 5\nx\ny z\n`),
]);
const EXPECTED = [
  `object ${ID_A} blob hello world`,
  `missing ${ID_C} missing`,
  `object ${ID_B} tree `,
  `object ${ID_C} commit x\ny z`,
];

function parse(chunks: Buffer[], views = false): { answers: string[]; objects: RawObject[]; idle: boolean[] } {
  const answers: string[] = [];
  const objects: RawObject[] = [];
  const idle: boolean[] = [];
  const parser = new CatFileParser({
    object: (o) => {
      objects.push(o);
      answers.push(`object ${o.id} ${o.type} ${o.content.toString('latin1')}`);
    },
    missing: (id, what) => answers.push(`missing ${id} ${what}`),
  }, { views });
  for (const c of chunks) {
    parser.push(c);
    idle.push(parser.idle);
  }
  return { answers, objects, idle };
}

describe('CatFileParser', () => {
  it('answers objects and missing ids in order from one chunk', () => {
    expect(parse([OUTPUT]).answers).to.deep.equal(EXPECTED);
  });

  it('gives the same answers whatever byte the output is split at', () => {
    for (const views of [false, true]) {
      for (let at = 1; at < OUTPUT.length; at++) {
        expect(parse([OUTPUT.subarray(0, at), OUTPUT.subarray(at)], views).answers, `split at ${at}`).to.deep.equal(EXPECTED);
      }
    }
  });

  it('gives the same answers when every byte arrives alone', () => {
    const bytes = [...OUTPUT].map((b) => Buffer.from([b]));
    expect(parse(bytes).answers).to.deep.equal(EXPECTED);
    expect(parse(bytes, true).answers).to.deep.equal(EXPECTED);
  });

  it('hands out content as a view into the chunk with views, and as its own copy without', () => {
    const chunk = Buffer.from(OUTPUT);
    const viewed = parse([chunk], true).objects[0]!.content;
    const copied = parse([chunk], false).objects[0]!.content;
    chunk.fill(0x2e);
    expect(viewed.toString()).to.equal('.'.repeat(11));
    expect(copied.toString()).to.equal('hello world');
  });

  it('copies content that arrives over two chunks even with views', () => {
    const at = OUTPUT.indexOf('hello') + 3;
    const first = Buffer.from(OUTPUT.subarray(0, at));
    const second = Buffer.from(OUTPUT.subarray(at));
    const { objects } = parse([first, second], true);
    first.fill(0x2e);
    second.fill(0x2e);
    expect(objects[0]!.content.toString()).to.equal('hello world');
  });

  it('is idle only between objects', () => {
    const end = OUTPUT.indexOf('hello world\n') + 'hello world\n'.length;
    expect(parse([OUTPUT.subarray(0, 10), OUTPUT.subarray(10, end - 1), OUTPUT.subarray(end - 1, end)]).idle).to.deep.equal([false, false, true]);
  });
});
