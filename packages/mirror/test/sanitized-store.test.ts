// The served store's guard against borrowing objects from elsewhere (invariant 1).
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MirrorError, SanitizedStore } from '../src/index.js';
import { git, hasObject, removeDir, tempDir } from './helpers.js';

describe('SanitizedStore', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { removeDir(dir); });

  it('leaves one pack with a bitmap holding every object after a full repack', async () => {
    const store = new SanitizedStore(path.join(dir, 'sanitized.git'));
    await store.init();
    const tips: string[] = [];
    for (let i = 0; i < 3; i++) {
      const blob = git(store.gitDir, ['hash-object', '-w', '--stdin'], `file ${i}\n`).toString().trim();
      const tree = git(store.gitDir, ['mktree'], `100644 blob ${blob}\tf${i}.txt\n`).toString().trim();
      tips.push(git(store.gitDir, ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.test', 'commit-tree', tree, '-m', `c${i}`, ...(i > 0 ? ['-p', tips[i - 1]!] : [])]).toString().trim());
      // A pack per commit, as several syncs leave them.
      git(store.gitDir, ['update-ref', 'refs/heads/main', tips[i]!]);
      git(store.gitDir, ['repack', '-q', '--no-write-bitmap-index']);
    }
    expect(store.packCount()).to.be.greaterThan(1);
    await store.repack({ full: true });
    const packDir = path.join(store.gitDir, 'objects', 'pack');
    expect(store.packCount()).to.equal(1);
    expect(fs.readdirSync(packDir).filter((f) => f.endsWith('.bitmap'))).to.have.length(1);
    for (const id of tips) expect(hasObject(store.gitDir, id)).to.equal(true);
  });

  it('removes what a dead sync left in the pack directory as the next sync starts, and nothing else', async () => {
    const store = new SanitizedStore(path.join(dir, 'sanitized.git'));
    await store.init();
    const blob = git(store.gitDir, ['hash-object', '-w', '--stdin'], 'kept\n').toString().trim();
    git(store.gitDir, ['repack', '-q', '-a', '-d']);
    const packDir = store.packDir();
    const hex = (n: number): string => 'a1b2c3d4e5f6a7b8c9d0'.repeat(2).slice(0, n);
    const dead = store.tempPackPath();
    expect(path.dirname(dead)).to.equal(packDir);
    // What a writer, a finished uninstalled pack and an unrenamed index look like after a crash.
    const leftovers = [`.${path.basename(dead)}.${hex(12)}.tmp`, path.basename(dead), `tmp-${hex(40)}.idx`];
    // git's own temp files (a background repack may be writing them) and anything else stay.
    const others = ['tmp_pack_Ab12Cd', `.tmp-123-pack-${hex(40)}.pack`, 'tmp-gitgate-notours.pack', `tmp-gitgate-${hex(12)}.pack.keep`];
    for (const f of [...leftovers, ...others]) fs.writeFileSync(path.join(packDir, f), 'x');
    const before = fs.readdirSync(packDir).filter((f) => /^pack-/.test(f)).sort();
    await store.init();
    const after = fs.readdirSync(packDir);
    for (const f of leftovers) expect(after, f).to.not.include(f);
    for (const f of [...others, ...before]) expect(after, f).to.include(f);
    expect(hasObject(store.gitDir, blob)).to.equal(true);
  });

  it('creates a bare repository without alternates', async () => {
    const store = new SanitizedStore(path.join(dir, 'sanitized.git'));
    await store.init();
    expect(fs.existsSync(path.join(store.gitDir, 'HEAD'))).to.equal(true);
    expect(fs.existsSync(path.join(store.gitDir, 'objects', 'info', 'alternates'))).to.equal(false);
  });

  it('refuses to open a store that has objects/info/alternates', async () => {
    const store = new SanitizedStore(path.join(dir, 'sanitized.git'));
    await store.init();
    fs.mkdirSync(path.join(store.gitDir, 'objects', 'info'), { recursive: true });
    fs.writeFileSync(path.join(store.gitDir, 'objects', 'info', 'alternates'), '/elsewhere/objects\n');
    let failed: unknown;
    await store.init().catch((e: unknown) => { failed = e; });
    expect(failed).to.be.instanceOf(MirrorError);
    expect((failed as MirrorError).code).to.equal('GITGATE_REWRITE_FAILED');
  });

  it('refuses to open a store that has objects/info/http-alternates', async () => {
    const store = new SanitizedStore(path.join(dir, 'sanitized.git'));
    await store.init();
    fs.mkdirSync(path.join(store.gitDir, 'objects', 'info'), { recursive: true });
    fs.writeFileSync(path.join(store.gitDir, 'objects', 'info', 'http-alternates'), 'http://127.0.0.1:1/objects\n');
    let failed: unknown;
    await store.init().catch((e: unknown) => { failed = e; });
    expect((failed as MirrorError)?.code).to.equal('GITGATE_REWRITE_FAILED');
  });
});
