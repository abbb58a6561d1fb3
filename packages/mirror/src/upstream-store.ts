/**
 * The upstream store: a bare mirror of the upstream repository. It holds secrets and is NEVER served:
 * this type deliberately exposes no path for the serving side to use.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { git, gitConfigEnv, GitError, GIT_ERROR } from '@gitgate/git';
import { MirrorError, codes } from './errors.js';
import { inStorageOrder, readObjectBatches, type RawObject } from './cat-file-batch.js';
import type { ObjectTable } from './object-table.js';
import { walkNewObjects } from './object-walk.js';
import { upstreamFailureKind } from './upstream-failure.js';
import { readLocalRefs } from './local-refs.js';
import { RefTransactions } from './ref-transactions.js';
import { ObjectReader } from './object-reader.js';
import { inRefOrder } from './ref-order.js';

/** Where and how to fetch the upstream repository. */
export interface UpstreamSource {
  /** A local path, file:// URL or http(s):// smart-HTTP URL. */
  url: string;
  /** Extra `http.extraHeader` values (e.g. an Authorization header); never logged or shown. */
  extraHeaders?: string[];
  /** Called before every fetch for headers that change over time (an expiring installation token). */
  headers?: () => Promise<string[]>;
  /** A PEM file of CA certificates trusted for this upstream only (`http.sslCAInfo`). */
  caFile?: string;
}

export interface UpstreamRef {
  name: string;
  id: string;
}

/** The refs mirrored from upstream. Everything else (refs/replace, refs/original, notes, pulls) is left out. */
export const MIRRORED_REF_SPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

/** How long a talk with upstream may take before git is stopped and the sync fails. */
export interface UpstreamTimeouts {
  /** `git fetch` (default 300 000 ms). */
  fetchMs?: number;
  /** `git ls-remote`, the check that runs before every clone (default 30 000 ms, never above fetchMs). */
  lsRemoteMs?: number;
}

/** One ref update of an upstream push: `newId` null deletes; `expectedOld` null: the ref must not exist yet. */
export interface UpstreamRefUpdate {
  ref: string;
  newId: string | null;
  expectedOld: string | null;
}

/** What upstream made of one update; `reason` is git's summary of a rejection (e.g. 'stale info'). */
export interface UpstreamPushResult {
  ref: string;
  ok: boolean;
  reason?: string;
}

const DEFAULT_FETCH_TIMEOUT_MS = 300_000;
const DEFAULT_LS_REMOTE_TIMEOUT_MS = 30_000;

export class UpstreamStore {
  readonly #gitDir: string;
  readonly #fetchMs: number;
  readonly #lsRemoteMs: number;
  // This process is the store's only writer, so what it last read or wrote stays true until it fetches.
  #refsCache: UpstreamRef[] | null = null;
  #headCache: string | undefined | null = null;
  /**
   * Whether a git that wrote this store's refs may have died holding a lock (a crash of an earlier
   * process, a killed fetch, a failed ref transaction): the next fetch removes the locks first. Set
   * at start; a sweep reads every ref file, so it is not repeated while the writes succeed.
   */
  #locksMayBeLeft = true;
  /** A local upstream's ref transaction, left running by fetch while the sync walks; see refsWritten. */
  #refsWrite: Promise<void> = Promise.resolve();
  // One long-lived update-ref for every ref transaction of this store (see ref-transactions.ts).
  readonly #refTransactions: RefTransactions;
  /** The reads of a small sync, through one long-lived cat-file (see object-reader.ts). */
  readonly fewObjects: ObjectReader;

  constructor(gitDir: string, timeouts: UpstreamTimeouts = {}) {
    this.#gitDir = gitDir;
    this.#refTransactions = new RefTransactions(gitDir);
    this.fewObjects = new ObjectReader(gitDir);
    this.#fetchMs = timeouts.fetchMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.#lsRemoteMs = Math.min(timeouts.lsRemoteMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS, this.#fetchMs);
  }

  /** Creates the bare repository if needed. */
  async init(): Promise<void> {
    if (existsSync(this.#gitDir)) return;
    mkdirSync(this.#gitDir, { recursive: true });
    await git('init', '--bare', '--quiet').addDynamicArgs(this.#gitDir).run();
    await git('config', 'gc.auto', '0').run({ gitDir: this.#gitDir });
    await git('config', 'core.logAllRefUpdates', 'false').run({ gitDir: this.#gitDir });
  }

  /**
   * Brings the store up to date with upstream's heads, tags and HEAD. Asks upstream for its refs first
   * (one ls-remote) and fetches only when they differ from the store's, so an unchanged upstream costs
   * one round trip. A repository on this machine is not fetched from: the store borrows its objects
   * (alternates; this store is never served) and sets its refs to the ones read, in one ref transaction.
   * That transaction runs on after this resolves (the walk of the new objects needs the ids, not the
   * refs): the caller settles it with {@link refsWritten} before it records anything that builds on it.
   * Returns whether anything changed. Throws MirrorError GITGATE_UPSTREAM_FAILED, also when upstream
   * does not answer within the store's timeouts (git is stopped then). Error messages never contain the
   * URL's credentials or the extra headers.
   */
  async fetch(source: UpstreamSource): Promise<boolean> {
    await this.#settled();
    // A failed write was reported by the sync it belonged to; its refs are read from disk below.
    this.#refsWrite = Promise.resolve();
    const { env, redact, fail } = await remoteAccess(source, 'fetching');
    const localDir = localGitDir(source.url);
    let remote: string[];
    try {
      remote = await remoteRefs(source.url, this.#gitDir, { env, redact, timeoutMs: this.#lsRemoteMs });
    } catch (e) {
      throw fail(e);
    }
    let head: string | undefined;
    const wanted = new Map<string, string>();
    for (const line of remote) {
      const sym = /^ref: (refs\/heads\/\S+)\tHEAD$/.exec(line);
      if (sym) head = sym[1];
      const m = /^([0-9a-f]{40})\t(refs\/(?:heads|tags)\/\S+)$/.exec(line);
      if (m && !m[2].endsWith('^{}')) wanted.set(m[2], m[1]);
    }
    const local = await this.refs();
    const same = local.length === wanted.size && local.every((r) => wanted.get(r.name) === r.id);
    const localHead = await this.head();
    if (!same) {
      this.#refsCache = null;
      if (this.#locksMayBeLeft) removeStaleLocks(this.#gitDir);
      this.#locksMayBeLeft = false;
      try {
        if (localDir !== null) this.#refsCache = await this.#borrow(localDir, local, wanted, { redact, fail });
        else {
          await this.#ownObjects();
          await git('fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', '--').addDynamicArgs(source.url).addArgs(...MIRRORED_REF_SPECS)
            .run({ gitDir: this.#gitDir, env, redact, timeoutMs: this.#fetchMs });
        }
      } catch (e) {
        this.#locksMayBeLeft = true;
        throw fail(e);
      }
    }
    // An upstream without HEAD is fine: keep the previous one.
    if (head && head !== localHead) {
      this.#headCache = null;
      try {
        await git('symbolic-ref', 'HEAD').addDynamicArgs(head).run({ gitDir: this.#gitDir });
      } catch (e) {
        this.#locksMayBeLeft = true;
        throw e;
      }
    }
    return !same || (head !== undefined && head !== localHead);
  }

  /**
   * Points the store at a local upstream's objects (alternates) and moves its refs to `wanted` (from
   * `current`) in one transaction, left running in #refsWrite; returns the refs as they will be, sorted
   * as for-each-ref sorts.
   */
  async #borrow(upstreamGitDir: string, current: readonly UpstreamRef[], wanted: ReadonlyMap<string, string>, access: Pick<RemoteAccess, 'redact' | 'fail'>): Promise<UpstreamRef[]> {
    const objects = realpathSync(join(upstreamGitDir, 'objects'));
    const file = join(this.#gitDir, 'objects', 'info', 'alternates');
    const before = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (before !== objects) {
      // Objects borrowed from another path so far are copied in before that path is let go.
      if (before !== '') await this.#ownObjects();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${objects}\n`);
      this.#letGitGo();
    }
    const lines: string[] = [];
    for (const r of current) if (!wanted.has(r.name)) lines.push(`delete ${r.name}\n`);
    const had = new Map(current.map((r) => [r.name, r.id]));
    for (const [name, id] of wanted) if (had.get(name) !== id) lines.push(`update ${name} ${id}\n`);
    if (lines.length > 0) {
      const write = this.#refTransactions.apply(lines.join(''), { redact: access.redact }).then(
        () => undefined,
        (e: unknown) => {
          // The refs on disk are what they were: the next fetch reads them and writes the transaction again.
          this.#refsCache = null;
          this.#locksMayBeLeft = true;
          throw access.fail(e);
        },
      );
      // Settled by refsWritten or the next operation on the store; never an unhandled rejection meanwhile.
      write.catch(() => undefined);
      this.#refsWrite = write;
    }
    return inRefOrder([...wanted].map(([name, id]) => ({ name, id })));
  }

  /** Lets the store's long-lived git children go (they end; the next use starts others). */
  close(): void {
    this.#letGitGo();
  }

  /** Lets the long-lived git children go: git reads the alternates when it starts, so they would not see a change. */
  #letGitGo(): void {
    this.#refTransactions.close();
    this.fewObjects.close();
  }

  /** Copies in the objects borrowed from a local upstream and stops borrowing (before fetching from elsewhere). */
  async #ownObjects(): Promise<void> {
    const file = join(this.#gitDir, 'objects', 'info', 'alternates');
    if (!existsSync(file)) return;
    // -a without -l packs what the alternates hold too; no timeout: it grows with the repository.
    await git('repack', '-a', '-d', '-q').run({ gitDir: this.#gitDir, timeoutMs: 0 });
    rmSync(file, { force: true });
    this.#letGitGo();
  }

  /**
   * Pushes objects of a quarantine (`objects`: the environment that points git at them, with this store
   * as the alternate) to upstream with the source's credential. Every update carries a lease: upstream's
   * ref must still be at `expectedOld` (null: must not exist), or that ref is rejected (`--force-with-lease`).
   * With `atomic`, upstream takes all or none. Resolves with one result per update; throws MirrorError
   * GITGATE_UPSTREAM_FAILED when upstream cannot be reached or answers nothing git understands. The store
   * itself learns the new refs at its next fetch.
   */
  async push(source: UpstreamSource, updates: readonly UpstreamRefUpdate[], opts: { objects: Readonly<Record<string, string>>; atomic: boolean }): Promise<UpstreamPushResult[]> {
    await this.#settled();
    const { env, redact, fail } = await remoteAccess(source, 'pushing to');
    // Ref names passed the protocol's check-ref-format (they start with refs/), ids are hex.
    const cmd = git('push', '--porcelain', ...(opts.atomic ? ['--atomic'] : []), ...updates.map((u) => `--force-with-lease=${u.ref}:${u.expectedOld ?? ''}`));
    cmd.addArgs('--').addDynamicArgs(source.url, ...updates.map((u) => `${u.newId ?? ''}:${u.ref}`));
    let out: string;
    try {
      out = (await cmd.run({ gitDir: this.#gitDir, env: { ...env, ...opts.objects }, redact, okCodes: [1], timeoutMs: this.#fetchMs })).toString('utf8');
    } catch (e) {
      throw fail(e);
    }
    this.#refsCache = null;
    const results = parsePorcelain(out, updates.map((u) => u.ref));
    if (results === null) throw fail(new Error('git push printed no status for the refs it was given'));
    return results;
  }

  /**
   * Takes in what a push from this store just gave upstream: the pack files of the push's quarantine
   * (`packDir`, moved, not copied) and the refs as upstream now has them (null: deleted), so the sync
   * that follows finds upstream's refs equal to its own and fetches nothing.
   */
  async adoptPush(packDir: string, refs: readonly { name: string; id: string | null }[]): Promise<void> {
    await this.#settled();
    const dest = join(this.#gitDir, 'objects', 'pack');
    mkdirSync(dest, { recursive: true });
    const files = existsSync(packDir) ? readdirSync(packDir).filter((f) => /^pack-[0-9a-f]{40}\.(pack|idx)$/.test(f)) : [];
    // The index last: git looks packs up by their .idx, which must never name a pack not yet there.
    for (const f of files.sort((a, b) => (a.endsWith('.idx') ? 1 : 0) - (b.endsWith('.idx') ? 1 : 0))) renameSync(join(packDir, f), join(dest, f));
    this.#refsCache = null;
    const lines = refs.map((r) => (r.id === null ? `delete ${r.name}\n` : `update ${r.name} ${r.id}\n`)).join('');
    if (lines.length === 0) return;
    try {
      await this.#refTransactions.apply(lines);
    } catch (e) {
      this.#locksMayBeLeft = true;
      throw e;
    }
  }

  /**
   * Resolves once the ref transaction the last fetch left running is on disk; throws its MirrorError
   * (GITGATE_UPSTREAM_FAILED) if it failed. A sync calls it before its id map commit.
   */
  async refsWritten(): Promise<void> {
    await this.#refsWrite;
  }

  /** Waits out a running ref transaction, whatever its outcome (its failure is refsWritten's to report). */
  #settled(): Promise<void> {
    return this.#refsWrite.catch(() => undefined);
  }

  /** The mirrored refs, sorted by name. */
  async refs(): Promise<UpstreamRef[]> {
    if (this.#refsCache) return this.#refsCache;
    await this.#settled();
    const lines = await git('for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags').lines({ gitDir: this.#gitDir });
    this.#refsCache = lines.map((l) => {
      const sp = l.indexOf(' ');
      return { id: l.slice(0, sp), name: l.slice(sp + 1) };
    });
    return this.#refsCache;
  }

  /** The branch HEAD points to, if any. */
  async head(): Promise<string | undefined> {
    if (this.#headCache !== null) return this.#headCache;
    const lines = await git('symbolic-ref', '-q', 'HEAD').lines({ gitDir: this.#gitDir, okCodes: [1] });
    this.#headCache = lines[0];
    return this.#headCache;
  }

  /**
   * Every object reachable from `tips` and not from `exclude`, each once (commits, tags, trees, blobs), in
   * rev-list order. The ids stream into a compact table rather than an array of strings.
   */
  newObjects(tips: readonly string[], exclude: readonly string[]): Promise<ObjectTable> {
    return walkNewObjects(this.#gitDir, tips, exclude);
  }


  /** Reads objects in bulk, a pipe chunk's worth at a time; see readObjectBatches. */
  readBatches(ids: Iterable<string>, opts: { views?: boolean } = {}): AsyncGenerator<RawObject[]> {
    return readObjectBatches(this.#gitDir, ids, opts);
  }

  /** ObjectSource: `ids` in pack order (inStorageOrder). */
  storageOrder(ids: readonly string[]): Promise<number[]> {
    return inStorageOrder(this.#gitDir, ids);
  }

  /**
   * Writes a pack of exactly `ids` (all clean, unchanged objects) with its index straight into `packDir`,
   * another store's pack directory on the same file system, reusing upstream's deltas where the base is
   * in the set; resolves with the pack's name (its hash). pack-objects writes the index from the ids it
   * already knows, so nothing reads the pack back: on git/git's 165k blobs (204 MB) 1.7 s and 1.5 s of
   * CPU, where piping it into `index-pack --stdin` took 16.5 s and 27.8 s. git moves the pack in before
   * its index, so readers see it only when whole. The ids are written as git reads them.
   */
  async packObjectsInto(ids: Iterable<string>, packDir: string): Promise<string> {
    // pack-objects reads its whole list before writing, so feeding it under back-pressure cannot stall.
    // No timeout: its length grows with the repository.
    const out = await git('pack-objects', '--delta-base-offset', '-q').addDynamicArgs(join(packDir, 'pack')).lines({ gitDir: this.#gitDir, inputLines: ids, timeoutMs: 0 });
    const name = out[0] ?? '';
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(name)) throw new MirrorError(codes.gitOutput, 'pack-objects did not name the pack it wrote');
    return name;
  }
}

/**
 * Upstream's refs in `ls-remote --symref` form (`ref: <branch>\tHEAD`, `<id>\t<ref>`). A repository on
 * this machine is read directly (its ref files, for-each-ref when one is unusual, and its HEAD file: where ls-remote,
 * which starts an upload-pack and speaks the protocol, takes ~27 ms on every clone that checks
 * upstream); anything else is asked with ls-remote.
 */
async function remoteRefs(url: string, storeDir: string, opts: { env: Record<string, string>; redact: string[]; timeoutMs: number }): Promise<string[]> {
  const local = localGitDir(url);
  if (local === null) return git('ls-remote', '--symref', '--').addDynamicArgs(url).lines({ gitDir: storeDir, ...opts });
  const refs = readLocalRefs(local) ?? await git('for-each-ref', '--format=%(objectname)%09%(refname)', 'refs/heads', 'refs/tags').lines({ gitDir: local, redact: opts.redact });
  // HEAD is a file that names its branch (`ref: refs/heads/…`); a detached HEAD names no branch.
  const head = /^ref: (refs\/heads\/\S+)\n?$/.exec(readFileSync(join(local, 'HEAD'), 'utf8'))?.[1];
  return head === undefined ? refs : [`ref: ${head}\tHEAD`, ...refs];
}

/**
 * The git directory of an upstream given as an absolute local path (bare, or a work tree's `.git`),
 * or null for URLs, relative paths and paths that hold no repository (left to ls-remote to report).
 */
function localGitDir(url: string): string | null {
  if (!isAbsolute(url)) return null;
  if (existsSync(join(url, 'HEAD')) && existsSync(join(url, 'objects'))) return url;
  const dotGit = join(url, '.git');
  return existsSync(join(dotGit, 'HEAD')) ? dotGit : null;
}

/** How git talks to an upstream: credential headers and CA file in the environment, what to redact, and the failure it raises. */
interface RemoteAccess {
  env: Record<string, string>;
  redact: string[];
  fail: (e: unknown) => MirrorError;
}

/** Resolves the source's headers (an expiring token is fetched now). Throws MirrorError GITGATE_UPSTREAM_FAILED without a credential. */
async function remoteAccess(source: UpstreamSource, verb: 'fetching' | 'pushing to'): Promise<RemoteAccess> {
  const safe = redactUrl(source.url);
  let headers = source.extraHeaders ?? [];
  if (source.headers) {
    try {
      headers = [...headers, ...(await source.headers())];
    } catch (e) {
      const code = (e as { code?: unknown })?.code;
      throw new MirrorError(codes.upstreamFailed, `${verb} upstream ${safe} failed: no credential: ${(e as Error)?.message ?? 'error'}`, {
        data: { kind: 'credential', ...(typeof code === 'string' ? { credentialError: code } : {}) },
      });
    }
  }
  // Passed in the environment, not as -c arguments: a child's argv is readable by every local user (ps).
  const env = gitConfigEnv([
    ...headers.map((h): [string, string] => ['http.extraHeader', h]),
    ...(source.caFile ? [['http.sslCAInfo', source.caFile] as [string, string]] : []),
  ]);
  // The kind (data.kind) is what a git client is told; the message, naming the upstream, is for the log.
  const fail = (e: unknown): MirrorError => {
    const timedOut = e instanceof GitError && e.code === GIT_ERROR.timeout;
    const kind = upstreamFailureKind((e as Error).message, timedOut);
    return new MirrorError(codes.upstreamFailed, `${verb} upstream ${safe} failed: ${scrub((e as Error).message, source, headers)}`, {
      data: e instanceof GitError ? { gitCode: e.code, ...(timedOut ? { timedOut: true } : {}), kind } : { kind },
    });
  };
  // The runner hides these in git's stderr; the URL's userinfo is hidden by its pattern as well.
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(source.url)?.[1];
  return { env, redact: [...headers, ...(userinfo ? [userinfo] : [])], fail };
}

/** Removes userinfo from a URL so it can be shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function scrub(message: string, source: UpstreamSource, headers: readonly string[]): string {
  let out = message.split(source.url).join(redactUrl(source.url));
  for (const h of headers) out = out.split(h).join('***');
  return out.replace(/(https?:\/\/)[^/@\s]*@/gi, '$1***@');
}

/**
 * Removes the lock files a fetch stopped by SIGKILL (a timeout, a killed gateway) leaves behind, which
 * would fail every later fetch ("Unable to create '…lock': File exists"). Only this process writes the
 * store (the data-directory lock and the single-flight sync), so no other writer can hold them.
 */
function removeStaleLocks(gitDir: string): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.lock')) rmSync(p, { force: true });
    }
  };
  for (const name of ['HEAD.lock', 'packed-refs.lock', 'shallow.lock', 'config.lock']) rmSync(join(gitDir, name), { force: true });
  if (existsSync(join(gitDir, 'refs'))) walk(join(gitDir, 'refs'));
}

/**
 * The per-ref lines of `git push --porcelain` (`<flag>\t<from>:<to>\t<summary>`; flag `!` rejected,
 * `=` up to date), one result per ref asked; null when a ref has no line (git stopped before pushing).
 */
function parsePorcelain(out: string, refs: readonly string[]): UpstreamPushResult[] | null {
  const byRef = new Map<string, UpstreamPushResult>();
  for (const line of out.split('\n')) {
    const m = /^(.)\t[^\t]*:([^\t:]+)\t(.*)$/.exec(line);
    if (!m) continue;
    const ok = m[1] !== '!';
    // '[rejected] (stale info)', '[remote rejected] (pre-receive hook declined)'
    const reason = /\(([^)]*)\)\s*$/.exec(m[3]!)?.[1] ?? m[3]!.replace(/^\[|\]$/g, '');
    byRef.set(m[2]!, ok ? { ref: m[2]!, ok } : { ref: m[2]!, ok, reason });
  }
  const results = refs.map((r) => byRef.get(r));
  return results.every((r) => r !== undefined) ? (results as UpstreamPushResult[]) : null;
}
