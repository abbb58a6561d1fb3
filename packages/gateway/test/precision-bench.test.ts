// scripts/bench-precision.mjs's machinery on a small repository built here: the figures it prints
// (MB of blob versions, kinds of findings, verdicts, objects rewritten) are computed right. Not timed.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GIT_ENV, randomChars, removeDirs, repoRoot, tempDir } from '@gitgate/testkit';

interface Finding {
  rule: string; path: string; line: number; masked: string; fingerprint: string; kind: string; verdict: string;
}
interface Judgement { rule: string; path: string; line?: string; fingerprint?: string; verdict: 'true' | 'false'; reason: string }
interface Size { objects: number; blobs: number; bytes: number; mb: number }
interface Row { findings: number; inCode: number; judgedTrue: number; judgedFalse: number; unjudged: number; falseFindings: number; falsePerMb: number; rewritten: number; rewrittenShare: number; kinds: Record<string, number> }
/** scripts/lib/precision-*.mjs, the steps of scripts/bench-precision.mjs. */
interface Lib {
  judge: {
    alignTokens(up: Buffer, san: Buffer): { token: string; start: number; end: number }[] | null;
    classifyValue(o: { path: string; before: string; value: string; after: string }): string | null;
    fingerprint(value: string): string;
  };
  git: { prepareUpstream(source: string, dest: string): string[] };
  serve: {
    startServe(o: { dir: string; repos: { name: string; upstream: string }[]; scanner?: unknown }): Promise<{ url: string; dataDir: string; stop(): Promise<void> }>;
    cloneThrough(url: string, dest: string): Promise<string>;
  };
  measure: {
    locateFindings(o: { dataDir: string; repo: string; upstreamGitDir: string; cloneGitDir: string; judgements: Judgement[] }): Promise<Finding[]>;
    upstreamSize(gitDir: string): Size;
    rewrittenObjects(dataDir: string, repo: string): Promise<{ rewritten: number; byType: Record<string, number> }>;
    summarize(o: { name: string; size: Size; rewrite: { rewritten: number; byType: Record<string, number> }; findings: Finding[] }): Row;
  };
}

async function loadLib(): Promise<Lib> {
  const load = (f: string): Promise<unknown> => import(pathToFileURL(join(repoRoot(), 'scripts', 'lib', f)).href);
  return {
    judge: (await load('precision-judge.mjs')) as Lib['judge'],
    git: (await load('precision-git.mjs')) as Lib['git'],
    serve: (await load('precision-serve.mjs')) as Lib['serve'],
    measure: (await load('precision-measure.mjs')) as Lib['measure'],
  };
}

function git(args: string[], cwd?: string): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** A custom rule (config `scanner.rules`) that takes whatever follows `gizmo =`: identifiers included, on purpose. */
const GIZMO_RULE = { id: 'gizmo-test', type: 'gizmo-test', description: 'planted', regex: 'gizmo\\s*=\\s*(?<secret>[^\\s;]+)', keywords: ['gizmo'] };

describe('bench:precision machinery (scripts/lib/precision-*.mjs) on a fixture repository', function () {
  this.timeout(120_000);
  let lib: Lib;
  let dir: string;
  let literal: string;
  let files: Map<string, number>;
  let size: Size;
  let findings: Finding[];
  let row: Row;
  let upstreamOnlyIds: number;

  before(async () => {
    lib = await loadLib();
    dir = tempDir('gitgate-precision-test-');
    literal = randomChars(24);
    const work = join(dir, 'work');
    mkdirSync(join(work, 'src'), { recursive: true });
    mkdirSync(join(work, 'config'));
    git(['init', '--quiet', '-b', 'main', work]);
    const contents: [string, string][] = [
      ['src/member.ts', 'export function f(this: { opts: { gizmoValue: string } }) {\n  const gizmo = this.opts.gizmoValue;\n  return gizmo;\n}\n'],
      ['src/plain.ts', 'const fallbackGizmo = "";\nexport const gizmo = fallbackGizmo;\n'],
      ['config/app.env', `gizmo = ${literal}\n`],
      ['config/other.ini', `[x]\ngizmo = ${randomChars(20)}\n`],
      ['README.md', '# fixture\n'],
    ];
    files = new Map();
    for (const [p, text] of contents) {
      writeFileSync(join(work, p), text);
      files.set(text, Buffer.byteLength(text));
    }
    git(['add', '.'], work);
    git(['commit', '--quiet', '-m', 'first'], work);
    const readme = '# fixture\n\nsecond version of the readme\n';
    writeFileSync(join(work, 'README.md'), readme);
    files.set(readme, Buffer.byteLength(readme));
    git(['commit', '--quiet', '-am', 'second'], work);
    const source = join(dir, 'source.git');
    git(['clone', '--quiet', '--bare', work, source]);

    const upstream = join(dir, 'up.git');
    expect(lib.git.prepareUpstream(source, upstream)).to.deep.equal([]);
    const gw = await lib.serve.startServe({ dir, repos: [{ name: 'bench/fixture', upstream }], scanner: { rules: [GIZMO_RULE] } });
    const clone = join(dir, 'clone.git');
    try {
      await lib.serve.cloneThrough(`${gw.url}/bench/fixture.git`, clone);
    } finally {
      await gw.stop();
    }
    const judgements: Judgement[] = [{ rule: 'gizmo-test', path: 'config/*.env', fingerprint: lib.judge.fingerprint(literal), verdict: 'true', reason: 'the planted literal' }];
    findings = (await lib.measure.locateFindings({ dataDir: gw.dataDir, repo: 'bench/fixture', upstreamGitDir: upstream, cloneGitDir: clone, judgements }))
      .filter((f) => f.rule === 'gizmo-test');
    size = lib.measure.upstreamSize(upstream);
    row = lib.measure.summarize({ name: 'fixture', size, rewrite: await lib.measure.rewrittenObjects(gw.dataDir, 'bench/fixture'), findings });
    // Independently: an upstream object is rewritten exactly when its id is not in the clone.
    const cloneIds = new Set(git(['--git-dir', clone, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).split('\n'));
    upstreamOnlyIds = git(['--git-dir', upstream, 'rev-list', '--objects', '--all']).split('\n').filter(Boolean).filter((l) => !cloneIds.has(l.slice(0, 40))).length;
  });
  after(() => removeDirs(dir));

  it('counts MB of blob versions as the bytes of every distinct blob reachable from heads and tags', () => {
    const bytes = [...files.values()].reduce((a, b) => a + b, 0);
    expect(size.blobs).to.equal(files.size);
    expect(size.bytes).to.equal(bytes);
    expect(size.mb).to.equal(bytes / 1e6);
  });

  it('classifies a planted hit on an identifier as identifier, on a member expression as member', () => {
    const byPath = new Map(findings.map((f) => [f.path, f]));
    expect(byPath.get('src/plain.ts')).to.include({ kind: 'identifier', line: 2 });
    expect(byPath.get('src/member.ts')).to.include({ kind: 'member', line: 2 });
    expect(row.kinds).to.include({ identifier: 1, member: 1 });
    expect(row.inCode).to.equal(2);
  });

  it('keeps a literal in a config file a literal, judged by its fingerprint, with the value masked', () => {
    const f = findings.find((x) => x.path === 'config/app.env');
    expect(f).to.include({ kind: 'literal', verdict: 'true', line: 1 });
    expect(f!.masked).to.equal('gizmo = […(24 bytes)]').and.not.include(literal);
  });

  it('judges code false without an entry, and counts unjudged findings as false per MB', () => {
    expect(findings.filter((f) => f.kind === 'identifier' || f.kind === 'member').map((f) => f.verdict)).to.deep.equal(['false', 'false']);
    expect(findings.find((f) => f.path === 'config/other.ini')).to.include({ kind: 'literal', verdict: 'unjudged', line: 2 });
    expect(row).to.include({ findings: 4, judgedTrue: 1, judgedFalse: 2, unjudged: 1, falseFindings: 3 });
    expect(row.falsePerMb).to.equal(3 / size.mb);
  });

  it('counts objects rewritten from the id map as the upstream objects whose ids the clone does not hold', () => {
    expect(row.rewritten).to.be.greaterThan(0).and.equal(upstreamOnlyIds);
    expect(row.rewrittenShare).to.equal(upstreamOnlyIds / size.objects);
  });

  it('aligns tokens with the upstream bytes they replace, including two on one line', () => {
    const t = (c: string): string => `[[TOKEN_x_${c.repeat(24)}]]`;
    const up = Buffer.from('a=ONE b=TWO\nc=THREE\n');
    const san = Buffer.from(`a=${t('A')} b=${t('B')}\nc=${t('C')}\n`);
    const spans = lib.judge.alignTokens(up, san)!;
    expect(spans.map((s) => up.toString('latin1', s.start, s.end))).to.deep.equal(['ONE', 'TWO', 'THREE']);
    expect(lib.judge.alignTokens(Buffer.from('other'), san)).to.equal(null);
  });

  it('classifies references anywhere and code only in source files', () => {
    const c = (path: string, before: string, value: string, after = ''): string | null => lib.judge.classifyValue({ path, before, value, after });
    expect(c('deploy.yaml', 'password: ', '${DB_PASSWORD}')).to.equal('reference');
    expect(c('app.yaml', 'password: ', 'file:/run/secrets/pw')).to.equal('reference');
    expect(c('lib/a.js', 'const t = ', 'process.env.TOKEN', ';')).to.equal('reference');
    expect(c('lib/a.py', 'r = requests.get(url, auth=', 'wrong_auth', ')')).to.equal('identifier');
    expect(c('lib/a.py', 'x = ', 'get_netrc_auth', '(url)')).to.equal('call');
    expect(c('lib/a.ts', 'secret: ', 'r.value!', ',')).to.equal('member');
    expect(c('lib/a.ts', 'const a = "', 'wrongAuth', '";')).to.equal(null);
    expect(c('settings.ini', 'pass = ', 'wrongAuth')).to.equal(null);
  });
});
