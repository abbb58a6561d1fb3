import { expect } from 'chai';
import { ProtocolError } from '@gitgate/protocol';
import { planUploadPack, type ObjectLookup, type UploadPackPlan } from '../src/upload-pack-plan.js';

const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;
const id = (c: string): string => c.repeat(40);
const [TIP, OLD, UPSTREAM] = [id('a'), id('b'), id('c')];
/** A store holding TIP and OLD only; it counts lookups so a test can see which ids were asked. */
const store = (asked: string[][] = []): ObjectLookup => async (ids) => {
  asked.push([...ids]);
  return new Set(ids.filter((i) => i === TIP || i === OLD));
};
const v2 = (command: string, args: string[], caps: string[] = ['agent=git/2.39.5', 'object-format=sha1']): Buffer =>
  Buffer.from(pkt(`command=${command}\n`) + caps.map((c) => pkt(`${c}\n`)).join('') + '0001' + args.map((a) => pkt(`${a}\n`)).join('') + '0000');
const v0 = (lines: string[], done = true): Buffer => Buffer.from(lines.map(pkt).join('') + '0000' + (done ? pkt('done\n') : ''));
const refusal = (plan: UploadPackPlan): string => {
  expect(plan.kind, JSON.stringify(plan)).to.equal('refuse');
  return (plan as { message: string }).message;
};

describe('planUploadPack (request → validated fetch, without HTTP or git)', () => {
  it('plans a v2 fetch of a store object, passing every have to git and asking the store about its wants only', async () => {
    const asked: string[][] = [];
    const plan = await planUploadPack(v2('fetch', [`want ${TIP}`, `have ${OLD}`, `have ${UPSTREAM}`, 'ofs-delta', 'done']), true, store(asked));
    expect(plan.kind).to.equal('fetch');
    if (plan.kind !== 'fetch') return;
    // The exposure audit looks the haves up, and only when it has a walk to run.
    expect(asked).to.deep.equal([[TIP]]);
    expect(plan.shape).to.deep.equal({ wants: [TIP], haves: [OLD, UPSTREAM], filter: undefined, includeTag: false });
    expect(plan.note.haves).to.deep.equal([OLD, UPSTREAM]);
    expect(plan.done).to.equal(true);
    // git answers a round of haves it does not know with NAK; dropping them would turn it into a pack.
    expect(plan.request.toString()).to.contain(`have ${OLD}`).and.contain(`have ${UPSTREAM}`);
  });

  it('refuses a v2 want that is not an object of the sanitized store, such as an upstream id', async () => {
    const plan = await planUploadPack(v2('fetch', [`want ${UPSTREAM}`, 'done']), true, store());
    expect(refusal(plan)).to.equal(`want ${UPSTREAM} is not an object of the sanitized repository`);
    expect(plan.kind === 'refuse' && plan.note?.wants).to.deep.equal([UPSTREAM]);
  });

  it('refuses a shallow line naming an object outside the store', async () => {
    expect(refusal(await planUploadPack(v2('fetch', [`want ${TIP}`, `shallow ${UPSTREAM}`, 'deepen 1', 'done']), true, store())))
      .to.equal(`shallow ${UPSTREAM} is not an object of the sanitized repository`);
  });

  it('records no haves in the exposure shape of a fetch that deepens', async () => {
    const plan = await planUploadPack(v2('fetch', [`want ${TIP}`, `have ${OLD}`, 'deepen 1', 'done']), true, store());
    expect(plan.kind === 'fetch' && plan.shape.haves).to.deep.equal([]);
  });

  it('refuses object-info, want-ref, packfile-uris, sideband-all and unknown commands with their sentences, asking the store nothing', async () => {
    const asked: string[][] = [];
    const cases: [Buffer, string][] = [
      [v2('object-info', ['size', `oid ${TIP}`]), 'the object-info command is not offered'],
      [v2('bundle-uri', []), 'unknown command "bundle-uri"'],
      [v2('fetch', ['want-ref refs/heads/main', 'done']), 'want-ref is not offered; want object ids from ls-refs instead'],
      [v2('fetch', [`want ${TIP}`, 'packfile-uris https', 'done']), 'packfile-uris is not offered'],
      [v2('fetch', [`want ${TIP}`, 'sideband-all', 'done']), 'sideband-all is not offered'],
      [v2('ls-refs', [], ['object-format=sha256']), 'capability "object-format=sha256" is not offered'],
    ];
    for (const [body, sentence] of cases) expect(refusal(await planUploadPack(body, true, store(asked))), sentence).to.equal(sentence);
    expect(asked).to.deep.equal([]);
  });

  it('plans a v2 ls-refs with its arguments, asking the store nothing', async () => {
    const asked: string[][] = [];
    const plan = await planUploadPack(v2('ls-refs', ['symrefs', 'ref-prefix refs/heads/']), true, store(asked));
    expect(plan).to.deep.equal({ kind: 'ls-refs', endpoint: 'ls-refs', args: ['symrefs', 'ref-prefix refs/heads/'] });
    expect(asked).to.deep.equal([]);
  });

  it('plans a v0 fetch with its side-band and include-tag capabilities', async () => {
    const plan = await planUploadPack(v0([`want ${TIP} side-band-64k include-tag no-progress\n`]), false, store());
    expect(plan.kind).to.equal('fetch');
    if (plan.kind !== 'fetch') return;
    expect({ sideband: plan.sideband, noProgress: plan.noProgress, includeTag: plan.shape.includeTag, done: plan.done }).to.deep.equal({ sideband: true, noProgress: true, includeTag: true, done: true });
  });

  it('refuses a v0 capability that is not offered, keeping what the request asked for its audit row', async () => {
    const plan = await planUploadPack(v0([`want ${TIP} allow-any-sha1-in-want\n`]), false, store());
    expect(refusal(plan)).to.equal('capability "allow-any-sha1-in-want" is not offered');
    expect(plan.kind === 'refuse' && plan.note?.wants).to.deep.equal([TIP]);
  });

  it('refuses a value on a v0 capability that takes none, which git would read as the capability itself', async () => {
    // git's parse_feature_request takes `side-band-64k=1` as side-band-64k: planned as no side-band, the pack
    // would have gone out unframed past the audit gate (an adversarial review found it).
    for (const cap of ['side-band-64k=1', 'side-band=1', 'include-tag=1', 'no-progress=x', 'ofs-delta=', 'object-format=sha256']) {
      const plan = await planUploadPack(v0([`want ${TIP} ofs-delta ${cap}\n`]), false, store());
      expect(refusal(plan), cap).to.equal(`capability ${JSON.stringify(cap)} is not offered`);
    }
    const ok = await planUploadPack(v0([`want ${TIP} side-band-64k agent=git/2.39.5 object-format=sha1\n`]), false, store());
    expect(ok.kind === 'fetch' && ok.sideband).to.equal(true);
  });

  it('throws a ProtocolError for bytes that are not pkt-lines', async () => {
    let thrown: unknown;
    await planUploadPack(Buffer.from('zzzz'), true, store()).catch((e: unknown) => { thrown = e; });
    expect(thrown).to.be.instanceOf(ProtocolError).with.property('status', 400);
  });
});
