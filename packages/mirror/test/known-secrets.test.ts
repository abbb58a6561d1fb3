// Known secrets through RepoMirror.sync on real repositories: a value the vault holds is tokenized
// wherever it recurs, in the same sync (whatever the order blobs are read in) and in later ones.
import { expect } from 'chai';
import path from 'node:path';
import { matchableBare } from '@gitgate/scanner';
import {
  Upstream, allObjects, makeMirror, openDataEnv, randomAlnum, readObject, removeDir, revParse, tempDir, tokensIn, type DataEnv,
} from './helpers.js';

/** A random password that is matchable bare (letters and digits, no word-like runs). */
function password(): string {
  for (;;) {
    const v = randomAlnum(20);
    if (/[0-9]/.test(v) && matchableBare(Buffer.from(v))) return v;
  }
}

describe('known secrets in the rewrite', function () {
  this.timeout(60_000);
  let dir: string;
  let env: DataEnv;
  let up: Upstream;

  beforeEach(async () => {
    dir = tempDir();
    up = Upstream.create(path.join(dir, 'upstream.git'));
    env = await openDataEnv(path.join(dir, 'data'));
  });
  afterEach(async () => {
    await env.close();
    removeDir(dir);
  });

  function served(gitDir: string, rev: string): string {
    return readObject(gitDir, revParse(gitDir, rev)).content.toString('latin1');
  }

  for (const [envPath, testPath] of [['.env', 'tests/test_db.py'], ['zz/.env', 'aa/test_db.py']]) {
    it(`gives a plain string in ${testPath} the token of the same value in ${envPath} within one sync`, async () => {
      const pw = password();
      const c = up.commitFiles({ [envPath]: `DB_PASSWORD=${pw}\n`, [testPath]: `def test_connect():\n    connect("db", "${pw}")\n` }, 'init\n');
      up.setRef('refs/heads/main', c);
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const dotenv = tokensIn(served(m.sanitized.gitDir, `main:${envPath}`));
      const test = tokensIn(served(m.sanitized.gitDir, `main:${testPath}`));
      expect(dotenv).to.have.length(1);
      expect(test).to.deep.equal(dotenv);
      // No object of the served store holds the value, not even a stale first form of the test file.
      expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(pw))).to.equal(false);
    });
  }

  it('takes back the first rewritten form of a blob that is re-settled', async () => {
    const pw = password();
    const other = password();
    // The test file also holds a secret its own rule finds, so its first form is written to the pack.
    const files = { 'aa/test_db.py': `x = "${pw}"\nDB_PASSWORD=${other}\n`, 'zz/.env': `DB_PASSWORD=${pw}\n` };
    up.setRef('refs/heads/main', up.commitFiles(files, 'init\n'));
    const m = makeMirror(env, up.gitDir);
    await m.sync();
    expect(tokensIn(served(m.sanitized.gitDir, 'main:aa/test_db.py'))).to.have.length(2);
    expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(pw))).to.equal(false);
  });

  it('tokenizes a value in a new file of a later sync, without any context', async () => {
    const pw = password();
    const c1 = up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, 'one\n');
    up.setRef('refs/heads/main', c1);
    const m = makeMirror(env, up.gitDir);
    await m.sync();
    const token = tokensIn(served(m.sanitized.gitDir, 'main:.env'))[0]!;
    up.setRef('refs/heads/main', up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n`, 'notes.txt': `${pw}\n` }, 'two\n', [c1]));
    await m.sync();
    expect(served(m.sanitized.gitDir, 'main:notes.txt')).to.equal(`${token}\n`);
  });

  it('tokenizes a value another repository of the deployment revealed', async () => {
    const pw = password();
    await env.vault.put([{ token: env.vault.tokenFor('generic-secret', Buffer.from(pw)), type: 'generic-secret', secret: Buffer.from(pw), ruleId: 'generic-secret-assignment', repo: 'acme/other' }]);
    up.setRef('refs/heads/main', up.commitFiles({ 'fixture.json': `{"conn": "${pw}"}\n` }, 'one\n'));
    const m = makeMirror(env, up.gitDir);
    await m.sync();
    expect(served(m.sanitized.gitDir, 'main:fixture.json')).to.equal(`{"conn": "${env.vault.tokenFor('generic-secret', Buffer.from(pw))}"}\n`);
  });

  it('leaves short and low-entropy vault values alone where they stand bare', async () => {
    const values = ['Ab3dE9z', 'aaaa1111bbbb', 'wrong_auth'];
    await env.vault.put(values.map((v) => ({ token: env.vault.tokenFor('generic-secret', Buffer.from(v)), type: 'generic-secret', secret: Buffer.from(v), ruleId: 'generic-secret-assignment', repo: 'acme/other' })));
    const text = values.map((v) => `use(${v})\n`).join('');
    up.setRef('refs/heads/main', up.commitFiles({ 'app.py': text }, 'one\n'));
    const m = makeMirror(env, up.gitDir);
    await m.sync();
    expect(served(m.sanitized.gitDir, 'main:app.py')).to.equal(text);
  });

  it('tokenizes a known value in a commit message', async () => {
    const pw = password();
    const c1 = up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, 'one\n');
    up.setRef('refs/heads/main', up.commitFiles({ '.env': `DB_PASSWORD=${pw}\n` }, `rotate: the old one was ${pw}\n`, [c1]));
    const m = makeMirror(env, up.gitDir);
    await m.sync();
    const token = tokensIn(served(m.sanitized.gitDir, 'main:.env'))[0]!;
    expect(served(m.sanitized.gitDir, 'main')).to.include(`rotate: the old one was ${token}\n`);
  });

  it('matches nothing bare when the option is off', async () => {
    const pw = password();
    up.setRef('refs/heads/main', up.commitFiles({ 'zz/.env': `DB_PASSWORD=${pw}\n`, 'aa/test_db.py': `x = "${pw}"\n` }, 'init\n'));
    const m = makeMirror(env, up.gitDir, { knownSecrets: false });
    await m.sync();
    expect(served(m.sanitized.gitDir, 'main:aa/test_db.py')).to.equal(`x = "${pw}"\n`);
  });

  it('gives the same ids in a second deployment with the same key and inputs', async () => {
    const pw = password();
    up.setRef('refs/heads/main', up.commitFiles({ 'zz/.env': `DB_PASSWORD=${pw}\n`, 'aa/test_db.py': `x = "${pw}"\n` }, 'init\n'));
    const a = makeMirror(env, up.gitDir);
    await a.sync();
    const env2 = await openDataEnv(path.join(dir, 'data2'), { keyFrom: env.keyPath });
    try {
      const b = makeMirror(env2, up.gitDir);
      await b.sync();
      expect(revParse(b.sanitized.gitDir, 'main')).to.equal(revParse(a.sanitized.gitDir, 'main'));
    } finally {
      await env2.close();
    }
  });
});
