// Tree names remembered as clean (CleanTreeNames): the same outcome as scanning every tree's names.
import { expect } from 'chai';
import { serializeTree } from '@gitgate/objects';
import { createScanner } from '@gitgate/scanner';
import { CleanTreeNames } from '../src/clean-tree-names.js';
import {
  allObjects, fakeGithubPat, makeMirror, randomAlnum, readObject, refsOf, revParse, tokensIn, unwordlyPassword, upstreamPerTest,
} from './helpers.js';

const tree = (names: string[]): Buffer => serializeTree(names.map((name, i) => ({ mode: '100644', name: Buffer.from(name), id: (i % 10).toString().repeat(40) })));

describe('clean tree names', function () {
  this.timeout(120_000);

  it('keys a tree by its names only, so versions with other entry ids share a key', () => {
    const clean = new CleanTreeNames();
    const a = tree(['a.txt', 'b.txt']);
    const b = Buffer.from(a);
    b[b.length - 1] ^= 0xff;
    expect(clean.keyOf(b)).to.equal(clean.keyOf(a));
    expect(clean.keyOf(tree(['a.txt', 'c.txt']))).to.not.equal(clean.keyOf(a));
    // Names are delimited: moving a byte from one name to the next is another list.
    expect(clean.keyOf(tree(['ab', 'c']))).to.not.equal(clean.keyOf(tree(['a', 'bc'])));
  });

  it('forgets every list once the generation moves (a value was learned)', () => {
    let generation = 0;
    const clean = new CleanTreeNames(() => generation);
    const key = clean.keyOf(tree(['a.txt']));
    clean.add(key);
    expect(clean.has(key)).to.equal(true);
    generation++;
    expect(clean.has(key)).to.equal(false);
  });

  describe('in a sync', () => {
    const t = upstreamPerTest(() => createScanner({ maxBytes: 2048 }));

    /**
     * Six commits: two directories whose name lists repeat across versions, secrets in blobs of several
     * directories, one in a file name, a value learned from a commit message that a file name holds, a
     * lockfile variant by name, and a blob over the scanner's limit under an allowed and another name.
     */
    const history = (): { pat: string; lockValue: string; big: string } => {
      const pat = fakeGithubPat();
      const learned = unwordlyPassword();
      const lockValue = 'Qx' + randomAlnum(14) + '9';
      const lock = `{"resolved": "https://r.example/x?secret=${lockValue}"}\n`;
      const big = 'y'.repeat(3000) + '\n';
      let parent: string[] = [];
      for (let n = 0; n < 6; n++) {
        const files: Record<string, string> = {
          'conf/app.env': `GITHUB=${n % 2 === 0 ? pat : fakeGithubPat()}\n`,
          'deploy/keys/.env': `TOKEN=${fakeGithubPat()}\n`,
          [`notes/key-${pat}.txt`]: 'see the name\n',
          [`misc/${learned}.txt`]: `version ${n}\n`,
          'package-lock.json': lock,
          'data.bin': big,
          'copy.dat': big,
        };
        for (let i = 0; i < 24; i++) files[`lib/module-${i}.js`] = `export const v = ${i === n ? n : 0};\n`;
        for (let i = 0; i < 12; i++) files[`t/t${i}-case.sh`] = `echo ${i + n}\n`;
        const message = n === 2 ? `rotate\n\npassword = ${learned}\n` : `step ${n}\n`;
        parent = [t.up.commitFiles(files, message, parent)];
      }
      t.up.setRef('refs/heads/main', parent[0]!);
      t.up.setRef('refs/tags/v1', t.up.tag({ object: parent[0]!, tag: 'v1', message: 'one\n' }));
      return { pat, lockValue, big };
    };

    const served = (store: string, rev: string): string => readObject(store, revParse(store, rev)).content.toString('latin1');
    /** Syncs the history into two data dirs of one deployment, names remembered in the first only; compares them. */
    const syncBoth = async (extra: { knownSecrets: boolean }): Promise<{ store: string; rewritten: number; withheld: number }> => {
      const a = await t.open('a');
      const b = await t.open('b', a.keyPath);
      const options = { allowUnscannable: ['*.bin'], ...extra };
      const remembered = makeMirror(a, t.up.gitDir, options);
      const rescanned = makeMirror(b, t.up.gitDir, { ...options, rescanTreeNames: true });
      const [ra, rb] = [await remembered.sync(), await rescanned.sync()];
      const [sa, sb] = [remembered.sanitized.gitDir, rescanned.sanitized.gitDir];
      expect(refsOf(sa)).to.deep.equal(refsOf(sb));
      expect(allObjects(sa).equals(allObjects(sb))).to.equal(true);
      expect(ra.secretsByRule).to.deep.equal(rb.secretsByRule);
      // Tokens served at the tip (an unserved default form's tokens are on no record by design).
      const tip = ['main:notes', 'main:conf/app.env', 'main:deploy/keys/.env'].map((rev) => served(sa, rev)).join('\n');
      expect(tokensIn(tip)).to.have.length(3);
      for (const token of tokensIn(tip)) {
        expect((await a.vault.reveal(token)).equals(await b.vault.reveal(token))).to.equal(true);
      }
      return { store: sa, rewritten: ra.rewritten, withheld: ra.withheld };
    };

    it('gives the same ids, objects and tokens as scanning every tree\'s names, with known secrets', async () => {
      const { pat, big } = history();
      const { store, rewritten, withheld } = await syncBoth({ knownSecrets: true });
      // The history took the paths the test is about: secrets in names and blobs, withheld and allowed blobs.
      expect(rewritten).to.be.greaterThan(20);
      expect(withheld).to.be.greaterThan(0);
      expect(served(store, 'main^{tree}').includes(pat)).to.equal(false);
      expect(tokensIn(served(store, 'main:notes'))).to.have.length(1);
      expect(tokensIn(served(store, 'main:conf/app.env'))).to.have.length(1);
      expect(served(store, 'main:data.bin')).to.equal(big);
      expect(served(store, 'main:copy.dat')).to.not.equal(big);
    });

    it('gives the same ids, objects and tokens as scanning every tree\'s names, with a lockfile variant', async () => {
      const { lockValue } = history();
      const { store } = await syncBoth({ knownSecrets: false });
      expect(served(store, 'main:package-lock.json')).to.include(lockValue);
      expect(tokensIn(served(store, 'main:notes'))).to.have.length(1);
    });
  });
});
