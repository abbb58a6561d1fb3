import { expect } from 'chai';
import { entryKind, ObjectsError, parseTree, scanTree, serializeTree, type EntryKind, type TreeEntry } from '../src/index.js';

const ID_A = 'a'.repeat(40);
const ID_B = '0123456789abcdef0123456789abcdef01234567';

function raw(mode: string, name: string | Buffer, id: string): Buffer {
  return Buffer.concat([Buffer.from(mode + ' '), Buffer.from(name), Buffer.from([0]), Buffer.from(id, 'hex')]);
}

function treeErrorCode(content: Buffer): string | undefined {
  try {
    parseTree(content);
  } catch (err) {
    expect(err).to.be.instanceOf(ObjectsError);
    return (err as ObjectsError).code;
  }
  return undefined;
}

describe('tree codec', () => {
  it('parses entries in stored order with modes as written', () => {
    const content = Buffer.concat([raw('100664', 'z', ID_A), raw('040000', 'a', ID_B)]);
    expect(parseTree(content).map((e) => [e.mode, e.name.toString(), e.id])).to.deep.equal([
      ['100664', 'z', ID_A],
      ['040000', 'a', ID_B],
    ]);
  });

  it('parses an empty tree as no entries', () => {
    expect(parseTree(Buffer.alloc(0))).to.deep.equal([]);
  });

  it('keeps name bytes that are not UTF-8, including spaces and slashes', () => {
    const name = Buffer.from([0xc3, 0x28, 0x20, 0x2f, 0x7f]);
    expect(parseTree(raw('100644', name, ID_A))[0]!.name).to.deep.equal(name);
  });

  it('serializes back to the exact bytes parsed', () => {
    const content = Buffer.concat([raw('100755', 'b', ID_A), raw('40000', 'a', ID_B), raw('0100644', 'c', ID_A)]);
    expect(serializeTree(parseTree(content))).to.deep.equal(content);
  });

  it('writes entries in the order given, without sorting', () => {
    const entries: TreeEntry[] = [
      { mode: '100644', name: Buffer.from('z'), id: ID_A },
      { mode: '100644', name: Buffer.from('a'), id: ID_B },
    ];
    expect(serializeTree(entries)).to.deep.equal(Buffer.concat([raw('100644', 'z', ID_A), raw('100644', 'a', ID_B)]));
  });

  it('throws GITGATE_BAD_TREE for a truncated id', () => {
    expect(treeErrorCode(raw('100644', 'a', ID_A).subarray(0, -1))).to.equal('GITGATE_BAD_TREE');
  });

  it('throws GITGATE_BAD_TREE when the NUL after the name is missing', () => {
    expect(treeErrorCode(Buffer.from('100644 name-without-nul'))).to.equal('GITGATE_BAD_TREE');
  });

  it('throws GITGATE_BAD_TREE for an empty mode', () => {
    expect(treeErrorCode(raw('', 'a', ID_A))).to.equal('GITGATE_BAD_TREE');
  });

  it('throws GITGATE_BAD_TREE for a mode with a non-octal digit', () => {
    expect(treeErrorCode(raw('100844', 'a', ID_A))).to.equal('GITGATE_BAD_TREE');
  });

  it('throws GITGATE_BAD_TREE for an empty name', () => {
    expect(treeErrorCode(raw('100644', '', ID_A))).to.equal('GITGATE_BAD_TREE');
  });

  it('throws GITGATE_BAD_TREE for trailing bytes that are not a whole entry', () => {
    expect(treeErrorCode(Buffer.concat([raw('100644', 'a', ID_A), Buffer.from('1006')]))).to.equal('GITGATE_BAD_TREE');
  });

  it('reports the offset of the bad entry but none of its bytes', () => {
    const content = Buffer.concat([raw('100644', 'a', ID_A), Buffer.from('100644 secret-name')]);
    try {
      parseTree(content);
      expect.fail('parseTree accepted a malformed tree');
    } catch (err) {
      expect((err as ObjectsError).data).to.deep.equal({ offset: 36 });
      expect((err as Error).message).not.to.contain('secret');
    }
  });

  it('refuses to serialize a bad mode, name or id', () => {
    const ok: TreeEntry = { mode: '100644', name: Buffer.from('a'), id: ID_A };
    expect(() => serializeTree([{ ...ok, mode: '' }])).to.throw(TypeError);
    expect(() => serializeTree([{ ...ok, mode: '10064x' }])).to.throw(TypeError);
    expect(() => serializeTree([{ ...ok, name: Buffer.alloc(0) }])).to.throw(TypeError);
    expect(() => serializeTree([{ ...ok, name: Buffer.from('a\0b') }])).to.throw(TypeError);
    expect(() => serializeTree([{ ...ok, id: 'abc' }])).to.throw(TypeError);
  });

  it('classifies directories, with or without a leading zero, as trees', () => {
    expect(['40000', '040000', '0040000'].map(entryKind)).to.deep.equal(['tree', 'tree', 'tree']);
  });

  it('classifies 160000 as a gitlink', () => {
    expect(entryKind('160000')).to.equal('gitlink');
  });

  it('classifies files, odd file modes and symlinks as blobs', () => {
    expect(['100644', '100755', '100664', '120000', '644'].map(entryKind)).to.deep.equal(['blob', 'blob', 'blob', 'blob', 'blob']);
  });

  it('refuses to classify a mode that is not octal', () => {
    expect(() => entryKind('')).to.throw(TypeError);
    expect(() => entryKind('4000a')).to.throw(TypeError);
  });
});

describe('scanTree', () => {
  const scan = (content: Buffer): [EntryKind, string][] => {
    const seen: [EntryKind, string][] = [];
    scanTree(content, (kind, at) => seen.push([kind, content.toString('hex', at, at + 20)]));
    return seen;
  };

  it('visits every entry in stored order with its kind and the offset of its binary id', () => {
    const content = Buffer.concat([raw('100644', 'z', ID_A), raw('040000', 'a', ID_B), raw('160000', 'm', ID_B), raw('120000', 'l', ID_A)]);
    expect(scan(content)).to.deep.equal([['blob', ID_A], ['tree', ID_B], ['gitlink', ID_B], ['blob', ID_A]]);
  });

  it('judges every mode as entryKind does', () => {
    const modes = ['40000', '040000', '0040000', '160000', '100644', '100755', '100664', '120000', '644', '77777777777740000'];
    const content = Buffer.concat(modes.map((m, i) => raw(m, `n${i}`, ID_A)));
    expect(scan(content).map(([kind]) => kind)).to.deep.equal(modes.map(entryKind));
  });

  it('gives the offset of each name, which ends right before the id', () => {
    const name = Buffer.from([0xc3, 0x28, 0x20, 0x2f]);
    const content = Buffer.concat([raw('100644', 'first', ID_A), raw('40000', name, ID_B)]);
    const names: Buffer[] = [];
    scanTree(content, (_kind, at, nameStart) => names.push(content.subarray(nameStart, at - 1)));
    expect(names).to.deep.equal([Buffer.from('first'), name]);
  });

  it('visits nothing in an empty tree', () => {
    expect(scan(Buffer.alloc(0))).to.deep.equal([]);
  });

  it('throws GITGATE_BAD_TREE for every tree parseTree refuses', () => {
    const bad = [
      raw('100644', 'a', ID_A).subarray(0, -1), Buffer.from('100644 name-without-nul'), raw('', 'a', ID_A),
      raw('100844', 'a', ID_A), raw('100644', '', ID_A), Buffer.concat([raw('100644', 'a', ID_A), Buffer.from('1006')]),
    ];
    for (const content of bad) {
      expect(treeErrorCode(content)).to.equal('GITGATE_BAD_TREE');
      expect(() => scanTree(content, () => {})).to.throw(ObjectsError).with.property('code', 'GITGATE_BAD_TREE');
    }
  });

  it('visits the well-formed entries before a malformed one, and never the malformed one', () => {
    const content = Buffer.concat([raw('100644', 'a', ID_A), Buffer.from('100644 b')]);
    const seen: number[] = [];
    expect(() => scanTree(content, (_kind, at) => seen.push(at))).to.throw(ObjectsError);
    expect(seen).to.deep.equal([9]);
  });
});
