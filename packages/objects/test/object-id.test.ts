import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { hashObject, isObjectType, objectHeader, type ObjectType } from '../src/index.js';
import { git, makeTempDir, removeTempDir } from './git-helpers.js';

describe('object ids', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeTempDir(dir));

  const gitHash = (type: ObjectType, content: Buffer): string =>
    git(dir, ['hash-object', '-t', type, '--literally', '--stdin'], content).toString().trim();

  it('builds the "<type> <size>\\0" header git hashes', () => {
    expect(objectHeader('commit', 1234)).to.deep.equal(Buffer.from('commit 1234\0'));
  });

  it('refuses a negative or fractional size', () => {
    expect(() => objectHeader('blob', -1)).to.throw(TypeError);
    expect(() => objectHeader('blob', 1.5)).to.throw(TypeError);
  });

  it('refuses an unknown type', () => {
    expect(() => hashObject('ofs-delta' as ObjectType, Buffer.alloc(0))).to.throw(TypeError);
  });

  it('tells object types from other strings', () => {
    expect(['blob', 'tree', 'commit', 'tag', 'delta'].map(isObjectType)).to.deep.equal([true, true, true, true, false]);
  });

  it('hashes an empty blob like git hash-object', () => {
    expect(hashObject('blob', Buffer.alloc(0))).to.equal(gitHash('blob', Buffer.alloc(0)));
  });

  it('hashes binary blobs of several sizes like git hash-object', () => {
    for (const size of [1, 15, 16, 4096, 100_003]) {
      const content = randomBytes(size);
      expect(hashObject('blob', content), String(size)).to.equal(gitHash('blob', content));
    }
  });

  it('hashes malformed commit, tree and tag content like git hash-object --literally', () => {
    const content = Buffer.from('not\r\na real object\0 at all');
    for (const type of ['commit', 'tree', 'tag'] as const) expect(hashObject(type, content), type).to.equal(gitHash(type, content));
  });

  it('accepts a Uint8Array as well as a Buffer', () => {
    const bytes = new Uint8Array([104, 105, 10]);
    expect(hashObject('blob', bytes)).to.equal(gitHash('blob', Buffer.from(bytes)));
  });
});
