// Held pushes (push.requireApproval): a proven push waits on disk, goes upstream only when released, under
// the leases it recorded, and leaves nothing behind once released or discarded.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ZERO_OID, heldReason, type PushOutcome, type RepoMirror } from '../src/index.js';
import { agentClone, commitAll, packOf } from './agent-work.js';
import { fakeGithubPat, makeMirror, readObject, refsOf, revParse, tokensIn, upstreamPerTest, type DataEnv } from './helpers.js';

describe('held pushes (RepoMirror.receive with hold, releaseHeld, discardHeld)', function () {
  this.timeout(60_000);
  const t = upstreamPerTest();
  let env: DataEnv;
  let m: RepoMirror;
  let secret: string;
  let base: string;

  beforeEach(async () => {
    env = await t.open('data');
    secret = fakeGithubPat();
    base = t.up.commitFiles({ 'deploy/app.env': `GITHUB_TOKEN=${secret}\nREGION=eu\n` }, 'base\n');
    t.up.setRef('refs/heads/main', base);
    t.up.setHead('refs/heads/main');
    m = makeMirror(env, t.up.gitDir);
    await m.sync();
  });

  /** The agent changes the env file (keeping its token) and pushes it to refs/heads/agent/x, held. */
  async function heldPush(): Promise<{ out: PushOutcome; pushed: string; token: string }> {
    const work = agentClone(m, t.dir);
    const served = fs.readFileSync(path.join(work, 'deploy/app.env'), 'utf8');
    const pushed = commitAll(work, { 'deploy/app.env': served.replace('REGION=eu', 'REGION=us') }, 'move to us\n');
    const main = revParse(m.sanitized.gitDir, 'refs/heads/main');
    const out = await m.receive({
      commands: [{ ref: 'refs/heads/agent/x', oldId: ZERO_OID, newId: pushed }], pack: packOf(work, pushed, main), atomic: false,
      rules: () => ({ ok: true }), hold: { pusher: 'agent-1' },
    });
    return { out, pushed, token: tokensIn(served)[0]! };
  }

  const repoDir = (): string => path.join(env.dir, 'repos', fs.readdirSync(path.join(env.dir, 'repos'))[0]!);
  const heldDirs = (): string[] => {
    const held = path.join(repoDir(), 'held');
    return fs.existsSync(held) ? fs.readdirSync(held) : [];
  };

  it('answers a held ref with ng and the held sentence, and sends nothing upstream', async () => {
    const { out } = await heldPush();
    expect(out.held).to.be.a('string');
    expect(out.refs[0]).to.include({ ok: false, held: out.held, reason: heldReason(out.held!) });
    expect(out.refs[0]!.reason).to.equal(`held for approval: push request ${out.held}; it goes upstream once an approver allows it`);
    expect(refsOf(t.up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(refsOf(m.sanitized.gitDir).has('refs/heads/agent/x')).to.equal(false);
  });

  it('keeps the held objects and record in a mode 0700 directory under the repository, and no quarantine', async () => {
    const { out, token } = await heldPush();
    expect(heldDirs()).to.deep.equal([out.held]);
    expect(m.heldPushes()).to.deep.equal([out.held]);
    const held = path.join(repoDir(), 'held', out.held!);
    expect(fs.statSync(held).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(path.join(repoDir(), 'held')).mode & 0o777).to.equal(0o700);
    expect(fs.readdirSync(repoDir()).filter((n) => n.startsWith('push-'))).to.deep.equal([]);
    const record = m.heldPush(out.held!);
    expect(record).to.deep.include({ id: out.held, repo: m.name, pusher: 'agent-1', tokensRestored: [token], commits: 1 });
    expect(record.refs[0]).to.include({ ref: 'refs/heads/agent/x', upstreamRef: 'refs/heads/agent/x', upstreamOldId: null });
  });

  it('pushes a held push upstream only on release, with the value restored, and serves it at the pushed id', async () => {
    const { out, pushed } = await heldPush();
    const released = await m.releaseHeld(out.held!);
    expect(released.refs[0]).to.include({ ok: true, ref: 'refs/heads/agent/x' });
    const tip = refsOf(t.up.gitDir).get('refs/heads/agent/x')!;
    expect(tip).to.equal(released.refs[0]!.upstreamNewId);
    expect(readObject(t.up.gitDir, revParse(t.up.gitDir, `${tip}:deploy/app.env`)).content.toString()).to.equal(`GITHUB_TOKEN=${secret}\nREGION=us\n`);
    expect(refsOf(m.sanitized.gitDir).get('refs/heads/agent/x')).to.equal(pushed);
    expect(heldDirs()).to.deep.equal([]);
  });

  it('refuses the release as non-fast-forward when upstream moved the ref meanwhile, and keeps nothing', async () => {
    const { out } = await heldPush();
    const other = t.up.commitFiles({ 'src/other.js': 'other();\n' }, 'upstream work\n', [base]);
    t.up.setRef('refs/heads/agent/x', other);
    const released = await m.releaseHeld(out.held!);
    expect(released.refs[0]!.ok).to.equal(false);
    expect(released.refs[0]!.reason).to.match(/^non-fast-forward/);
    expect(refsOf(t.up.gitDir).get('refs/heads/agent/x')).to.equal(other);
    expect(heldDirs()).to.deep.equal([]);
  });

  it('discards a held push: nothing upstream, nothing left on disk, and it cannot be released after', async () => {
    const { out } = await heldPush();
    expect(await m.discardHeld(out.held!)).to.equal(true);
    expect(heldDirs()).to.deep.equal([]);
    expect(refsOf(t.up.gitDir).has('refs/heads/agent/x')).to.equal(false);
    expect(await m.discardHeld(out.held!)).to.equal(false);
    await m.releaseHeld(out.held!).then(() => expect.fail('released'), (e: { code?: string }) => expect(e.code).to.equal('GITGATE_HELD_PUSH_UNKNOWN'));
  });

  it('refuses an id that is not a held push id instead of reading outside the held directory', async () => {
    await m.releaseHeld('../upstream.git').then(() => expect.fail('released'), (e: { code?: string }) => expect(e.code).to.equal('GITGATE_HELD_PUSH_UNKNOWN'));
  });
});
