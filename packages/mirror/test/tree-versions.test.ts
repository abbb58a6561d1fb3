// Trees read and rewritten with the directory's last version at hand (TreeVersions): entries shared at
// both ends are taken from it, the rest mapped, and the outcome is byte for byte that of mapping every entry.
import { expect } from 'chai';
import { createHash, randomInt } from 'node:crypto';
import { scanTree, serializeTree, type TreeEntry } from '@gitgate/objects';
import { createScanner } from '@gitgate/scanner';
import { createTokenMinter } from '@gitgate/vault';
import { createPlaceTokenizer, rewriteTree, type SecretSink, type TreeContext } from '../src/index.js';
import { TreeVersions, TreeWalk } from '../src/tree-versions.js';
import { CleanTreeNames } from '../src/clean-tree-names.js';
import { allObjects, fakeGithubPat, git, makeMirror, refsOf, upstreamPerTest } from './helpers.js';

const tokenize = createPlaceTokenizer(createScanner(), createTokenMinter(Buffer.alloc(32, 7)));
const oid = (): string => createHash('sha1').update(String(randomInt(2 ** 40))).digest('hex');
const name = (): string => Array.from({ length: 1 + randomInt(10) }, () => 'abcdefghijklmnopqrstuvwxyz-._0123456789'[randomInt(39)]).join('');

function tree(entries: TreeEntry[]): Buffer {
  const key = (e: TreeEntry): Buffer => Buffer.concat([e.name, Buffer.from(e.mode === '40000' ? '/' : '')]);
  return serializeTree([...new Map(entries.map((e) => [e.name.toString('latin1'), e])).values()].sort((a, b) => Buffer.compare(key(a), key(b))));
}

describe('tree versions', () => {
  it('gives every version of many directories exactly the bytes mapping every entry gives, and asks for fewer entries', () => {
    // A third of the ids map elsewhere (a rewritten blob or subtree), the rest stay.
    const mapped = new Map<string, string>();
    const mapOf = (id: string): string | undefined => {
      if (!mapped.has(id)) mapped.set(id, randomInt(3) === 0 ? oid() : id);
      const to = mapped.get(id)!;
      return to === id ? undefined : to;
    };
    let asked = 0;
    const context = (versions?: TreeVersions): TreeContext => ({
      tokenize, versions, entryId: (_kind, raw, at) => {
        asked++;
        const to = mapOf(raw.toString('hex', at, at + 20));
        return to === undefined ? undefined : Buffer.from(to, 'hex');
      },
    });
    const versions = new TreeVersions();
    // With remembered clean names as well: a version's names found clean are not scanned again.
    const withVersions = { ...context(versions), cleanNames: new CleanTreeNames() };
    const everyEntry = context();
    let askedWith = 0;
    let askedEvery = 0;
    let changed = 0;
    let secretNames = 0;
    // Directories edited in turn, as interleaved branches give them, with a gitlink now and then.
    const dirs = Array.from({ length: 6 }, () => Array.from({ length: 150 + randomInt(150) }, (): TreeEntry => ({ mode: ['100644', '100755', '40000', '160000', '120000'][randomInt(5)]!, name: Buffer.from(name()), id: oid() })));
    for (let round = 0; round < 600; round++) {
      const d = randomInt(dirs.length);
      const entries = dirs[d]!.map((e) => ({ ...e }));
      for (let k = randomInt(3); k >= 0; k--) {
        const at = randomInt(entries.length + 1);
        const kind = randomInt(5);
        if (kind <= 1 && entries[at]) entries[at]!.id = oid();
        else if (kind === 2) entries.splice(at, 0, { mode: '100644', name: Buffer.from(name()), id: oid() });
        else if (kind === 3 && entries.length > 2) entries.splice(at, 1);
        else if (entries[at]) entries[at] = { ...entries[at]!, name: Buffer.from(name()) };
      }
      // Now and then a version off the line of descent names an entry with a secret (renamed, walked whole).
      if (round % 5 === 0 && randomInt(2) === 0) {
        const at = randomInt(entries.length);
        entries[at] = { ...entries[at]!, name: Buffer.from(`${fakeGithubPat()}.txt`) };
      }
      // Mostly a line of descent; now and then a version from an older one of its directory (another
      // branch), or another directory's tree.
      if (round % 5 !== 0) dirs[d] = entries;
      const raw = tree(round % 11 === 0 ? dirs[(d + 1) % dirs.length]! : entries);
      asked = 0;
      const a = rewriteTree(raw, oid(), withVersions);
      askedWith += asked;
      asked = 0;
      const b = rewriteTree(raw, oid(), everyEntry);
      askedEvery += asked;
      expect(a.content === null ? null : a.content.toString('hex'), `round ${round}`).to.equal(b.content === null ? null : b.content.toString('hex'));
      expect(a.secrets.map((x) => x.token), `round ${round}`).to.deep.equal(b.secrets.map((x) => x.token));
      if (b.content !== null) changed++;
      if (b.secrets.length > 0) secretNames++;
    }
    expect(changed).to.be.greaterThan(100);
    expect(secretNames).to.be.greaterThan(10);
    // (Trees under 4 KiB are walked whole; these are all larger.)
    expect(askedWith).to.be.lessThan(askedEvery * 0.6);
  });
});

describe('TreeWalk.sameNames', () => {
  /** A version as TreeVersions keeps it: the bytes and where each entry starts. */
  const versionOf = (raw: Buffer): { raw: Buffer; starts: Int32Array } => {
    const starts: number[] = [];
    let end = 0;
    scanTree(raw, (_kind, at) => {
      starts.push(end);
      end = at + 20;
    });
    return { raw, starts: Int32Array.from(starts) };
  };
  const namesOf = (raw: Buffer): string[] => {
    const out: string[] = [];
    let start = 0;
    scanTree(raw, (_kind, at) => {
      out.push(raw.toString('latin1', start, at));
      start = at + 20;
    });
    return out;
  };

  it('is true exactly when the modes and names, in order, are those of the version', () => {
    let same = 0;
    for (let round = 0; round < 3000; round++) {
      const before = Array.from({ length: 1 + randomInt(40) }, (): TreeEntry => ({ mode: ['100644', '100755', '40000'][randomInt(3)]!, name: Buffer.from(name()), id: oid() }));
      const after = before.map((e) => ({ ...e }));
      for (let k = randomInt(3); k >= 0; k--) {
        const at = randomInt(after.length);
        const kind = randomInt(6);
        // Ids change most often (the case that keeps names), then names, modes, added and removed entries.
        if (kind <= 2) after[at]!.id = oid();
        else if (kind === 3) after[at] = { ...after[at]!, name: Buffer.from(name()) };
        else if (kind === 4) after[at] = { ...after[at]!, mode: after[at]!.mode === '100644' ? '100755' : '100644' };
        else if (randomInt(2) === 0) after.splice(at, 0, { mode: '100644', name: Buffer.from(name()), id: oid() });
        else if (after.length > 1) after.splice(at, 1);
      }
      const [prevRaw, raw] = [tree(before), tree(after)];
      const expected = JSON.stringify(namesOf(prevRaw)) === JSON.stringify(namesOf(raw));
      expect(new TreeWalk(raw, versionOf(prevRaw), true).sameNames(), `round ${round}`).to.equal(expected);
      if (expected) same++;
    }
    expect(same).to.be.greaterThan(500);
    expect(same).to.be.lessThan(2900);
  });

  it('is false without a version', () => {
    expect(new TreeWalk(tree([{ mode: '100644', name: Buffer.from('a'), id: oid() }]), undefined, false).sameNames()).to.equal(false);
  });
});

describe('tree versions in a sync', function () {
  this.timeout(120_000);
  const t = upstreamPerTest();

  it('serves the same refs, objects and vault records as mapping every entry, on directories edited an entry at a time', async () => {
    // `lib/` holds 140 subdirectories and `t/` 120 files (over 4 KiB each, so versions of them are kept);
    // each commit edits one or two entries, so versions share most entries at their ends, and the subtrees
    // they share must keep their edges.
    // One fast-import: the main line's commits carry their changes, the side branch's the whole tree.
    const chunks: string[] = [];
    const data = (v: string): string => `data ${Buffer.byteLength(v)}\n${v}\n`;
    let mark = 0;
    const commit = (ref: string, message: string, from: number | null, changes: string[]): number => {
      chunks.push(`commit ${ref}\nmark :${++mark}\ncommitter Bob Tester <bob@example.test> ${1_700_000_000 + mark * 60} +0000\n${data(message)}`);
      if (from !== null) chunks.push(`from :${from}\n`);
      chunks.push(...changes);
      return mark;
    };
    const put = (p: string, v: string): string => `M 100644 inline ${p}\n${data(v)}`;
    const files: Record<string, string> = {};
    for (let i = 0; i < 140; i++) files[`lib/mod-${String(i).padStart(3, '0')}/index.js`] = `export const v${i} = 0;\n`;
    // A third of `t/` holds a secret from the start: entries next to an edited one are often rewritten,
    // so the bytes a version serves differ from its upstream bytes at the ends it shares.
    for (let i = 0; i < 120; i++) files[`t/t${String(i).padStart(4, '0')}-case.sh`] = i % 3 === 0 ? `TOKEN=${fakeGithubPat()}\n` : `echo ${i}\n`;
    const secretName = fakeGithubPat();
    let last: number | null = null;
    let branchAt = 0;
    for (let c = 0; c < 40; c++) {
      const changes: string[] = [];
      const set = (p: string, v: string): void => {
        files[p] = v;
        if (c > 0) changes.push(put(p, v));
      };
      set(`lib/mod-${String((c * 7) % 140).padStart(3, '0')}/index.js`, `export const v = ${c};\n`);
      set(`t/t${String((c * 13) % 120).padStart(4, '0')}-case.sh`, c % 5 === 0 ? `TOKEN=${fakeGithubPat()}\n` : `echo ${c}\n`);
      if (c % 9 === 4) set(`lib/mod-new-${c}/index.js`, `export const added = ${c};\n`);
      const gone = `t/t${String(c).padStart(4, '0')}-case.sh`;
      if (c % 11 === 6 && gone in files) {
        delete files[gone];
        changes.push(`D ${gone}\n`);
      }
      // A name with a secret in a directory whose earlier versions' names were all clean (in the middle of
      // its entries: its first and last names, which find the directory's last version, stay).
      if (c === 30) set(`t/t0060-x-${secretName}.sh`, 'echo named\n');
      last = commit('refs/heads/main', `c${c}\n`, last, c === 0 ? Object.entries(files).map(([p, v]) => put(p, v)) : changes);
      if (c === 20) branchAt = last;
    }
    // A side branch from the middle, so versions of one directory come from two lines of descent.
    let side = branchAt;
    for (let c = 0; c < 6; c++) {
      files[`lib/mod-${String(c * 3).padStart(3, '0')}/index.js`] = `export const side = ${c};\n`;
      side = commit('refs/heads/side', `side ${c}\n`, side, ['deleteall\n', ...Object.entries(files).map(([p, v]) => put(p, v))]);
    }
    git(t.up.gitDir, ['fast-import', '--quiet'], chunks.join(''));
    const a = await t.open('a');
    const b = await t.open('b', a.keyPath);
    const records = (env: typeof a, out: string[]): SecretSink => ({
      tokenFor: (type, secret) => env.vault.tokenFor(type, secret),
      knownSecrets: () => env.vault.knownSecrets(),
      async put(batch) {
        out.push(...batch.map((r) => `${r.token} ${r.ruleId} ${r.path ?? '-'} ${r.commitId ?? '-'}`));
        await env.vault.put(batch);
      },
    });
    const [ra, rb]: string[][] = [[], []];
    const withVersions = makeMirror(a, t.up.gitDir, { vault: records(a, ra) });
    const everyEntry = makeMirror(b, t.up.gitDir, { vault: records(b, rb), rescanTreeNames: true });
    const [sa, sb] = [await withVersions.sync(), await everyEntry.sync()];
    expect(sa.rewritten).to.be.greaterThan(40);
    expect({ ...sa, ms: 0, finishedAt: 0 }).to.deep.equal({ ...sb, ms: 0, finishedAt: 0 });
    expect(refsOf(withVersions.sanitized.gitDir)).to.deep.equal(refsOf(everyEntry.sanitized.gitDir));
    expect(allObjects(withVersions.sanitized.gitDir).equals(allObjects(everyEntry.sanitized.gitDir))).to.equal(true);
    expect(ra).to.deep.equal(rb);
    expect(ra.some((r) => r.includes(' t/t'))).to.equal(true);
    expect(allObjects(withVersions.sanitized.gitDir).includes(Buffer.from(secretName))).to.equal(false);
    expect(ra.filter((r) => r.startsWith('[[TOKEN_github-pat')).length).to.be.greaterThan(rb.length / 2);
  });
});
