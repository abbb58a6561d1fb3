// The served store's guard against borrowing objects from elsewhere (invariant 1).
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MirrorError, SanitizedStore } from '../src/index.js';
import { removeDir, tempDir } from './helpers.js';

describe('SanitizedStore', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { removeDir(dir); });

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
