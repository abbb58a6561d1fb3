import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SanitizedStore } from '@gitgate/mirror';
import { startGateway } from '../src/index.js';
import { repoRoot, tempDir, cleanup } from './helpers/harness.js';

interface FuzzStats {
  total: number;
  classes: Record<string, number>;
  rules: Record<string, number>;
  disagreements: { index: number; kind: string; hex: string }[];
}
interface FuzzTarget {
  url: string;
  gitDir: string;
  ctx: { tips: string[]; known: Set<string> };
  maxBodyBytes: number;
  close(): Promise<void>;
}
/** scripts/lib/upload-pack-fuzz.mjs: the generator and classifier of scripts/fuzz-upload-pack.mjs. */
interface FuzzModule {
  REFUSAL_RULES: { name: string; doc: string }[];
  startFuzzTarget(o: { dir: string; startGateway: typeof startGateway }): Promise<FuzzTarget>;
  runFuzz(o: Record<string, unknown>): Promise<FuzzStats>;
  runGitDirect(store: SanitizedStore, version: 0 | 2, body: Buffer): Promise<{ code: number; stdout: Buffer }>;
  postGateway(url: string, version: 0 | 2, body: Buffer): Promise<{ status: number; body: Buffer }>;
  skeleton(out: Buffer): string;
  encodeItems(items: ({ t: 'line'; s: string } | { t: 'flush' } | { t: 'delim' })[]): Buffer;
}

describe('upload-pack requests: the gateway against git upload-pack (differential, seeded)', function () {
  this.timeout(120_000);
  let fuzz: FuzzModule;
  let target: FuzzTarget;
  let dir: string;

  before(async () => {
    fuzz = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'lib', 'upload-pack-fuzz.mjs')).href)) as FuzzModule;
    dir = tempDir('gitgate-fuzz-');
    target = await fuzz.startFuzzTarget({ dir, startGateway });
  });
  after(async () => {
    await target.close();
    cleanup(dir);
  });

  it('answers a libgit2 first want line (capabilities ending in a space) exactly as git upload-pack does', async () => {
    const tip = target.ctx.tips[0]!;
    const body = fuzz.encodeItems([
      { t: 'line', s: `want ${tip} multi_ack thin-pack side-band-64k ofs-delta \n` }, { t: 'flush' }, { t: 'line', s: 'done\n' },
    ]);
    const git = await fuzz.runGitDirect(new SanitizedStore(target.gitDir), 0, body);
    expect(git.code).to.equal(0);
    const gw = await fuzz.postGateway(target.url, 0, body);
    expect(gw.status).to.equal(200);
    expect(fuzz.skeleton(gw.body)).to.equal(fuzz.skeleton(git.stdout)).and.to.include('PACK');
  });

  /** Sends one body to git and to the gateway; returns both answers' skeletons. */
  async function both(version: 0 | 2, lines: string[]): Promise<{ git: string; gateway: string; status: number }> {
    const body = fuzz.encodeItems(lines.map((s) => (s === '0000' ? { t: 'flush' as const } : s === '0001' ? { t: 'delim' as const } : { t: 'line' as const, s })));
    const git = await fuzz.runGitDirect(new SanitizedStore(target.gitDir), version, body);
    const gw = await fuzz.postGateway(target.url, version, body);
    return { git: fuzz.skeleton(git.stdout), gateway: fuzz.skeleton(gw.body), status: gw.status };
  }

  it('answers a v2 round of unknown haves without done with acknowledgments and NAK, as git does, not a pack', async () => {
    const tip = target.ctx.tips[0]!;
    const r = await both(2, ['command=fetch\n', 'object-format=sha1\n', '0001', 'ofs-delta\n', `want ${tip}\n`, `have ${'1'.repeat(40)}\n`, `have ${'2'.repeat(40)}\n`, '0000']);
    expect(r.git).to.equal('acknowledgments|NAK|0000');
    expect(r.gateway).to.equal(r.git);
  });

  it('refuses a v2 session-id capability it does not advertise, as git does, also for ls-refs it answers itself', async () => {
    const r = await both(2, ['command=ls-refs\n', 'agent=git/2.39.5\n', 'session-id=abc\n', '0001', 'peel\n', '0000']);
    expect(r.git).to.equal('');
    expect(r.gateway).to.equal('ERR');
  });

  it('answers only the first v0 have round of a body, as git does, even when a done follows', async () => {
    const [tip, other] = target.ctx.tips;
    const r = await both(0, [`want ${tip} multi_ack_detailed side-band-64k\n`, '0000', `have ${other}\n`, '0000', `have ${tip}\n`, 'done\n']);
    expect(r.git).to.not.include('PACK');
    expect(r.gateway).to.equal(r.git);
  });

  it('accepts a later v0 want line that ends in a space, as git does', async () => {
    const [tip, other] = target.ctx.tips;
    const r = await both(0, [`want ${tip} side-band-64k\n`, `want ${other} \n`, '0000', 'done\n']);
    expect(r.status).to.equal(200);
    expect(r.gateway).to.equal(r.git).and.to.include('PACK');
  });

  it('never fails and refuses only where git refuses or a named rule refuses, over 300 seeded requests', async () => {
    const stats = await fuzz.runFuzz({
      seed: 'suite', count: 300, concurrency: 3, url: target.url, gitDir: target.gitDir, ctx: target.ctx,
      store: new SanitizedStore(target.gitDir), maxBodyBytes: target.maxBodyBytes,
    });
    expect(stats.total).to.equal(300);
    expect(stats.disagreements.map((d) => `${d.kind} #${d.index}\n${d.hex}`)).to.deep.equal([]);
    // The run exercises both sides: requests git and the gateway both serve, and deliberate refusals.
    expect(stats.classes['both-accepted'] ?? 0).to.be.greaterThan(20);
    expect(stats.classes['refused-by-rule'] ?? 0).to.be.greaterThan(20);
  });

  it('lists every refusal rule of the fuzzer in docs/architecture.md', () => {
    const doc = readFileSync(join(repoRoot(), 'docs', 'architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## What the request parser refuses on purpose'));
    expect(section.length).to.be.lessThan(doc.length);
    for (const rule of fuzz.REFUSAL_RULES) expect(section, rule.name).to.include(`\`${rule.name}\``);
  });
});
