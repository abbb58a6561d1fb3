// Differential fuzzing of the gateway's upload-pack request parser against `git upload-pack` itself
// (invariant 10: as lenient as git, no more). Shared by scripts/fuzz-upload-pack.mjs (large runs) and
// packages/server/test/upload-pack-fuzz.test.ts (a short seeded run in the suite).
//
// Each request body is generated from a seeded PRNG (v0 or v2, valid or mutated), sent to the gateway
// over HTTP and, unless a named refusal rule already explains the gateway's answer, to
// `git upload-pack --stateless-rpc` on the same, unmodified repository with the gateway's serving config.
// The REFUSAL_RULES below are the gateway's deliberate refusals; docs/architecture.md lists the same.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

// ---------------------------------------------------------------------------------------------------
// PRNG

/** A seeded PRNG (mulberry32 over an FNV-1a hash of the seed text): () => float in [0, 1). */
export function createRng(seed) {
  let h = 0x811c9dc5;
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  let a = h;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[Math.floor(next() * list.length)];
  next.chance = (p) => next() < p;
  next.hex = (n) => {
    let s = '';
    while (s.length < n) s += Math.floor(next() * 16).toString(16);
    return s;
  };
  return next;
}

// ---------------------------------------------------------------------------------------------------
// The repository both sides serve: small, secret-free, deterministic.

const FIXED_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fuzz', GIT_AUTHOR_EMAIL: 'fuzz@example.com', GIT_COMMITTER_NAME: 'Fuzz', GIT_COMMITTER_EMAIL: 'fuzz@example.com',
};

function gitSync(args, opts = {}) {
  return execFileSync('git', args, { env: { ...FIXED_ENV, ...opts.env }, cwd: opts.cwd, input: opts.input, maxBuffer: 64 << 20 }).toString('utf8');
}

/**
 * Makes a bare repository without secrets (so the sanitized store equals it): two branches with a merge,
 * an annotated and a lightweight tag, a few blobs and directories. Returns its path.
 */
export function makeCleanRepo(dir) {
  const work = join(dir, 'work');
  const bare = join(dir, 'clean.git');
  mkdirSync(work, { recursive: true });
  gitSync(['init', '-q', '-b', 'main', work]);
  let t = 1_600_000_000;
  const commit = (msg) => {
    t += 3600;
    const date = `${t} +0000`;
    gitSync(['add', '-A'], { cwd: work });
    gitSync(['commit', '-q', '-m', msg], { cwd: work, env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  };
  const write = (path, text) => {
    mkdirSync(join(work, path, '..'), { recursive: true });
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', join(work, path)], { input: text });
  };
  for (let i = 0; i < 6; i++) {
    write(`src/file${i % 3}.txt`, `line ${i}\n`.repeat(i + 1));
    write(`docs/note${i}.md`, `# note ${i}\n`);
    commit(`commit ${i}`);
  }
  gitSync(['tag', '-a', 'v1.0', '-m', 'release 1.0'], { cwd: work, env: { GIT_COMMITTER_DATE: `${t} +0000` } });
  gitSync(['checkout', '-q', '-b', 'feature/x', 'HEAD~2'], { cwd: work });
  write('feature.txt', 'feature\n');
  commit('feature work');
  gitSync(['tag', 'light'], { cwd: work });
  gitSync(['checkout', '-q', 'main'], { cwd: work });
  t += 3600;
  gitSync(['merge', '-q', '--no-ff', '-m', 'merge feature', 'feature/x'], { cwd: work, env: { GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000` } });
  gitSync(['clone', '-q', '--bare', work, bare]);
  gitSync(['--git-dir', bare, 'remote', 'remove', 'origin']);
  return bare;
}

/** Object ids, refs and commit dates of a repository: what the generator draws wants and haves from. */
export function repoContext(gitDir) {
  const refs = gitSync(['--git-dir', gitDir, 'show-ref']).trim().split('\n').map((l) => l.split(' '));
  const objects = gitSync(['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check']).trim().split('\n').map((l) => l.split(' '));
  const commits = objects.filter((o) => o[1] === 'commit').map((o) => o[0]);
  return {
    tips: [...new Set(refs.map((r) => r[0]))],
    refNames: refs.map((r) => r[1]),
    commits,
    others: objects.filter((o) => o[1] !== 'commit').map((o) => o[0]),
    known: new Set(objects.map((o) => o[0])),
    commitTimes: gitSync(['--git-dir', gitDir, 'log', '--all', '--format=%ct']).trim().split('\n').map(Number),
  };
}

// ---------------------------------------------------------------------------------------------------
// pkt-line items and bodies

const FLUSH = { t: 'flush' };
const DELIM = { t: 'delim' };
const RESPONSE_END = { t: 'end' };
const line = (s) => ({ t: 'line', s });

function encodeItem(item) {
  switch (item.t) {
    case 'flush': return Buffer.from('0000');
    case 'delim': return Buffer.from('0001');
    case 'end': return Buffer.from('0002');
    case 'raw': return item.b;
    default: {
      const data = Buffer.isBuffer(item.s) ? item.s : Buffer.from(item.s, 'latin1');
      const header = item.len ?? (data.length + 4).toString(16).padStart(4, '0');
      return Buffer.concat([Buffer.from(header, 'latin1'), data]);
    }
  }
}

/** The request body of a list of items. */
export function encodeItems(items) {
  return Buffer.concat(items.map(encodeItem));
}

// ---------------------------------------------------------------------------------------------------
// Generator

const V0_CAPS = [
  'multi_ack', 'multi_ack_detailed', 'side-band', 'side-band-64k', 'thin-pack', 'ofs-delta', 'no-progress',
  'include-tag', 'shallow', 'deepen-since', 'deepen-not', 'deepen-relative', 'no-done', 'filter',
  'agent=git/2.39.5', 'agent=libgit2/1.5.0', 'object-format=sha1', 'allow-reachable-sha1-in-want',
];
const ODD_CAPS = [
  'ofs_delta', 'side-band-64', 'SIDE-BAND-64K', 'frobnicate', 'allow-tip-sha1-in-want', 'allow-any-sha1-in-want',
  'object-format=sha256', 'session-id=abc', 'report-status', 'atomic', 'packfile-uris', 'sideband-all', '=x',
  'agent=', 'push-options', 'promisor-remote=x', 'bundle-uri',
];
const FILTERS = [
  'blob:none', 'blob:limit=1024', 'blob:limit=1k', 'blob:limit=0', 'tree:0', 'tree:1', 'combine:blob:none+tree:1',
  'combine:blob%3Anone+tree%3A1', 'blob:limit=1x', 'tree:-1', 'sparse:oid=HEAD:x', 'object:type=blob', 'BLOB:NONE',
  'blob:none ', '', 'combine:', 'blob:limit=', 'sparse:path=x', 'combine:combine:blob:none',
];
const DEEPENS = ['1', '2', '0', '-1', '0x10', '010', '+3', '2147483647', '2147483648', '99999999999999999999', '', '1 ', ' 1', 'abc', '3'];
const V2_CAPS = ['agent=git/2.39.5', 'object-format=sha1', 'session-id=fuzz', 'server-option=x', 'object-format=sha256', 'frobnicate', 'Agent=x', 'agent', 'fetch', 'ls-refs'];
const FETCH_FLAGS = ['thin-pack', 'no-progress', 'include-tag', 'ofs-delta', 'wait-for-done', 'deepen-relative', 'sideband-all', 'done'];

function someId(rng, ctx) {
  const r = rng();
  if (r < 0.55) return rng.pick(ctx.tips);
  if (r < 0.8) return rng.pick(ctx.commits);
  if (r < 0.9) return rng.pick(ctx.others);
  return rng.hex(40);
}

function someTime(rng, ctx) {
  return String(rng.chance(0.7) ? rng.pick(ctx.commitTimes) + rng.int(7200) - 3600 : rng.int(2_000_000_000));
}

function v0Base(rng, ctx) {
  const items = [];
  const caps = V0_CAPS.filter(() => rng.chance(0.35));
  if (rng.chance(0.1)) caps.push(rng.pick(ODD_CAPS));
  const libgit2 = rng.chance(0.3);
  const capText = caps.length === 0 ? '' : ` ${caps.join(' ')}${libgit2 ? ' ' : ''}`;
  const wants = 1 + rng.int(3);
  for (let i = 0; i < wants; i++) items.push(line(`want ${someId(rng, ctx)}${i === 0 ? capText : ''}\n`));
  if (rng.chance(0.15)) items.push(line(`shallow ${someId(rng, ctx)}`));
  const deepenKind = rng.int(8);
  if (deepenKind === 0) items.push(line(`deepen ${rng.pick(DEEPENS)}`));
  else if (deepenKind === 1) items.push(line(`deepen-since ${someTime(rng, ctx)}`));
  else if (deepenKind === 2) items.push(line(`deepen-not ${rng.pick(ctx.refNames)}`));
  if (rng.chance(0.15)) items.push(line(`filter ${rng.pick(FILTERS)}`));
  items.push(FLUSH);
  const haves = rng.chance(0.4) ? 1 + rng.int(4) : 0;
  for (let i = 0; i < haves; i++) items.push(line(`have ${someId(rng, ctx)}\n`));
  const end = rng.int(10);
  if (end < 7) items.push(line('done\n'));
  else if (end < 9 && haves > 0) items.push(FLUSH);
  return items;
}

function v2FetchArgs(rng, ctx) {
  const args = [];
  for (const f of FETCH_FLAGS) if (rng.chance(f === 'done' || f === 'ofs-delta' || f === 'thin-pack' ? 0.5 : 0.08)) args.push(f);
  if (rng.chance(0.1)) args.push(`shallow ${someId(rng, ctx)}`);
  const deepenKind = rng.int(8);
  if (deepenKind === 0) args.push(`deepen ${rng.pick(DEEPENS)}`);
  else if (deepenKind === 1) args.push(`deepen-since ${someTime(rng, ctx)}`);
  else if (deepenKind === 2) args.push(`deepen-not ${rng.pick(ctx.refNames)}`);
  if (rng.chance(0.15)) args.push(`filter ${rng.pick(FILTERS)}`);
  if (rng.chance(0.03)) args.push('packfile-uris https');
  const wants = rng.chance(0.05) ? 0 : 1 + rng.int(3);
  for (let i = 0; i < wants; i++) args.push(`want ${someId(rng, ctx)}`);
  if (rng.chance(0.03)) args.push(`want-ref ${rng.pick(ctx.refNames)}`);
  const haves = rng.chance(0.35) ? 1 + rng.int(4) : 0;
  for (let i = 0; i < haves; i++) args.push(`have ${someId(rng, ctx)}`);
  // done goes last, as git sends it.
  const done = args.indexOf('done');
  if (done >= 0) args.push(...args.splice(done, 1));
  return args;
}

function v2LsRefsArgs(rng) {
  const args = [];
  for (const a of ['peel', 'symrefs', 'unborn']) if (rng.chance(0.5)) args.push(a);
  for (const p of ['refs/heads/', 'refs/tags/', 'HEAD', 'refs/']) if (rng.chance(0.25)) args.push(`ref-prefix ${p}`);
  return args;
}

function v2Base(rng, ctx) {
  const r = rng();
  const command = r < 0.7 ? 'fetch' : r < 0.92 ? 'ls-refs' : rng.pick(['object-info', 'bundle-uri', 'frobnicate', 'FETCH', 'push', '']);
  const items = [line(`command=${command}\n`)];
  if (rng.chance(0.8)) items.push(line('agent=git/2.39.5\n'));
  if (rng.chance(0.8)) items.push(line('object-format=sha1\n'));
  if (rng.chance(0.1)) items.push(line(`${rng.pick(V2_CAPS)}\n`));
  const args = command === 'ls-refs' ? v2LsRefsArgs(rng)
    : command === 'object-info' ? ['size', `oid ${someId(rng, ctx)}`]
      : v2FetchArgs(rng, ctx);
  if (args.length > 0 || rng.chance(0.5)) items.push(DELIM);
  for (const a of args) items.push(line(`${a}\n`));
  items.push(FLUSH);
  return items;
}

function lineIndexes(items) {
  return items.map((it, i) => (it.t === 'line' ? i : -1)).filter((i) => i >= 0);
}

/** Mutations: each takes (items, rng, ctx) and changes items in place; returns false when it does not apply. */
const MUTATIONS = {
  'trailing-space': (items, rng) => editLine(items, rng, (s) => s.replace(/\n?$/, (lf) => ` ${lf}`)),
  'double-space': (items, rng) => editLine(items, rng, (s) => s.replace(' ', '  ')),
  'leading-space': (items, rng) => editLine(items, rng, (s) => ` ${s}`),
  'drop-lf': (items, rng) => editLine(items, rng, (s) => s.replace(/\n$/, '')),
  'add-lf': (items, rng) => editLine(items, rng, (s) => `${s}\n`),
  crlf: (items, rng) => editLine(items, rng, (s) => s.replace(/\n?$/, '\r\n')),
  tab: (items, rng) => editLine(items, rng, (s) => s.replace(' ', '\t')),
  nul: (items, rng) => editLine(items, rng, (s) => s.replace(/\n?$/, (lf) => `\0x${lf}`)),
  'bad-utf8': (items, rng) => editLine(items, rng, (s) => s.replace(/\n?$/, (lf) => `\xff${lf}`)),
  'upper-id': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, (id) => id.toUpperCase())),
  'bad-hex': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, (id) => `${id.slice(0, 17)}${rng.pick(['g', 'z', '-', 'G'])}${id.slice(18)}`)),
  'short-id': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, (id) => id.slice(0, 39))),
  'long-id': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, (id) => `${id}${rng.hex(1 + rng.int(30))}`)),
  'huge-id': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, () => rng.hex(1000 + rng.int(3000)))),
  'unknown-id': (items, rng) => editLine(items, rng, (s) => s.replace(/[0-9a-f]{40}/, () => rng.hex(40))),
  'keyword-case': (items, rng) => editLine(items, rng, (s) => s.replace(/^[a-z-]+/, (w) => w.toUpperCase())),
  'unknown-line': (items, rng, ctx) => insert(items, rng, line(rng.pick([
    'frobnicate\n', 'want-ref refs/heads/main\n', `have ${rng.pick(ctx.tips)}\n`, `want ${rng.pick(ctx.tips)}\n`, 'done\n',
    'deepen-relative\n', 'sideband-all\n', 'no-progress\n', 'include-tag\n', 'thin-pack\n', 'shallow\n', 'want\n', 'deepen 1',
    `deepen-not ${rng.pick(['', 'refs/heads/nope', 'a b', 'main'])}`, 'server-option=x\n', `command=fetch\n`, 'symrefs\n', 'peel x\n',
    `ref-prefix ${rng.pick(['', 'refs/heads/', 'a b'])}\n`, 'object-format=sha1\n', 'packfile-uris https\n', `filter ${rng.pick(FILTERS)}`,
  ]))),
  'odd-capability': (items, rng) => editLine(items, rng, (s) => s.replace(/^(want [0-9a-f]{40})/, (w) => `${w} ${rng.pick(ODD_CAPS)}`)),
  'deepen-value': (items, rng) => insert(items, rng, line(`${rng.pick(['deepen', 'deepen-since'])} ${rng.pick(DEEPENS)}`)),
  'filter-value': (items, rng) => insert(items, rng, line(`filter ${rng.pick(FILTERS)}`)),
  duplicate: (items, rng) => {
    const idx = lineIndexes(items);
    if (idx.length === 0) return false;
    const i = rng.pick(idx);
    items.splice(i, 0, { ...items[i] });
    return true;
  },
  'drop-item': (items, rng) => {
    if (items.length === 0) return false;
    items.splice(rng.int(items.length), 1);
    return true;
  },
  swap: (items, rng) => {
    if (items.length < 2) return false;
    const i = rng.int(items.length - 1);
    [items[i], items[i + 1]] = [items[i + 1], items[i]];
    return true;
  },
  'extra-flush': (items, rng) => insert(items, rng, FLUSH),
  'extra-delim': (items, rng) => insert(items, rng, DELIM),
  'response-end': (items, rng) => insert(items, rng, RESPONSE_END),
  'empty-pkt': (items, rng) => insert(items, rng, line('')),
  'lf-only-pkt': (items, rng) => insert(items, rng, line('\n')),
  'bad-header': (items, rng) => {
    const idx = lineIndexes(items);
    if (idx.length === 0) return false;
    const it = items[rng.pick(idx)];
    const n = Buffer.byteLength(it.s, 'latin1') + 4;
    it.len = rng.pick(['zzzz', '0003', 'fff1', '+01a', (n + 1).toString(16).padStart(4, '0'), (n - 1).toString(16).padStart(4, '0'), n.toString(16).toUpperCase().padStart(4, '0')]);
    return true;
  },
  truncate: (items) => {
    items.push({ t: 'truncate' });
    return true;
  },
  'trailing-bytes': (items, rng) => {
    items.push({ t: 'raw', b: Buffer.from(rng.pick(['0', '00', '000', 'x', '\n', '0000', '0009done\n'])) });
    return true;
  },
  'many-haves': (items, rng, ctx) => {
    const n = rng.chance(0.2) ? 6000 : 50 + rng.int(500);
    const at = items.findIndex((it) => it.t === 'line' && it.s.startsWith('have '));
    const made = Array.from({ length: n }, () => line(`have ${rng.chance(0.5) ? rng.pick(ctx.commits) : rng.hex(40)}\n`));
    if (at < 0) return false;
    items.splice(at, 0, ...made);
    return true;
  },
};

function editLine(items, rng, edit) {
  const idx = lineIndexes(items);
  if (idx.length === 0) return false;
  const i = rng.pick(idx);
  const before = items[i].s;
  const after = edit(before);
  if (after === before) return false;
  items[i] = { ...items[i], s: after };
  return true;
}

function insert(items, rng, item) {
  items.splice(rng.int(items.length + 1), 0, item);
  return true;
}

const MUTATION_NAMES = Object.keys(MUTATIONS);

/**
 * Request number `index` of a run seeded with `seed`: { version: 0 | 2, body, mutations }. Each request
 * depends only on (seed, index), so any one of them can be regenerated alone.
 */
export function generateRequest(seed, index, ctx) {
  const rng = createRng(`${seed}:${index}`);
  const version = rng.chance(0.5) ? 2 : 0;
  const items = version === 2 ? v2Base(rng, ctx) : v0Base(rng, ctx);
  const mutations = [];
  const wanted = rng.chance(0.3) ? 0 : 1 + rng.int(3);
  for (let tries = 0; mutations.length < wanted && tries < 10; tries++) {
    const name = rng.pick(MUTATION_NAMES);
    if (MUTATIONS[name](items, rng, ctx)) mutations.push(name);
  }
  let body = encodeItems(items.filter((it) => it.t !== 'truncate'));
  const cut = items.findIndex((it) => it.t === 'truncate');
  if (cut >= 0) body = body.subarray(0, rng.int(body.length + 1));
  return { version, body, mutations };
}

// ---------------------------------------------------------------------------------------------------
// The gateway's deliberate refusals: predicates over the request bytes, written independently of the
// gateway's parser. A refusal by the gateway is "explained" when one of these holds; a rule that holds
// while the gateway answered is a rule the gateway does not enforce (also reported).

/** Splits a body into pkts without judging them; `framing` names the first framing error, if any. */
export function looseSplit(body) {
  const pkts = [];
  let off = 0;
  while (off < body.length) {
    if (body.length - off < 4) return { pkts, framing: 'body ends inside a pkt header' };
    const head = body.subarray(off, off + 4).toString('latin1');
    // git's hexval takes either case, and so does the gateway.
    if (!/^[0-9a-fA-F]{4}$/.test(head)) return { pkts, framing: `pkt header ${JSON.stringify(head)} is not 4 hex digits` };
    const n = parseInt(head, 16);
    if (n === 0 || n === 1 || n === 2) {
      pkts.push({ kind: ['flush', 'delim', 'end'][n] });
      off += 4;
      continue;
    }
    if (n === 3 || n > 65520) return { pkts, framing: `pkt length ${n} is invalid` };
    if (off + n > body.length) return { pkts, framing: 'body ends inside a pkt' };
    pkts.push({ kind: 'data', data: body.subarray(off + 4, off + n) });
    off += n;
  }
  return { pkts, framing: null };
}

/** A data pkt as text without its one trailing LF, or null when it is not printable UTF-8 text. */
function text(data) {
  let s;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
  if (s.endsWith('\n')) s = s.slice(0, -1);
  return /[\u0000-\u001f\u007f]/.test(s) ? null : s;
}

const ID = /^[0-9a-f]{40}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const CAP_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REF_ARG = /^[^\u0000-\u0020\u007f]+$/;
/** Capabilities a v0 client may name: those the gateway advertises, plus identification. */
const V0_OFFERED = new Set([
  'multi_ack', 'thin-pack', 'side-band', 'side-band-64k', 'ofs-delta', 'shallow', 'deepen-since', 'deepen-not',
  'deepen-relative', 'no-progress', 'include-tag', 'multi_ack_detailed', 'allow-reachable-sha1-in-want', 'no-done',
  'filter', 'agent', 'session-id', 'object-format',
]);
const V2_OFFERED = new Set(['agent', 'object-format']);
const SINGLE_FILTER = [/^blob:none$/, /^blob:limit=[0-9]{1,15}[kKmMgG]?$/, /^tree:[0-9]{1,10}$/];

function filterOffered(spec) {
  if (SINGLE_FILTER.some((re) => re.test(spec))) return true;
  if (!spec.startsWith('combine:')) return false;
  const parts = spec.slice('combine:'.length).split('+');
  return parts.length <= 16 && parts.every((p) => {
    if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(p)) return false;
    let d;
    try { d = decodeURIComponent(p); } catch { return false; }
    return SINGLE_FILTER.some((re) => re.test(d));
  });
}

function capOk(cap, allowSpace) {
  const eq = cap.indexOf('=');
  const key = eq < 0 ? cap : cap.slice(0, eq);
  if (!CAP_KEY.test(key)) return false;
  return eq < 0 || (allowSpace ? /^[\u0020-\u007e]*$/ : /^[\u0021-\u007e]*$/).test(cap.slice(eq + 1));
}

/**
 * The named refusal rules. `doc` is the sentence docs/architecture.md carries for each. Each `test`
 * receives { version, body, pkts, framing, lines, limits, known } and returns true when it applies.
 */
export const REFUSAL_RULES = [
  { name: 'body-too-large', doc: 'a request body over the configured limit (default 16 MiB) or with more than 100,000 pkts (413/400)',
    test: (r) => r.body.length > r.limits.maxBodyBytes || r.pktCount > 100_000 },
  { name: 'pkt-framing', doc: 'a body that is not whole pkt-lines to its last byte: a length header that is not 4 hex digits, 0003, over 65520, cut short, or trailing bytes (git stops reading where it is done; the gateway frames the whole body)',
    test: (r) => r.framing !== null },
  { name: 'line-encoding', doc: 'a line that is not UTF-8 or holds a control character (CR, tab, NUL ...) other than its one trailing LF',
    test: (r) => r.pkts.some((p) => p.kind === 'data' && text(p.data) === null) },
  { name: 'empty-line', doc: 'an empty data pkt (0004, or a lone LF) where git reads a command, argument or want',
    test: (r) => r.lines.some((l) => l.text === '') },
  // v2
  { name: 'v2-shape', doc: 'v2: no command= first, a response-end pkt, a second delim, anything after the final flush, or no final flush',
    test: (r) => r.version === 2 && v2Shape(r) !== null },
  { name: 'command-not-offered', doc: 'v2: any command besides ls-refs and fetch (object-info, bundle-uri, ...)',
    test: (r) => r.version === 2 && v2Shape(r) === null && !['ls-refs', 'fetch'].includes(v2Shape(r, true).command) },
  { name: 'capability-not-offered', doc: 'a capability the gateway does not offer: v2 lines other than agent and object-format=sha1; v0 names outside the gateway\'s advertisement plus agent, session-id, object-format, a value on a v0 capability other than those three (git reads side-band-64k=1 as side-band-64k), or a malformed capability',
    test: (r) => capabilityRefused(r) },
  { name: 'capability-placement', doc: 'v0: capabilities on a want line other than the first',
    test: (r) => r.version === 0 && v0Wants(r).slice(1).some((w) => w.rest.trim() !== '') },
  { name: 'want-ref', doc: 'v2 fetch: want-ref (ref-in-want is not offered; want ids from ls-refs)', test: (r) => fetchArg(r, /^want-ref( |$)/) },
  { name: 'packfile-uris', doc: 'v2 fetch: packfile-uris', test: (r) => fetchArg(r, /^packfile-uris( |$)/) },
  { name: 'sideband-all', doc: 'v2 fetch: sideband-all', test: (r) => fetchArg(r, /^sideband-all( |$)/) },
  { name: 'id-syntax', doc: 'a want, have or shallow whose id is not exactly 40 lowercase hex digits (git takes uppercase and ignores what follows the 40th digit)',
    test: (r) => idLines(r).some((l) => !ID.test(l.id)) },
  { name: 'number-syntax', doc: 'a deepen or deepen-since value that is not plain decimal (git takes 0x10, 010, +3 through strtol) or a deepen outside 1..2^31-1',
    test: (r) => numberRefused(r) },
  { name: 'repeated-argument', doc: 'a repeated deepen, deepen-since or filter line (git keeps the last deepen)',
    test: (r) => ['deepen', 'deepen-since', 'filter', 'packfile-uris'].some((k) => argLines(r).filter((l) => l.startsWith(`${k} `)).length > 1) },
  { name: 'deepen-combination', doc: 'deepen combined with deepen-since or deepen-not (git refuses too)',
    test: (r) => argLines(r).some((l) => l.startsWith('deepen ')) && argLines(r).some((l) => l.startsWith('deepen-since ') || l.startsWith('deepen-not ')) },
  { name: 'filter-not-offered', doc: 'a filter other than blob:none, blob:limit=<n>[kmg], tree:<n> and combine: of those (sparse:oid reads a blob the client names)',
    test: (r) => argLines(r).some((l) => l.startsWith('filter ') && !filterOffered(l.slice(7))) },
  { name: 'ref-syntax', doc: 'a deepen-not, want-ref or ref-prefix value that is empty or holds a space',
    test: (r) => argLines(r).some((l) => /^(deepen-not|ref-prefix|want-ref) /.test(l) && !REF_ARG.test(l.slice(l.indexOf(' ') + 1))) },
  { name: 'unknown-argument', doc: 'a line the command does not know, or a flag given a value (git refuses these too, except in the places listed above)',
    test: (r) => unknownArgument(r) },
  { name: 'v0-shape', doc: 'v0: a delim or response-end pkt, a first line that is not a want, no flush after the wants, or a body ending inside the have round (what follows the round\'s flush or done is not read, as git does not)',
    test: (r) => r.version === 0 && v0Shape(r) !== null },
  { name: 'no-want', doc: 'a fetch that names no object (v0 body without want, v2 fetch without want): a have-only probe is an existence oracle',
    test: (r) => (r.version === 0 ? v0Wants(r).length === 0 : v2Shape(r) === null && v2Shape(r, true).command === 'fetch' && !argLines(r).some((l) => l.startsWith('want ') || l.startsWith('want-ref '))) },
  { name: 'want-not-in-store', doc: 'a want or shallow that is not an object of the sanitized store (git ignores an unknown shallow)',
    test: (r) => idLines(r).some((l) => (l.kind === 'want' || l.kind === 'shallow') && ID.test(l.id) && !r.known.has(l.id)) },
];

/** Data pkts as { index, text } (text null when not text). */
function linesOf(pkts) {
  return pkts.map((p, index) => (p.kind === 'data' ? { index, text: text(p.data) } : null)).filter(Boolean);
}

/** v2: { command, caps, args } or a string naming what is wrong with the shape; with `get`, the parts even when wrong. */
function v2Shape(r, get = false) {
  const p = r.pkts;
  const parts = { command: null, caps: [], args: [] };
  let problem = null;
  const first = p[0]?.kind === 'data' ? text(p[0].data) : null;
  if (first === null || !first.startsWith('command=')) problem = 'no command';
  else parts.command = first.slice('command='.length);
  let section = 'caps';
  let ended = false;
  for (let i = 1; i < p.length; i++) {
    const k = p[i].kind;
    if (ended) { problem ??= 'after flush'; break; }
    if (k === 'flush') { ended = true; continue; }
    if (k === 'end') { problem ??= 'response-end'; continue; }
    if (k === 'delim') { if (section === 'args') problem ??= 'second delim'; section = 'args'; continue; }
    const t = text(p[i].data);
    if (t !== null) parts[section].push(t);
  }
  if (!ended) problem ??= 'no flush';
  if (parts.command !== null && !/^[a-z][a-z0-9-]*$/.test(parts.command)) problem ??= 'command syntax';
  return get ? parts : problem;
}

function v0Section(r) {
  const wants = [];
  let i = 0;
  for (; i < r.pkts.length && r.pkts[i].kind !== 'flush'; i++) if (r.pkts[i].kind === 'data') wants.push(text(r.pkts[i].data));
  return { wantSection: wants.filter((t) => t !== null), flushAt: i };
}

/** v0 want lines: { id, rest } where rest is what follows the id. */
function v0Wants(r) {
  return v0Section(r).wantSection.filter((t) => t.startsWith('want ')).map((t) => {
    const v = t.slice(5);
    const sp = v.indexOf(' ');
    return sp < 0 ? { id: v, rest: '' } : { id: v.slice(0, sp), rest: v.slice(sp) };
  });
}

function v0Shape(r) {
  const p = r.pkts;
  if (p.some((x) => x.kind === 'delim' || x.kind === 'end')) return 'special pkt';
  const first = p[0]?.kind === 'data' ? text(p[0].data) : null;
  if (first === null || !first.startsWith('want')) return 'first line';
  const { flushAt } = v0Section(r);
  if (flushAt >= p.length) return 'no flush after wants';
  // p is already cut at the round's end (v0Read): it is closed when it ends there.
  const last = p.at(-1);
  const closed = p.length === flushAt + 1 || last.kind === 'flush' || (last.kind === 'data' && text(last.data) === 'done');
  return closed ? null : 'ends in a have round';
}

/** Argument lines: v2 args section, or every v0 line besides wants, haves and done. */
function argLines(r) {
  if (r.version === 2) return v2Shape(r, true).args;
  return r.lines.map((l) => l.text).filter((t) => t !== null && !t.startsWith('want ') && !t.startsWith('have ') && t !== 'done');
}

function fetchArg(r, re) {
  return r.version === 2 && v2Shape(r, true).command === 'fetch' && argLines(r).some((l) => re.test(l));
}

/** want/have/shallow lines with their id field (v0 want: up to the first space). */
function idLines(r) {
  const out = [];
  const lines = r.version === 2 ? (v2Shape(r, true).command === 'fetch' ? v2Shape(r, true).args : []) : r.lines.map((l) => l.text).filter((t) => t !== null);
  for (const l of lines) {
    const m = /^(want|have|shallow) (.*)$/.exec(l);
    if (!m) continue;
    const id = r.version === 0 && m[1] === 'want' ? m[2].split(' ')[0] : m[2];
    out.push({ kind: m[1], id });
  }
  return out;
}

function numberRefused(r) {
  return argLines(r).some((l) => {
    const m = /^(deepen|deepen-since) (.*)$/.exec(l);
    if (!m) return false;
    if (!DECIMAL.test(m[2])) return true;
    return m[1] === 'deepen' ? Number(m[2]) < 1 || Number(m[2]) > 0x7fffffff : false;
  });
}

function capabilityRefused(r) {
  if (r.version === 2) {
    if (v2Shape(r) !== null) return false;
    return v2Shape(r, true).caps.some((c) => !capOk(c, true) || c.startsWith('command=') || !V2_OFFERED.has(c.split('=')[0]) || (c.startsWith('object-format=') && c !== 'object-format=sha1'));
  }
  const first = v0Wants(r)[0];
  if (!first) return false;
  return first.rest.split(' ').filter((c) => c !== '').some((c) => !capOk(c, false) || !V0_OFFERED.has(c.split('=')[0])
    || (c.includes('=') && !V0_VALUED_CAPS.has(c.split('=')[0])) || (c.startsWith('object-format=') && c !== 'object-format=sha1'));
}

/** v0 capabilities that take a value: git reads `side-band-64k=1` as side-band-64k, so a value elsewhere is refused. */
const V0_VALUED_CAPS = new Set(['agent', 'session-id', 'object-format']);

const FETCH_FLAG_SET = new Set(['done', 'thin-pack', 'no-progress', 'include-tag', 'ofs-delta', 'deepen-relative', 'sideband-all', 'wait-for-done']);
const FETCH_VALUED = /^(want|have|shallow|deepen|deepen-since|deepen-not|filter|want-ref|packfile-uris) /;
const V0_VALUED = /^(shallow|deepen|deepen-since|deepen-not|filter) /;

function unknownArgument(r) {
  if (r.version === 2) {
    if (v2Shape(r) !== null) return false;
    const { command, args } = v2Shape(r, true);
    if (command === 'fetch') return args.some((a) => !FETCH_FLAG_SET.has(a) && !FETCH_VALUED.test(a));
    if (command === 'ls-refs') return args.some((a) => !['symrefs', 'peel', 'unborn'].includes(a) && !a.startsWith('ref-prefix '));
    return false;
  }
  const { wantSection, flushAt } = v0Section(r);
  if (wantSection.some((t) => !t.startsWith('want ') && !V0_VALUED.test(t))) return true;
  for (let i = flushAt + 1; i < r.pkts.length; i++) {
    if (r.pkts[i].kind !== 'data') continue;
    const t = text(r.pkts[i].data);
    if (t !== null && t !== 'done' && !t.startsWith('have ')) return true;
  }
  return false;
}

/**
 * v0: the pkts upload-pack --stateless-rpc reads, the want section and one have round up to its flush or
 * `done`; it never reads further, nor does the gateway (beyond checking the framing).
 */
function v0Read(pkts) {
  let i = pkts.findIndex((p) => p.kind === 'flush');
  if (i < 0) return pkts;
  for (i++; i < pkts.length; i++) {
    const p = pkts[i];
    if (p.kind === 'flush' || (p.kind === 'data' && text(p.data) === 'done')) return pkts.slice(0, i + 1);
  }
  return pkts;
}

/** Every rule that holds for a request, in the order of REFUSAL_RULES. */
export function matchingRules(version, body, ctx, limits) {
  const { pkts: all, framing } = looseSplit(body);
  const pkts = version === 0 ? v0Read(all) : all;
  const r = { version, body, pkts, pktCount: all.length, framing, lines: linesOf(pkts), limits, known: ctx.known };
  return REFUSAL_RULES.filter((rule) => rule.test(r)).map((rule) => rule.name);
}

// ---------------------------------------------------------------------------------------------------
// Running both sides and classifying

/**
 * The protocol skeleton of an upload-pack response: its pkt lines, with side-band 2 (progress, the
 * gateway's notices) dropped and pack data collapsed to PACK, so git's own answer and the gateway's can
 * be compared without their timing-dependent parts.
 */
export function skeleton(out) {
  const parts = [];
  let off = 0;
  while (off < out.length) {
    if (out.subarray(off, off + 4).toString('latin1') === 'PACK') { parts.push('PACK'); break; }
    const head = out.subarray(off, off + 4).toString('latin1');
    if (!/^[0-9a-fA-F]{4}$/.test(head)) { parts.push('?'); break; }
    const n = parseInt(head, 16);
    if (n < 4) { parts.push(`000${n}`); off += 4; continue; }
    const d = out.subarray(off + 4, off + n);
    off += n;
    if (d[0] === 1) { if (parts.at(-1) !== 'PACK') parts.push('PACK'); continue; }
    if (d[0] === 2) continue;
    if (d[0] === 3) { parts.push('ERR-BAND'); continue; }
    const t = d.toString('latin1').replace(/\n$/, '');
    parts.push(t.startsWith('ERR ') ? 'ERR' : t);
  }
  return parts.join('|');
}

/**
 * Runs `git upload-pack --stateless-rpc --strict` as the gateway does, through a SanitizedStore opened
 * on the unmodified repository (same serving config, same runner); resolves { code, stdout }.
 */
export async function runGitDirect(store, version, body) {
  const run = store.serveUploadPack(body, { protocol: version });
  const out = [];
  for await (const c of run.stdout) out.push(c);
  const exit = await run.exit;
  return { code: exit.exitCode ?? exit.signal, stdout: Buffer.concat(out) };
}

/** POSTs a body to the gateway's upload-pack; resolves { status, body } or { status: 'error', error }. */
export async function postGateway(url, version, body) {
  try {
    const res = await fetch(`${url}/git-upload-pack`, {
      method: 'POST', body,
      headers: {
        'Content-Type': 'application/x-git-upload-pack-request', Accept: 'application/x-git-upload-pack-result',
        ...(version === 2 ? { 'Git-Protocol': 'version=2' } : {}),
      },
    });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  } catch (e) {
    return { status: 'error', error: String(e?.cause ?? e) };
  }
}

/** The gateway's answer: 'refused' (4xx, or an ERR pkt from the gateway), 'answered', or 'failed' (5xx, no answer). */
function gatewayOutcome(g) {
  if (g.status === 'error' || g.status >= 500) return 'failed';
  if (g.status >= 400) return 'refused';
  if (skeleton(g.body).startsWith('ERR') && g.body.includes('gitgate: ')) return 'refused';
  return 'answered';
}

/** A hex dump of a body, 32 bytes a line, for reproducing a request by hand. */
export function hexDump(body, max = 4096) {
  const lines = [];
  for (let i = 0; i < Math.min(body.length, max); i += 32) lines.push(body.subarray(i, i + 32).toString('hex'));
  if (body.length > max) lines.push(`... (${body.length} bytes)`);
  return lines.join('\n');
}

/**
 * Sends `count` generated requests (indexes from..from+count-1) to both sides with `concurrency`
 * in flight, and classifies each. Options: { seed, count, from, url (the repository URL, …/x.git),
 * gitDir (the unmodified repository), ctx (repoContext), store (a SanitizedStore on gitDir), maxBodyBytes,
 * concurrency, checkAll (run git even where a rule explains the refusal), onProgress, onDisagreement
 * (called with each unexplained one as it happens), signal (stops
 * taking new requests; the figures then cover those finished) }.
 * Resolves { total, classes, rules, gitOnRules (with checkAll: per first rule, whether git took the
 * request), gitRuns, disagreements: [{ index, kind, ... }] }.
 */
export async function runFuzz(o) {
  const stats = { total: 0, classes: {}, rules: {}, gitOnRules: {}, disagreements: [], gitRuns: 0 };
  const bump = (m, k) => { m[k] = (m[k] ?? 0) + 1; };
  const limits = { maxBodyBytes: o.maxBodyBytes };
  let next = o.from ?? 0;
  const end = next + o.count;
  const one = async (index) => {
    const req = generateRequest(o.seed, index, o.ctx);
    const rules = matchingRules(req.version, req.body, o.ctx, limits);
    const gw = await postGateway(o.url, req.version, req.body);
    const gwOutcome = gatewayOutcome(gw);
    const report = (kind, extra = {}) => {
      bump(stats.classes, kind);
      const d = {
        index, kind, version: req.version, mutations: req.mutations, rules, gatewayStatus: gw.status,
        gateway: gw.body ? gw.body.subarray(0, 300).toString('latin1') : gw.error, hex: hexDump(req.body), ...extra,
      };
      stats.disagreements.push(d);
      o.onDisagreement?.(d);
    };
    if (gwOutcome === 'failed') return report('gateway-failed');
    if (gwOutcome === 'refused' && rules.length > 0 && !o.checkAll) {
      bump(stats.classes, 'refused-by-rule');
      bump(stats.rules, rules[0]);
      return undefined;
    }
    stats.gitRuns++;
    const g = await runGitDirect(o.store, req.version, req.body);
    const gitOk = g.code === 0;
    if (gwOutcome === 'refused') {
      if (rules.length > 0) {
        bump(stats.classes, gitOk ? 'refused-by-rule' : 'both-refused');
        bump(stats.rules, rules[0]);
        bump(stats.gitOnRules, `${rules[0]} ${gitOk ? 'git-accepts' : 'git-refuses'}`);
        return undefined;
      }
      if (!gitOk) return bump(stats.classes, 'both-refused');
      return report('refused-without-rule', { git: skeleton(g.stdout).slice(0, 300) });
    }
    // The gateway answered: nothing a rule refuses may get through, and its answer must be git's.
    if (rules.length > 0) return report('rule-not-enforced', { git: gitOk ? 'accepted' : `refused: ${g.stderr.slice(0, 200)}` });
    const mine = skeleton(gw.body);
    const theirs = skeleton(g.stdout);
    if (mine === theirs) return bump(stats.classes, gitOk ? 'both-accepted' : 'both-refused (git under the gateway)');
    return report(gitOk ? 'different-answer' : 'gateway-more-lenient', { gatewaySkeleton: mine.slice(0, 300), gitSkeleton: theirs.slice(0, 300), gitStderr: g.stderr.slice(0, 200) });
  };
  const worker = async () => {
    while (next < end && !o.signal?.aborted) {
      const index = next++;
      await one(index);
      stats.total++;
      if (o.onProgress && stats.total % 1000 === 0) o.onProgress(stats);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  stats.disagreements.sort((a, b) => a.index - b.index);
  return stats;
}

// ---------------------------------------------------------------------------------------------------
// The target: a clean repository and a gateway serving it

/**
 * Makes the clean repository under `dir`, starts a gateway on 127.0.0.1:0 serving it as fuzz/clean
 * (`startGateway` injected: the script and the test load it from different places), syncs it, and
 * checks that the sanitized store holds exactly the repository's objects. Resolves
 * { url, gitDir, ctx, maxBodyBytes, gateway, close() }.
 */
export async function startFuzzTarget({ dir, startGateway, maxBodyBytes = 256 * 1024, logger }) {
  const gitDir = makeCleanRepo(dir);
  const gateway = await startGateway({
    // The audit's durable write per request is not what is tested here, and would dominate the run time.
    port: 0, dataDir: join(dir, 'data'), auth: { mode: 'none' }, coalesceMs: 0, maxBodyBytes, logger, auditEnabled: false,
    repos: [{ name: 'fuzz/clean', upstream: { url: gitDir } }],
  });
  const url = `${gateway.url}/fuzz/clean.git`;
  const adv = await fetch(`${url}/info/refs?service=git-upload-pack`);
  if (adv.status !== 200) throw new Error(`gateway advertisement failed: ${adv.status}`);
  await adv.arrayBuffer();
  const objects = (d) => gitSync(['--git-dir', d, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).trim().split('\n').sort().join('\n');
  if (objects(gateway.repos.get('fuzz/clean').sanitized.gitDir) !== objects(gitDir)) {
    throw new Error('the sanitized store differs from the clean repository: the comparison would be meaningless');
  }
  return { url, gitDir, ctx: repoContext(gitDir), maxBodyBytes, gateway, close: () => gateway.close() };
}
