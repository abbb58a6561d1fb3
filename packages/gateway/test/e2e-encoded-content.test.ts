import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomChars } from '@gitgate/testkit';
import { startGateway, type Gateway } from '../src/index.js';
import { allObjects, cleanup, git, gitOk, revealTokens, tempDir } from './helpers/harness.js';

/**
 * The leak of issue 10 hole 2: a UTF-16LE PowerShell file, an .env.gz and a .zip holding an .env,
 * each carrying secrets, plus a zip bomb; cloned through a real gateway with the real git client.
 */
describe('e2e: secrets inside encoded files', function () {
  this.timeout(120_000);
  let dir: string;
  let gw: Gateway;
  let checkout: string;
  let bare: string;
  const githubPat = (): string => 'gh' + 'p_' + randomChars(36);
  const planted = { ps1: githubPat(), gz: githubPat(), gzPassword: randomChars(24), zip: githubPat(), zipSecret: randomChars(32) };
  const values = Object.values(planted);

  before(async () => {
    dir = tempDir();
    const work = join(dir, 'work');
    const outside = join(dir, 'outside');
    mkdirSync(join(work, 'scripts'), { recursive: true });
    mkdirSync(join(work, 'config'), { recursive: true });
    mkdirSync(outside);
    await gitOk(['init', '-q', '-b', 'main', work]);
    // PowerShell's Out-File default: UTF-16LE with a BOM.
    const ps1 = `# set up the build agent\r\n$env:GITHUB_TOKEN = "${planted.ps1}"\r\nWrite-Host "ready"\r\n`;
    writeFileSync(join(work, 'scripts', 'setup.ps1'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ps1, 'utf16le')]));
    writeFileSync(join(work, 'config', '.env.gz'), gzipSync(Buffer.from(`GITHUB_TOKEN=${planted.gz}\nDB_PASSWORD=${planted.gzPassword}\nLOG_LEVEL=debug\n`)));
    writeFileSync(join(outside, '.env'), `GITHUB_TOKEN=${planted.zip}\nAPI_SECRET=${planted.zipSecret}\n`);
    writeFileSync(join(outside, 'README.md'), '# deploy bundle\n'.repeat(20));
    execFileSync('zip', ['-q', join(work, 'bundle.zip'), '.env', 'README.md'], { cwd: outside });
    writeFileSync(join(outside, 'zeros.bin'), Buffer.alloc(16 * 1024 * 1024));
    execFileSync('zip', ['-q', join(work, 'bomb.zip'), 'zeros.bin'], { cwd: outside });
    writeFileSync(join(work, 'README.md'), '# service\n');
    await gitOk(['-C', work, 'add', '-A']);
    await gitOk(['-C', work, 'commit', '-q', '-m', 'add deploy files']);
    const upstream = join(dir, 'upstream', 'enc.git');
    await gitOk(['clone', '-q', '--bare', work, upstream]);
    gw = await startGateway({ port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, repos: [{ name: 'acme/enc', upstream: { url: upstream } }] });
    checkout = join(dir, 'clone');
    bare = join(dir, 'clone-bare.git');
    const url = `${gw.url}/acme/enc.git`;
    const r = await git(['clone', '-q', url, checkout]);
    expect(r.code, r.stderr).to.equal(0);
    await gitOk(['clone', '-q', '--bare', url, bare]);
  });
  after(async () => {
    await gw?.close();
    cleanup(dir);
  });

  /** The three leaking files as a user would read them: gunzip, unzip, iconv. */
  const decodedCheckout = (): Record<string, string> => ({
    ps1: execFileSync('iconv', ['-f', 'UTF-16', '-t', 'UTF-8', join(checkout, 'scripts', 'setup.ps1')]).toString('utf8'),
    gz: execFileSync('gunzip', ['-c', join(checkout, 'config', '.env.gz')]).toString('latin1'),
    zip: execFileSync('unzip', ['-p', join(checkout, 'bundle.zip'), '.env']).toString('latin1'),
  });

  it('serves no planted value in any object, in UTF-8 or UTF-16LE', async () => {
    const objects = Buffer.from(await allObjects(bare), 'latin1');
    expect(objects.length).to.be.greaterThan(0);
    for (const v of values) {
      expect(objects.includes(Buffer.from(v)), 'a planted value leaked').to.equal(false);
      expect(objects.includes(Buffer.from(v, 'utf16le')), 'a planted value leaked in UTF-16').to.equal(false);
    }
  });

  it('checks out files that still decode (iconv, gunzip, unzip) and hold no planted value', () => {
    const decoded = decodedCheckout();
    for (const text of Object.values(decoded)) for (const v of values) expect(text.includes(v), 'a planted value leaked').to.equal(false);
    expect(decoded.ps1).to.match(/^\uFEFF?# set up the build agent\r\n\$env:GITHUB_TOKEN = "\[\[TOKEN_github-pat_[A-Z2-7]+\]\]"\r\nWrite-Host "ready"\r\n$/);
    expect(decoded.gz).to.match(/^GITHUB_TOKEN=\[\[TOKEN_github-pat_[A-Z2-7]+\]\]\nDB_PASSWORD=\[\[TOKEN_[a-z-]+_[A-Z2-7]+\]\]\nLOG_LEVEL=debug\n$/);
    expect(execFileSync('unzip', ['-p', join(checkout, 'bundle.zip'), 'README.md']).toString()).to.equal('# deploy bundle\n'.repeat(20));
  });

  it('puts each planted value behind a token that the vault reveals', async () => {
    const decoded = decodedCheckout();
    const revealed = new Set((await revealTokens(gw, Object.values(decoded).join('\n'))).values());
    for (const v of values) expect(revealed.has(v), 'a planted value has no token').to.equal(true);
  });

  it('withholds the zip over the expansion bound and serves the clean file unchanged', () => {
    expect(readFileSync(join(checkout, 'bomb.zip'), 'latin1')).to.match(/^gitgate: this file \(\d+ bytes\) could not be scanned for secrets and was withheld\.\n$/);
    expect(readFileSync(join(checkout, 'README.md'), 'latin1')).to.equal('# service\n');
  });
});
