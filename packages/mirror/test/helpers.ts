/**
 * Test helpers for the mirror: upstream repositories built with git plumbing in temp dirs (so every
 * byte of every object is under the test's control), fake secrets built from parts at run time, and
 * a data directory with a real vault, id map and scanner.
 */
import { randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hashObject, serializeTree, type ObjectType, type TreeEntry } from '@gitgate/objects';
import { createScanner, matchableBare, type Scanner } from '@gitgate/scanner';
import { Vault, loadOrCreateKey } from '@gitgate/vault';
import { IdMap, RepoMirror, type RepoMirrorOptions, type SecretSink } from '../src/index.js';
import { randomChars as randomAlnum, GIT_CLEAN_ENV, removeDirs as removeDirsOf, tempDir as tempDirOf } from '@gitgate/testkit';
export { tempDir, removeDirs as removeDir, randomChars as randomAlnum } from '@gitgate/testkit';

/**
 * Letters without vowels and digits without 0, 1 and 7: a random body from them can never spell a
 * placeholder the scanner allows (`your`, `Test`, `Token`, `1234567`, `xxxxx`…), which a plain base62
 * body does about once in 10^5 draws — often enough to flake a suite that draws thousands.
 */
const PAT_BODY = 'BCDFGHJKLMNPQRSTVWZbcdfghjkmnpqrstvwz234568';

/**
 * A classic GitHub PAT shape, assembled at run time so the repository never holds one. Drawn again until
 * the value is matchable bare (a known value): about 2.5 % of random bodies have their letters in runs
 * long enough to look word-built (`wordLike` in the scanner's known-secrets.ts), and such a value is found
 * by its rule but never learned, so a sync's rechecks (and with them the order of its pack) would depend
 * on the draw: the incremental-sync test that expects the same pack twice failed about once in 20 runs.
 */
export function fakeGithubPat(): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 36; i++) body += PAT_BODY[randomInt(PAT_BODY.length)];
    const pat = 'gh' + 'p_' + body;
    if (matchableBare(Buffer.from(pat, 'latin1'))) return pat;
  }
}

/** A signature block shaped like gpg's output (not a key; assembled so no scanner flags this file). */
export function fakePgpSignature(): string {
  const dashes = '-'.repeat(5);
  return [`${dashes}BEGIN PGP SIGNATURE${dashes}`, '', 'iQEzBAABCAAdFiEE' + randomAlnum(40), '=' + randomAlnum(4), `${dashes}END PGP SIGNATURE${dashes}`, ''].join('\n');
}

/** Puts ' ' after each inner newline, as git writes a multi-line header value. */
export function fold(value: string): string {
  return value.replace(/\n$/, '').replace(/\n/g, '\n ');
}

/** Environment for test-side git: no user or system config, fixed identities and dates. */
const GIT_ENV = GIT_CLEAN_ENV;

/** Runs git on a repository (`--git-dir`); returns stdout, throws with stderr on failure. */
export function git(gitDir: string, args: string[], input?: Buffer | string): Buffer {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { env: GIT_ENV, input, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** True when `id` is an object of the repository. */
export function hasObject(gitDir: string, id: string): boolean {
  return spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', id], { env: GIT_ENV }).status === 0;
}

/** Resolves a revision (e.g. 'main:dir/file') to an id. */
export function revParse(gitDir: string, rev: string): string {
  return git(gitDir, ['rev-parse', '--verify', '--end-of-options', rev]).toString('latin1').trim();
}

/** Raw content of an object (trees in their binary form). */
export function readObject(gitDir: string, id: string): { type: ObjectType; content: Buffer } {
  const type = git(gitDir, ['cat-file', '-t', id]).toString('latin1').trim() as ObjectType;
  return { type, content: git(gitDir, ['cat-file', type, id]) };
}

/** Every object of a repository, headers and contents (`cat-file --batch-all-objects --batch`). */
export function allObjects(gitDir: string): Buffer {
  return git(gitDir, ['cat-file', '--batch-all-objects', '--batch']);
}

/** Every ref of a repository, name → id. */
export function refsOf(gitDir: string): Map<string, string> {
  const out = git(gitDir, ['for-each-ref', '--format=%(objectname) %(refname)']).toString('latin1');
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) if (line) refs.set(line.slice(41), line.slice(0, 40));
  return refs;
}

/** The branch HEAD points to. */
export function symbolicHead(gitDir: string): string {
  return git(gitDir, ['symbolic-ref', 'HEAD']).toString('latin1').trim();
}

export interface EntrySpec {
  name: string | Buffer;
  id: string;
  /** Default '100644' (or '40000' when `tree` is set). */
  mode?: string;
  tree?: boolean;
}

export interface CommitSpec {
  tree: string;
  parents?: string[];
  message: string | Buffer;
  /** Raw header lines (already folded) placed after committer. */
  extraHeaders?: string[];
  /** Seconds since the epoch for author and committer (default fixed). */
  time?: number;
}

/**
 * A bare upstream repository written with plumbing (`hash-object --literally`), so tests can build
 * odd modes, non-UTF-8 names, signature headers and exact messages.
 */
export class Upstream {
  readonly gitDir: string;
  #clock = 1_700_000_000;

  private constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  static create(gitDir: string): Upstream {
    fs.mkdirSync(gitDir, { recursive: true });
    git(gitDir, ['init', '--bare', '--quiet']);
    git(gitDir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    return new Upstream(gitDir);
  }

  /** Writes an object as is; returns its id. */
  write(type: ObjectType, content: Buffer | string): string {
    const id = git(this.gitDir, ['hash-object', '-t', type, '-w', '--literally', '--stdin'], content).toString('latin1').trim();
    if (id !== hashObject(type, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'))) throw new Error('hash mismatch');
    return id;
  }

  blob(content: Buffer | string): string {
    return this.write('blob', content);
  }

  /** A tree from entries in git's canonical order (directories sort as if their name ended in '/'). */
  tree(entries: EntrySpec[]): string {
    const full: TreeEntry[] = entries.map((e) => ({
      mode: e.mode ?? (e.tree ? '40000' : '100644'),
      name: Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8'),
      id: e.id,
    }));
    const key = (e: TreeEntry): Buffer => (e.mode === '40000' ? Buffer.concat([e.name, Buffer.from('/')]) : e.name);
    full.sort((a, b) => Buffer.compare(key(a), key(b)));
    return this.write('tree', serializeTree(full));
  }

  /** A tree exactly as given (no sorting, modes as written). */
  rawTree(entries: TreeEntry[]): string {
    return this.write('tree', serializeTree(entries));
  }

  /** Nested trees from a path → content map; returns the root tree id. */
  files(files: Record<string, string | Buffer>): string {
    const root: Dir = new Map();
    for (const [p, content] of Object.entries(files)) {
      const parts = p.split('/');
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let sub = dir.get(part);
        if (!(sub instanceof Map)) {
          sub = new Map();
          dir.set(part, sub);
        }
        dir = sub;
      }
      dir.set(parts[parts.length - 1]!, this.blob(content));
    }
    const build = (dir: Dir): string => this.tree([...dir].map(([name, v]) => (
      typeof v === 'string' ? { name, id: v } : { name, id: build(v), tree: true })));
    return build(root);
  }

  /** Commit bytes, without writing them. */
  commitContent(spec: CommitSpec): Buffer {
    const time = spec.time ?? this.#clock;
    const lines = [`tree ${spec.tree}`];
    for (const p of spec.parents ?? []) lines.push(`parent ${p}`);
    lines.push(`author Ada Tester <ada@example.test> ${time} +0100`);
    lines.push(`committer Bob Tester <bob@example.test> ${time} +0100`);
    lines.push(...(spec.extraHeaders ?? []));
    const head = Buffer.from(lines.join('\n') + '\n\n', 'utf8');
    return Buffer.concat([head, Buffer.isBuffer(spec.message) ? spec.message : Buffer.from(spec.message, 'utf8')]);
  }

  commit(spec: CommitSpec): string {
    const id = this.write('commit', this.commitContent({ ...spec, time: spec.time ?? this.#clock }));
    this.#clock += 60;
    return id;
  }

  /** Builds the files into a tree and commits it. */
  commitFiles(files: Record<string, string | Buffer>, message: string, parents: string[] = []): string {
    return this.commit({ tree: this.files(files), parents, message });
  }

  /** Annotated tag bytes, without writing them. */
  tagContent(spec: { object: string; type?: ObjectType; tag: string; message: string }): Buffer {
    return Buffer.from([
      `object ${spec.object}`, `type ${spec.type ?? 'commit'}`, `tag ${spec.tag}`,
      'tagger Ada Tester <ada@example.test> 1700000000 +0100', '', spec.message,
    ].join('\n'), 'utf8');
  }

  tag(spec: { object: string; type?: ObjectType; tag: string; message: string }): string {
    return this.write('tag', this.tagContent(spec));
  }

  setRef(name: string, id: string): void {
    git(this.gitDir, ['update-ref', name, id]);
  }

  deleteRef(name: string): void {
    git(this.gitDir, ['update-ref', '-d', name]);
  }

  setHead(ref: string): void {
    git(this.gitDir, ['symbolic-ref', 'HEAD', ref]);
  }
}

type Dir = Map<string, string | Dir>;

/** A data directory with a real key file, vault, id map and scanner. */
export interface DataEnv {
  dir: string;
  keyPath: string;
  vault: Vault;
  idMap: IdMap;
  scanner: Scanner;
  close(): Promise<void>;
}

let sharedScanner: Scanner | undefined;

/** The default scanner, compiled once per test run. */
export function defaultScanner(): Scanner {
  sharedScanner ??= createScanner();
  return sharedScanner;
}

/**
 * Opens a data directory. With `keyFrom`, the key file is a copy of that file (a second replica of
 * the same deployment); otherwise a new key is created.
 */
export async function openDataEnv(dir: string, opts: { keyFrom?: string; scanner?: Scanner } = {}): Promise<DataEnv> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = path.join(dir, 'gitgate.key');
  if (opts.keyFrom) {
    fs.copyFileSync(opts.keyFrom, keyPath);
    fs.chmodSync(keyPath, 0o600);
  }
  const masterKey = await loadOrCreateKey(keyPath);
  const vault = await Vault.open({ dbPath: path.join(dir, 'vault.db'), masterKey });
  const idMap = await IdMap.open(path.join(dir, 'mirror.db'));
  return {
    dir, keyPath, vault, idMap, scanner: opts.scanner ?? defaultScanner(),
    async close() {
      await idMap.close();
      await vault.close();
    },
  };
}

export const REPO = 'acme/api';

/** A RepoMirror of `upstream` in `env` (no coalescing unless asked). */
export function makeMirror(env: DataEnv, upstreamUrl: string, extra: Partial<RepoMirrorOptions> = {}): RepoMirror {
  return new RepoMirror({
    name: REPO, source: { url: upstreamUrl }, dir: path.join(env.dir, 'repos', 'acme%2Fapi'),
    idMap: env.idMap, vault: env.vault, scanner: env.scanner, coalesceMs: 0, ...extra,
  });
}

/** A vault wrapper for RepoMirror that runs `beforePut` before each real `put`. */
export function wrapVault(vault: Vault, beforePut: (records: Parameters<Vault['put']>[0]) => Promise<void> | void): SecretSink {
  return {
    tokenFor: (type, secret) => vault.tokenFor(type, secret),
    async put(records) {
      await beforePut(records);
      await vault.put(records);
    },
  };
}

/** Gateway tokens in a text, in order of appearance. */
export function tokensIn(text: string): string[] {
  return [...text.matchAll(/\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]{24}\]\]/g)].map((m) => m[0]);
}

/** What {@link upstreamPerTest} gives each test: its temp dir, its upstream, and data dirs to open in it. */
export interface PerTest {
  readonly dir: string;
  readonly up: Upstream;
  /** Opens data dir `name` (with `keyFrom`: a copy of that key file, a second replica); closed after the test. */
  open(name: string, keyFrom?: string): Promise<DataEnv>;
}

/**
 * Registers beforeEach/afterEach hooks that give each test a temp dir holding a fresh upstream, and
 * close the data dirs it opened (with `scanner()` when given) and remove the temp dir after it.
 */
export function upstreamPerTest(scanner?: () => Scanner): PerTest {
  let dir = '';
  let up: Upstream | undefined;
  const envs: DataEnv[] = [];
  beforeEach(() => {
    dir = tempDirOf();
    up = Upstream.create(path.join(dir, 'upstream.git'));
  });
  afterEach(async () => {
    for (const e of envs.splice(0)) await e.close();
    removeDirsOf(dir);
  });
  return {
    get dir() {
      return dir;
    },
    get up() {
      return up!;
    },
    async open(name, keyFrom) {
      const env = await openDataEnv(path.join(dir, name), { keyFrom, ...(scanner === undefined ? {} : { scanner: scanner() }) });
      envs.push(env);
      return env;
    },
  };
}

/**
 * A 20-character password that the vault matches bare as a known secret wherever it recurs: letters
 * and digits alternate, both cases, so it is never words-built or single-case (which known-secret
 * matching leaves to context, docs/scanner.md) — a plain random draw is, now and then.
 */
export function unwordlyPassword(): string {
  const upper = 'BCDFGHJKLMNPQRSTVWXZ';
  const lower = upper.toLowerCase();
  let out = '';
  for (let i = 0; i < 20; i++) out += i % 2 === 1 ? String(2 + randomInt(8)) : (i % 4 === 0 ? upper : lower)[randomInt(upper.length)];
  return out;
}
