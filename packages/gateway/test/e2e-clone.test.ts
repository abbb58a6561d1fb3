import { expect } from 'chai';
import { readFileSync, readdirSync, statSync, lstatSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { git, gitOk, allObjects, revealTokens, demoGatewayPerSuite } from './helpers/harness.js';

/** Every regular file and symlink below a work tree (not .git), relative path → bytes. */
function worktree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(relative(dir, p), Buffer.from(`symlink:${readlinkSync(p)}`));
      else if (st.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('e2e: clone through the gateway', function () {
  this.timeout(120_000);
  const suite = demoGatewayPerSuite();

  const expectSecretFree = async (gitDir: string): Promise<string> => {
    const text = await allObjects(gitDir);
    for (const s of suite.demo.secrets) expect(text.includes(s.value.trim()), `planted ${s.type} (${s.where}) leaked`).to.equal(false);
    return text;
  };

  for (const [label, config] of [['protocol v2', []], ['protocol v0', ['-c', 'protocol.version=0']]] as const) {
    it(`clones every branch and tag with ${label}, passes fsck, and holds no planted secret`, async () => {
      const dest = join(suite.work, `clone-${label.replace(' ', '')}`);
      const r = await git([...config, 'clone', '--bare', suite.demo.url, dest]);
      expect(r.code, r.stderr).to.equal(0);
      await gitOk(['--git-dir', dest, 'fsck', '--full', '--strict']);
      const text = await expectSecretFree(dest);
      const revealed = [...(await revealTokens(suite.demo.gw, text)).values()];
      for (const s of suite.demo.secrets) {
        expect(revealed.some((v) => v.includes(s.value.trim())), `no token stands for ${s.type} (${s.where})`).to.equal(true);
      }
      const upstreamRefs = (await gitOk(['--git-dir', suite.demo.upstream, 'for-each-ref', '--format=%(refname)'])).split('\n').filter(Boolean);
      const cloneRefs = (await gitOk(['--git-dir', dest, 'for-each-ref', '--format=%(refname)'])).split('\n').filter(Boolean);
      expect(cloneRefs).to.deep.equal(upstreamRefs);
    });
  }

  it('shows the gateway notice on side-band 2 during clone', async () => {
    const dest = join(suite.work, 'clone-progress');
    const r = await git(['clone', '--progress', suite.demo.url, dest]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('remote: gitgate: serving sanitized acme/api');
  });

  it('checks out trees that differ from upstream only at the secret spans', async () => {
    const up = join(suite.work, 'side-up');
    const san = join(suite.work, 'side-san');
    await gitOk(['clone', '-q', suite.demo.upstream, up]);
    await gitOk(['clone', '-q', suite.demo.url, san]);
    const a = worktree(up);
    const b = worktree(san);
    const tokens = await revealTokens(suite.demo.gw, [...b.values()].map((x) => x.toString('latin1')).join('\n'));
    // Longest secrets first, so a secret that contains another is replaced whole.
    const bySecret = [...tokens.entries()].sort((x, y) => y[1].length - x[1].length);
    expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
    let compared = 0;
    for (const [path, bytes] of a) {
      let expected = bytes.toString('latin1');
      for (const [token, secret] of bySecret) expected = expected.split(secret).join(token);
      expect(b.get(path)!.toString('latin1'), path).to.equal(expected);
      compared++;
    }
    expect(compared).to.be.greaterThan(5);
    expect(statSync(join(san, 'scripts')).isDirectory()).to.equal(true);
  });
});
