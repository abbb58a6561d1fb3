import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  hashObject,
  headerValue,
  parseHeadered,
  parseTree,
  serializeHeadered,
  serializeTree,
  splitTagSignature,
  unfoldHeaderValue,
} from '../src/index.js';
import { buildFixtureRepo, type FixtureRepo } from './fixture-repo.js';
import { git, makeTempDir, readAllObjects, removeTempDir, type RawObject } from './git-helpers.js';

/** Parses and re-serializes one object; returns the bytes the codecs produce. */
function roundTrip(o: RawObject): Buffer {
  switch (o.type) {
    case 'tree':
      return serializeTree(parseTree(o.content));
    case 'commit':
    case 'tag':
      return serializeHeadered(parseHeadered(o.content));
    case 'blob':
      return o.content;
  }
}

/** Ids of objects whose round trip or hash does not reproduce git's bytes or id. */
function mismatches(objects: readonly RawObject[]): string[] {
  return objects.filter((o) => !roundTrip(o).equals(o.content) || hashObject(o.type, roundTrip(o)) !== o.id).map((o) => o.id);
}

describe('round trip against real repositories', function () {
  this.timeout(60_000);
  let dir: string;
  let repo: FixtureRepo;
  let objects: RawObject[];
  let byId: Map<string, RawObject>;

  before(() => {
    dir = makeTempDir();
    repo = buildFixtureRepo(dir);
    objects = readAllObjects(dir);
    byId = new Map(objects.map((o) => [o.id, o]));
  });
  after(() => removeTempDir(dir));

  it('reproduces every object of the generated repository byte for byte with the same id', () => {
    expect(objects.length).to.be.greaterThan(20);
    expect(new Set(objects.map((o) => o.type))).to.have.keys('blob', 'tree', 'commit', 'tag');
    expect(mismatches(objects)).to.deep.equal([]);
  });

  it('includes every hand-built oddity in that round trip', () => {
    for (const id of Object.values(repo.odd)) expect(byId.has(id), id).to.equal(true);
  });

  it('keeps odd modes and unsorted entries of a tree as stored', () => {
    const entries = parseTree(byId.get(repo.odd.tree)!.content);
    expect(entries.map((e) => e.mode)).to.deep.equal(['100664', '040000', '100644', '160000', '120000', '40000']);
    expect(entries[2]!.name).to.deep.equal(Buffer.from([0xff, 0x01, 0x20, 0x5c, 0x78, 0x0d]));
  });

  it('keeps a gpgsig header whole, continuation lines included', () => {
    const parsed = parseHeadered(byId.get(repo.odd.signedCommit)!.content);
    expect(parsed.headers.map((h) => h.key)).to.deep.equal([
      'tree', 'parent', 'parent', 'author', 'committer', 'mergetag', 'encoding', 'gpgsig', 'gpgsig-sha256', 'x-unknown-header', 'x-empty',
    ]);
    const gpgsig = parsed.headers.find((h) => h.key === 'gpgsig')!;
    expect(headerValue(gpgsig).toString()).to.match(/^-----BEGIN PGP SIGNATURE-----\n \n iQ/);
    expect(parsed.message!.toString('latin1')).to.equal('Subject caf\xe9\r\n\r\nbody line\r\n');
  });

  it('unfolds a mergetag header into the tag object it embeds', () => {
    const parsed = parseHeadered(byId.get(repo.odd.signedCommit)!.content);
    const embedded = Buffer.concat([unfoldHeaderValue(headerValue(parsed.headers.find((h) => h.key === 'mergetag')!)), Buffer.from('\n')]);
    expect(hashObject('tag', embedded)).to.equal(git(dir, ['rev-parse', 'v1.0']).toString().trim());
  });

  it('splits tag signatures exactly where git does', () => {
    for (const tag of ['v1.0', 'v2.0', 'v3.0']) {
      const content = byId.get(git(dir, ['rev-parse', tag]).toString().trim())!.content;
      const { signature } = splitTagSignature(parseHeadered(content).message!);
      const gitSignature = git(dir, ['for-each-ref', '--format=%(contents:signature)', `refs/tags/${tag}`]);
      // for-each-ref ends each ref's output with one '\n'.
      expect(Buffer.concat([signature ?? Buffer.alloc(0), Buffer.from('\n')]), tag).to.deep.equal(gitSignature);
    }
  });

  it('reproduces every object of the project repository, or of the generated one while it has none', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const top = git(here, ['rev-parse', '--show-toplevel']).toString().trim();
    const own = readAllObjects(top);
    const subject = own.length > 0 ? own : objects;
    expect(subject.length).to.be.greaterThan(0);
    expect(mismatches(subject)).to.deep.equal([]);
  });
});
