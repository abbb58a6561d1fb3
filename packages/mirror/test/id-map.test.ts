// The persisted upstream ⇄ sanitized id pairs.
import { expect } from 'chai';
import path from 'node:path';
import { startPostgres, storeBackends } from '@gitgate/testkit';
import { IdMap } from '../src/index.js';
import { Upstream, fakeGithubPat, hasObject, makeMirror, openDataEnv, removeDir, revParse, tempDir, REPO } from './helpers.js';

const hex = (c: string): string => c.repeat(40);

/** Upstream → sanitized through the map's own reader (lookup). */
async function toSanitized(map: IdMap, repo: string, upstreamId: string): Promise<string | undefined> {
  return (await map.lookup(repo, [upstreamId])).get(upstreamId);
}

/** Sanitized → upstream through the map's other reader (upstreamOf). */
async function toUpstream(map: IdMap, repo: string, sanitizedId: string): Promise<string[]> {
  return ((await map.upstreamOf(repo, [sanitizedId])).get(sanitizedId) ?? []).sort();
}

for (const backend of storeBackends()) describe(`IdMap (${backend.name})`, function () {
  this.timeout(60_000);
  let dir: string;
  let location: string;
  let map: IdMap;

  beforeEach(async () => {
    dir = tempDir();
    location = await backend.location(dir, 'mirror.db');
    map = await IdMap.open(location);
  });
  afterEach(async () => {
    await map.close();
    removeDir(dir);
  });

  const state = { generation: 'g1', tips: [hex('a')], head: 'refs/heads/main', syncedAt: '2024-01-01T00:00:00.000Z' };

  it('records which tokens objects carry on its own, once per row, per repository', async () => {
    const carriers = new Map([[hex('c'), ['[[TOKEN_x_A]]', '[[TOKEN_y_B]]']], [hex('d'), ['[[TOKEN_x_A]]']]]);
    await map.recordObjectTokens('r', carriers);
    await map.recordObjectTokens('r', carriers);
    await map.recordObjectTokens('r', new Map());
    const got = await map.objectTokens('r');
    expect(Object.fromEntries([...got].map(([k, v]) => [k, [...v].sort()]))).to.deep.equal({ [hex('c')]: ['[[TOKEN_x_A]]', '[[TOKEN_y_B]]'], [hex('d')]: ['[[TOKEN_x_A]]'] });
    expect((await map.objectTokens('other')).size).to.equal(0);
    expect(await map.state('r')).to.equal(undefined);
  });

  it('reads a committed pair from upstream to sanitized', async () => {
    await map.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    expect(await toSanitized(map, 'r', hex('a'))).to.equal(hex('b'));
  });

  it('reads a committed pair from sanitized to upstream', async () => {
    await map.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    expect(await toUpstream(map, 'r', hex('b'))).to.deep.equal([hex('a')]);
  });

  it('answers undefined and [] for ids it has no pair for', async () => {
    expect(await toSanitized(map, 'r', hex('c'))).to.equal(undefined);
    expect(await toUpstream(map, 'r', hex('c'))).to.deep.equal([]);
  });

  it('keeps the pairs of one repository apart from another', async () => {
    await map.commit('r1', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    expect(await toSanitized(map, 'r2', hex('a'))).to.equal(undefined);
    expect(await toUpstream(map, 'r2', hex('b'))).to.deep.equal([]);
  });

  it('looks up every committed pair of a repository, and keeps its sync state', async () => {
    await map.commit('r', [
      { upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' },
      { upstreamId: hex('c'), sanitizedId: hex('d'), type: 'tree' },
    ], state);
    expect([...(await map.lookup('r', [hex('a'), hex('c')]))].sort()).to.deep.equal([[hex('a'), hex('b')], [hex('c'), hex('d')]]);
    expect(await map.state('r')).to.deep.equal(state);
  });

  it('looks up only the asked ids that have a pair, across query chunks', async () => {
    const ids = Array.from({ length: 1234 }, (_, i) => i.toString(16).padStart(40, '0'));
    const pairs = ids.filter((_, i) => i % 10 === 0).map((id) => ({ upstreamId: id, sanitizedId: id.replace(/^0/, 'f'), type: 'tree' as const }));
    await map.commit('r', pairs, state);
    await map.commit('other', [{ upstreamId: ids[1]!, sanitizedId: hex('e'), type: 'blob' }], state);
    const found = await map.lookup('r', [...ids, hex('9')]);
    expect([...found].sort()).to.deep.equal(pairs.map((p) => [p.upstreamId, p.sanitizedId]).sort());
  });

  it('looks up nothing for no ids', async () => {
    expect((await map.lookup('r', [])).size).to.equal(0);
  });

  it('commits pairs from a generator, read once', async () => {
    let reads = 0;
    function* pairs(): Generator<{ upstreamId: string; sanitizedId: string; type: 'blob' }> {
      reads++;
      for (let i = 0; i < 700; i++) yield { upstreamId: i.toString(16).padStart(40, '0'), sanitizedId: hex('b'), type: 'blob' };
    }
    await map.commit('r', pairs(), state);
    expect(reads).to.equal(1);
    expect((await map.lookup('r', Array.from({ length: 700 }, (_, i) => i.toString(16).padStart(40, '0')))).size).to.equal(700);
  });

  it('forgets a repository on reset', async () => {
    await map.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    await map.reset('r');
    expect(await toSanitized(map, 'r', hex('a'))).to.equal(undefined);
    expect(await map.state('r')).to.equal(undefined);
  });

  it('keeps its pairs across a reopen', async () => {
    await map.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    await map.close();
    map = await IdMap.open(location);
    expect(await toUpstream(map, 'r', hex('b'))).to.deep.equal([hex('a')]);
  });

  it('keeps the last sanitized id of a pair committed twice in one batch, and replaces it on a later commit', async () => {
    await map.commit('r', [
      { upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' },
      { upstreamId: hex('a'), sanitizedId: hex('c'), type: 'blob' },
    ], state);
    expect(await toSanitized(map, 'r', hex('a'))).to.equal(hex('c'));
    await map.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('d'), type: 'blob' }], { ...state, generation: 'g2' });
    expect(await toSanitized(map, 'r', hex('a'))).to.equal(hex('d'));
    expect(await toUpstream(map, 'r', hex('c'))).to.deep.equal([]);
    expect((await map.state('r'))?.generation).to.equal('g2');
  });

  it('commits a batch larger than one statement holds, every pair readable both ways', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i.toString(16).padStart(40, '0'));
    await map.commit('r', ids.map((id) => ({ upstreamId: id, sanitizedId: id.replace(/^000/, 'fff'), type: 'blob' as const })), state);
    const found = await map.lookup('r', ids);
    expect(found.size).to.equal(ids.length);
    expect(found.get(ids[4999]!)).to.equal(ids[4999]!.replace(/^000/, 'fff'));
    expect(await toUpstream(map, 'r', ids[2345]!.replace(/^000/, 'fff'))).to.deep.equal([ids[2345]]);
  });

  it('lists every upstream id rewritten into one sanitized id', async () => {
    await map.commit('r', [
      { upstreamId: hex('a'), sanitizedId: hex('e'), type: 'blob' },
      { upstreamId: hex('c'), sanitizedId: hex('e'), type: 'blob' },
    ], state);
    expect(await toUpstream(map, 'r', hex('e'))).to.deep.equal([hex('a'), hex('c')]);
  });

  it('records pushed ids and kind-sensitive blobs, a later record replacing an earlier one', async () => {
    await map.recordPushed('r', [{ upstreamId: hex('a'), sanitizedId: hex('b') }]);
    await map.recordPushed('r', [{ upstreamId: hex('a'), sanitizedId: hex('c') }, { upstreamId: hex('d'), sanitizedId: hex('e') }]);
    expect([...(await map.pushedOf('r', [hex('a'), hex('d'), hex('f')]))].sort()).to.deep.equal([[hex('a'), hex('c')], [hex('d'), hex('e')]]);
    await map.recordKindSensitive('r', new Map([[hex('a'), 1], [hex('b'), 2]]));
    await map.recordKindSensitive('r', new Map([[hex('a'), 3]]));
    expect([...(await map.kindSensitive('r', [hex('a'), hex('b')]))].sort()).to.deep.equal([[hex('a'), 3], [hex('b'), 2]]);
    await map.reset('r');
    expect((await map.pushedOf('r', [hex('a')])).size).to.equal(0);
    expect((await map.kindSensitive('r', [hex('a')])).size).to.equal(0);
  });
});

describe('IdMap (postgres, one schema per repository)', function () {
  this.timeout(60_000);

  it('keeps the maps of two repository schemas of one database apart, and reopens each', async () => {
    const url = (await startPostgres()).createDatabase();
    const state = { generation: 'g1', tips: [hex('a')], head: 'refs/heads/main', syncedAt: '2024-01-01T00:00:00.000Z' };
    const [one, two] = [await IdMap.open(`${url}?schema=repo_one`), await IdMap.open(`${url}?schema=repo_two`)];
    await one.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('b'), type: 'blob' }], state);
    await two.commit('r', [{ upstreamId: hex('a'), sanitizedId: hex('c'), type: 'blob' }], state);
    expect(await toSanitized(one, 'r', hex('a'))).to.equal(hex('b'));
    expect(await toSanitized(two, 'r', hex('a'))).to.equal(hex('c'));
    await one.reset('r');
    expect(await toSanitized(two, 'r', hex('a'))).to.equal(hex('c'));
    await one.close();
    await two.close();
    const again = await IdMap.open(`${url}?schema=repo_two`);
    expect(await toUpstream(again, 'r', hex('c'))).to.deep.equal([hex('a')]);
    await again.close();
  });
});

describe('IdMap after a sync', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeDir(dir));

  it('maps a secret blob both ways after a sync', async () => {
    const env = await openDataEnv(path.join(dir, 'data'));
    try {
      const up = Upstream.create(path.join(dir, 'upstream.git'));
      up.setRef('refs/heads/main', up.commitFiles({ 'app.env': `GITHUB=${fakeGithubPat()}\n` }, 'one\n'));
      const m = makeMirror(env, up.gitDir);
      await m.sync();
      const upstreamBlob = revParse(up.gitDir, 'main:app.env');
      const sanitizedBlob = revParse(m.sanitized.gitDir, 'main:app.env');
      expect(await toSanitized(env.idMap, REPO, upstreamBlob)).to.equal(sanitizedBlob);
      expect(await toUpstream(env.idMap, REPO, sanitizedBlob)).to.deep.equal([upstreamBlob]);
      expect(hasObject(m.sanitized.gitDir, sanitizedBlob)).to.equal(true);
    } finally {
      await env.close();
    }
  });
});
