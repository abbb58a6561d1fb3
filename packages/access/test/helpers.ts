/** Shared test helpers: temp dirs, rejection capture and fake secrets built at run time. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh private temp dir; remove it with `fs.rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric characters, so no secret-shaped literal lives in the repository. */
export function randomChars(n: number): string {
  return [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

/** A fake AWS-access-key-shaped secret assembled from parts at test time. */
export function fakeAwsKeyId(): Buffer {
  return Buffer.from('AK' + 'IA' + randomChars(16).toUpperCase(), 'latin1');
}

/** A fake GitHub-token-shaped secret assembled from parts at test time. */
export function fakeGithubToken(): Buffer {
  return Buffer.from('gh' + 'p_' + randomChars(36), 'latin1');
}

/** A settable clock for TTL tests. */
export class FakeClock {
  #ms: number;
  constructor(start = Date.parse('2030-01-01T00:00:00.000Z')) {
    this.#ms = start;
  }
  /** The current time (bind-free, to pass as `clock`). */
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}
