/**
 * The upstream store: a bare mirror of the upstream repository. It holds secrets and is NEVER served:
 * this type deliberately exposes no path for the serving side to use.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Writable } from 'node:stream';
import { forEachGitLine, gitConfigEnv, gitLines, runGit, spawnGit } from './git.js';
import { MirrorError, codes } from './errors.js';
import { readObjectBatches, type RawObject } from './cat-file-batch.js';
import { ObjectTable } from './object-table.js';

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

export class UpstreamStore {
  readonly #gitDir: string;
  // This process is the store's only writer, so what it last read or wrote stays true until it fetches.
  #refsCache: UpstreamRef[] | null = null;
  #headCache: string | undefined | null = null;

  constructor(gitDir: string) {
    this.#gitDir = gitDir;
  }

  /** Creates the bare repository if needed. */
  async init(): Promise<void> {
    if (existsSync(this.#gitDir)) return;
    mkdirSync(this.#gitDir, { recursive: true });
    await runGit(['init', '--bare', '--quiet', this.#gitDir]);
    await runGit(['config', 'gc.auto', '0'], { gitDir: this.#gitDir });
    await runGit(['config', 'core.logAllRefUpdates', 'false'], { gitDir: this.#gitDir });
  }

  /**
   * Brings the store up to date with upstream's heads, tags and HEAD. Asks upstream for its refs first
   * (one ls-remote) and fetches only when they differ from the store's, so an unchanged upstream costs
   * one round trip. Returns whether anything changed. Error messages never contain the URL's
   * credentials or the extra headers.
   */
  async fetch(source: UpstreamSource): Promise<boolean> {
    const safe = redactUrl(source.url);
    let headers = source.extraHeaders ?? [];
    if (source.headers) {
      try {
        headers = [...headers, ...(await source.headers())];
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        throw new MirrorError(codes.upstreamFailed, `fetching upstream ${safe} failed: no credential: ${(e as Error)?.message ?? 'error'}`, {
          data: typeof code === 'string' ? { credentialError: code } : undefined,
        });
      }
    }
    // Passed in the environment, not as -c arguments: a child's argv is readable by every local user (ps).
    const env = gitConfigEnv([
      ...headers.map((h): [string, string] => ['http.extraHeader', h]),
      ...(source.caFile ? [['http.sslCAInfo', source.caFile] as [string, string]] : []),
    ]);
    const fail = (e: unknown): MirrorError => new MirrorError(codes.upstreamFailed, `fetching upstream ${safe} failed: ${scrub((e as Error).message, source, headers)}`);
    let remote: string[];
    try {
      remote = await remoteRefs(source.url, this.#gitDir, safe, env);
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
      try {
        await runGit(['fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', '--', source.url, ...MIRRORED_REF_SPECS], {
          gitDir: this.#gitDir,
          describe: `fetch ${safe}`,
          env,
        });
      } catch (e) {
        throw fail(e);
      }
    }
    // An upstream without HEAD is fine: keep the previous one.
    if (head && head !== localHead) {
      this.#headCache = null;
      await runGit(['symbolic-ref', 'HEAD', head], { gitDir: this.#gitDir });
    }
    return !same || (head !== undefined && head !== localHead);
  }

  /** The mirrored refs, sorted by name. */
  async refs(): Promise<UpstreamRef[]> {
    if (this.#refsCache) return this.#refsCache;
    const lines = await gitLines(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'], { gitDir: this.#gitDir });
    this.#refsCache = lines.map((l) => {
      const sp = l.indexOf(' ');
      return { id: l.slice(0, sp), name: l.slice(sp + 1) };
    });
    return this.#refsCache;
  }

  /** The branch HEAD points to, if any. */
  async head(): Promise<string | undefined> {
    if (this.#headCache !== null) return this.#headCache;
    const lines = await gitLines(['symbolic-ref', '-q', 'HEAD'], { gitDir: this.#gitDir, okCodes: [1] });
    this.#headCache = lines[0];
    return this.#headCache;
  }

  /**
   * Every object reachable from `tips` and not from `exclude`, each once (commits, tags, trees, blobs), in
   * rev-list order. The ids stream into a compact table rather than an array of strings.
   */
  async newObjects(tips: readonly string[], exclude: readonly string[]): Promise<ObjectTable> {
    const table = new ObjectTable();
    if (tips.length === 0) return table;
    const input = [...new Set(tips)].join('\n') + '\n' + [...new Set(exclude)].map((id) => `^${id}`).join('\n') + '\n';
    await forEachGitLine(['rev-list', '--objects', '--no-object-names', '--stdin'], { gitDir: this.#gitDir, input }, (id) => {
      table.add(id);
    });
    return table;
  }

  /** Reads objects in bulk, a pipe chunk's worth at a time; see readObjectBatches. */
  readBatches(ids: Iterable<string>, opts: { views?: boolean } = {}): AsyncGenerator<RawObject[]> {
    return readObjectBatches(this.#gitDir, ids, opts);
  }

  /**
   * Streams a pack of exactly `ids` (all clean, unchanged objects) into `sink`'s stdin, reusing
   * upstream's deltas where the base is in the set. Used to copy unchanged objects without re-encoding.
   * The ids are written as git reads them, so they need not all be in memory as strings.
   */
  packObjects(ids: Iterable<string>, sink: NodeJS.WritableStream): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawnGit(['pack-objects', '--stdout', '--delta-base-offset', '-q'], { gitDir: this.#gitDir });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
      child.stdout!.pipe(sink);
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new MirrorError(codes.gitFailed, `git pack-objects failed (exit ${code}): ${stderr.trim().slice(-300)}`));
      });
      child.stdin!.on('error', () => {});
      // pack-objects reads its whole list before writing, so feeding it under back-pressure cannot stall.
      const feed = async (): Promise<void> => {
        const batch: string[] = [];
        for (const id of ids) {
          batch.push(id);
          if (batch.length < 1024) continue;
          if (!child.stdin!.write(batch.join('\n') + '\n')) await drained(child.stdin!);
          batch.length = 0;
        }
        child.stdin!.end(batch.length > 0 ? batch.join('\n') + '\n' : '');
      };
      feed().catch(reject);
    });
  }
}

/** Resolves when a stream that refused a write wants more, or has closed (the child went away). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/**
 * Upstream's refs in `ls-remote --symref` form (`ref: <branch>\tHEAD`, `<id>\t<ref>`). A repository on
 * this machine is read directly (for-each-ref and symbolic-ref side by side: ~8 ms where ls-remote,
 * which starts an upload-pack and speaks the protocol, takes ~27 ms on every clone that checks
 * upstream); anything else is asked with ls-remote.
 */
async function remoteRefs(url: string, storeDir: string, safe: string, env: Record<string, string>): Promise<string[]> {
  const local = localGitDir(url);
  if (local === null) return gitLines(['ls-remote', '--symref', '--', url], { gitDir: storeDir, describe: `ls-remote ${safe}`, env });
  const [refs, head] = await Promise.all([
    gitLines(['for-each-ref', '--format=%(objectname)%09%(refname)', 'refs/heads', 'refs/tags'], { gitDir: local, describe: `for-each-ref in ${safe}` }),
    gitLines(['symbolic-ref', '-q', 'HEAD'], { gitDir: local, describe: `symbolic-ref in ${safe}`, okCodes: [1] }),
  ]);
  return head[0] === undefined ? refs : [`ref: ${head[0]}\tHEAD`, ...refs];
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

/** Removes userinfo from a URL so it can be shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function scrub(message: string, source: UpstreamSource, headers: readonly string[]): string {
  let out = message.split(source.url).join(redactUrl(source.url));
  for (const h of headers) out = out.split(h).join('***');
  return out.replace(/(https?:\/\/)[^/@\s]*@/gi, '$1***@');
}
