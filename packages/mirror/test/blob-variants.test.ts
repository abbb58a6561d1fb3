// Per-name variants: one blob, sanitized by the kind of the tree entry name that holds it.
import { expect } from 'chai';
import { createScanner, type Rule, type Scanner } from '@gitgate/scanner';
import { unionOfSelections } from '../src/blob-variants.js';
import {
  allObjects, fakeGithubPat, unwordlyPassword, makeMirror, randomAlnum, readObject, refsOf, revParse, tokensIn, upstreamPerTest, type DataEnv,
} from './helpers.js';

/** A config-only rule, as a precise generic rule would be: a bare value after `auth=` is a literal only in config. */
const bareAuth: Rule = {
  id: 'test-bare-auth', type: 'test-bare-auth', description: 'bare auth values in config files', keywords: ['auth'],
  pattern: /\bauth\s*=\s*(?<secret>[A-Za-z0-9_]{8,64})/, confidence: 'medium', fileKinds: ['config'],
};

/** A name-based rule of every kind (medium confidence): lockfiles drop it by kind. */
const mediumSecret: Rule = {
  id: 'test-medium-secret', type: 'test-medium-secret', description: 'a secret= value', keywords: ['secret='],
  pattern: /secret=(?<secret>[A-Za-z0-9]{12,40})/, confidence: 'medium',
};

/** The default rules plus the config-only one, without the generic rules (which would take `auth=` too). */
let shared: Scanner | undefined;
function kindScanner(): Scanner {
  return shared ??= createScanner({ rules: [...createScanner().rules.filter((r) => !r.id.startsWith('generic-secret')), bareAuth, mediumSecret] });
}

/**
 * These tests isolate the per-name selection: with known secrets on (the default), a random-looking value
 * once tokenized under a config name is tokenized under every name (the last test shows it).
 */
const SELECTION_ONLY = { knownSecrets: false } as const;

describe('per-name blob variants', function () {
  this.timeout(60_000);
  const t = upstreamPerTest(kindScanner);
  const open = (name: string, keyFrom?: string): Promise<DataEnv> => t.open(name, keyFrom);
  const text = (store: string, rev: string): string => readObject(store, revParse(store, rev)).content.toString('latin1');

  it('serves the code form under settings.py, then the tokenized form when a later sync names the blob .env', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    const content = `s = Session()\nauth=${value}\n`;
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'app/settings.py': content }, 'one\n'));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    const store = m.sanitized.gitDir;
    expect(text(store, 'main:app/settings.py')).to.equal(content);

    const blob = revParse(t.up.gitDir, 'main:app/settings.py');
    const c2 = t.up.commit({ tree: t.up.tree([{ name: '.env', id: blob }]), parents: [revParse(t.up.gitDir, 'main')], message: 'move\n' });
    t.up.setRef('refs/heads/main', c2);
    await m.sync();
    const served = text(store, 'main:.env');
    const [token] = tokensIn(served);
    expect(served).to.equal(`s = Session()\nauth=${token}\n`);
    expect((await env.vault.reveal(token!)).toString('latin1')).to.equal(value);
    expect((await env.vault.info(token!))!.occurrences.map((o) => o.path)).to.deep.equal(['.env']);
    expect(text(store, 'main~1:app/settings.py')).to.equal(content);
  });

  it('gives the same ids in two fresh data dirs that sync the same history the same way', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    const blob = t.up.blob(`auth=${value}\n`);
    const c1 = t.up.commit({ tree: t.up.tree([{ name: 'settings.py', id: blob }]), message: 'one\n' });
    t.up.setRef('refs/heads/main', c1);
    // Two replicas of one deployment (a copy of the key file), syncing in the same steps.
    const first = await open('a');
    const [ma, mb] = [makeMirror(first, t.up.gitDir, SELECTION_ONLY), makeMirror(await open('b', first.keyPath), t.up.gitDir, SELECTION_ONLY)] as const;
    const syncBoth = async (): Promise<void> => {
      for (const m of [ma, mb]) await m.sync();
    };
    await syncBoth();
    t.up.setRef('refs/heads/main', t.up.commit({ tree: t.up.tree([{ name: 'prod.env', id: blob }]), parents: [c1], message: 'two\n' }));
    await syncBoth();
    expect(refsOf(mb.sanitized.gitDir)).to.deep.equal(refsOf(ma.sanitized.gitDir));
    expect(tokensIn(text(ma.sanitized.gitDir, 'main:prod.env'))).to.have.length(1);
    expect(revParse(ma.sanitized.gitDir, 'main~1:settings.py')).to.equal(blob);
  });

  it('tokenizes under every name when one sync names the blob both .py and .env (no name reveals it)', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    const blob = t.up.blob(`auth=${value}\n`);
    const c1 = t.up.commit({ tree: t.up.tree([{ name: 'settings.py', id: blob }]), message: 'one\n' });
    t.up.setRef('refs/heads/main', t.up.commit({ tree: t.up.tree([{ name: '.env', id: blob }]), parents: [c1], message: 'two\n' }));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    const store = m.sanitized.gitDir;
    const py = text(store, 'main~1:settings.py');
    expect(tokensIn(py)).to.have.length(1);
    expect(text(store, 'main:.env')).to.equal(py);
    expect(allObjects(store).includes(Buffer.from(value))).to.equal(false);
  });

  it('tokenizes an old blob under a new .py name too when the same sync also names it .env', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    const blob = t.up.blob(`auth=${value}\n`);
    const c1 = t.up.commit({ tree: t.up.tree([{ name: 'notes.bin', id: t.up.blob('x\n') }, { name: 'settings.py', id: blob }]), message: 'one\n' });
    t.up.setRef('refs/heads/main', c1);
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    t.up.setRef('refs/heads/main', t.up.commit({ tree: t.up.tree([{ name: '.env', id: blob }, { name: 'copy.py', id: blob }]), parents: [c1], message: 'two\n' }));
    await m.sync();
    const store = m.sanitized.gitDir;
    expect(tokensIn(text(store, 'main:copy.py'))).to.have.length(1);
    expect(revParse(store, 'main:copy.py')).to.equal(revParse(store, 'main:.env'));
    expect(text(store, 'main~1:settings.py')).to.equal(`auth=${value}\n`);
  });

  it('fails closed for a blob no tree names: a tag on it serves every finding tokenized', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    const blob = t.up.blob(`auth=${value}\n`);
    t.up.setRef('refs/heads/main', t.up.commit({ tree: t.up.tree([{ name: 'settings.py', id: blob }]), message: 'one\n' }));
    t.up.setRef('refs/tags/key', t.up.tag({ object: blob, type: 'blob', tag: 'key', message: 'the blob\n' }));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    const store = m.sanitized.gitDir;
    expect(text(store, 'main:settings.py')).to.equal(`auth=${value}\n`);
    const lone = text(store, 'key^{blob}');
    const [token] = tokensIn(lone);
    expect(lone).to.equal(`auth=${token}\n`);
    expect((await env.vault.reveal(token!)).toString('latin1')).to.equal(value);
  });

  it('leaves name-based findings in a lockfile and tokenizes them elsewhere, as gitgate scan reports them', async () => {
    const pw = 'Qx' + randomAlnum(14) + '9';
    const pat = fakeGithubPat();
    const lock = `{"resolved": "https://r.example/x?secret=${pw}", "token": "${pat}"}\n`;
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'package-lock.json': lock, 'app.py': `u = "x?secret=${pw}"\n` }, 'one\n'));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    const store = m.sanitized.gitDir;
    const served = text(store, 'main:package-lock.json');
    const [token] = tokensIn(served);
    expect(served).to.equal(`{"resolved": "https://r.example/x?secret=${pw}", "token": "${token}"}\n`);
    expect(tokensIn(text(store, 'main:app.py'))).to.have.length(1);
    expect(allObjects(store).includes(Buffer.from(pat))).to.equal(false);
  });

  it('keeps tokenizing a provider token in code: only the config-only finding depends on the name', async () => {
    const pat = fakeGithubPat();
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'app.py': `auth=${value}\nTOKEN = "${pat}"\n` }, 'one\n'));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir, SELECTION_ONLY);
    await m.sync();
    const served = text(m.sanitized.gitDir, 'main:app.py');
    const [token] = tokensIn(served);
    expect(served).to.equal(`auth=${value}\nTOKEN = "${token}"\n`);
    expect(allObjects(m.sanitized.gitDir).includes(Buffer.from(pat))).to.equal(false);
  });

  it('with known secrets on, a random-looking value a .env tokenized is tokenized under a .py name too', async () => {
    // Never words-built or single-case, which known-secret matching would leave to context.
    const value = unwordlyPassword();
    t.up.setRef('refs/heads/main', t.up.commitFiles({ 'app/settings.py': `auth=${value}\n`, 'deploy/.env': `auth=${value}\nX=1\n` }, 'one\n'));
    const env = await open('a');
    const m = makeMirror(env, t.up.gitDir);
    await m.sync();
    const store = m.sanitized.gitDir;
    const [token] = tokensIn(text(store, 'main:deploy/.env'));
    expect(text(store, 'main:app/settings.py')).to.equal(`auth=${token}\n`);
    expect(allObjects(store).includes(Buffer.from(value))).to.equal(false);
  });
});

describe('unionOfSelections', () => {
  const f = (ruleId: string, start: number, end: number): { ruleId: string; type: string; start: number; end: number; confidence: 'high' } =>
    ({ ruleId, type: ruleId, start, end, confidence: 'high' });

  it('covers every selected finding whole, merging the ones that overlap into one span', () => {
    const a = f('a', 0, 10);
    const b = f('b', 5, 20);
    const c = f('c', 30, 40);
    expect(unionOfSelections([[a, c], [b]])).to.deep.equal([{ ...a, end: 20 }, c]);
    expect(unionOfSelections([[a], [a]])).to.deep.equal([a]);
  });
});
