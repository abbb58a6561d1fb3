/**
 * The one way the gateway runs git, after Gitea's modules/git command: arguments are added as trusted
 * (written in code) or dynamic (a value from config, upstream or a client), and a dynamic one may not
 * start with `-`, so it can never be read as an option.
 */
import { startGit, type GitProcess, type GitRunOptions } from './git-process.js';

export class GitCommand {
  readonly #args: string[];

  /** `git <subcommand> <trusted...>`. Throws TypeError for an empty subcommand. */
  constructor(subcommand: string, ...trusted: string[]) {
    if (subcommand.length === 0) throw new TypeError('a git command needs a subcommand');
    this.#args = [subcommand, ...trusted];
  }

  /** Adds arguments written in the gateway's code (options and fixed values). */
  addArgs(...trusted: string[]): this {
    this.#args.push(...trusted);
    return this;
  }

  /** Adds values from outside (paths, URLs, ref names). Throws TypeError for one that starts with `-`. */
  addDynamicArgs(...values: string[]): this {
    for (const v of values) {
      if (v.startsWith('-')) throw new TypeError(`a dynamic git argument may not start with "-" (git ${this.#args[0]})`);
    }
    this.#args.push(...values);
    return this;
  }

  /** The arguments after `git`. */
  get args(): readonly string[] {
    return this.#args;
  }

  /** `git <subcommand>`: how messages name the command (never its values). */
  toString(): string {
    return `git ${this.#args[0]}`;
  }

  /** Starts git; the caller reads stdout. See GitProcess. */
  start(opts: GitRunOptions = {}): GitProcess {
    return startGit(this.#args, opts.describe ?? this.toString(), opts);
  }

  /** Runs git to its end and returns stdout. Throws GitError (failed, timeout or aborted). */
  async run(opts: GitRunOptions = {}): Promise<Buffer> {
    const proc = this.start({ ...opts, input: opts.input ?? '' });
    const out: Buffer[] = [];
    proc.stdout.on('data', (c: Buffer) => out.push(c));
    await proc.done();
    return Buffer.concat(out);
  }

  /** Runs git and returns stdout's non-empty lines. Throws like run(). */
  async lines(opts: GitRunOptions = {}): Promise<string[]> {
    return (await this.run(opts)).toString('utf8').split('\n').filter((l) => l.length > 0);
  }

  /**
   * Runs git and hands each non-empty line of stdout (latin1) to `onLine` as it arrives, without holding
   * the whole output (a `rev-list --objects` prints megabytes). Throws like run().
   */
  async forEachLine(opts: GitRunOptions, onLine: (line: string) => void): Promise<void> {
    const proc = this.start({ ...opts, input: opts.input ?? '' });
    let rest = '';
    proc.stdout.setEncoding('latin1');
    proc.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.length > 0) onLine(line);
    });
    await proc.done();
    if (rest.length > 0) onLine(rest);
  }
}

/** `new GitCommand(subcommand, ...trusted)`. */
export function git(subcommand: string, ...trusted: string[]): GitCommand {
  return new GitCommand(subcommand, ...trusted);
}
