/** Shared test helpers: temp dirs, rejection capture and fake secrets built at run time. */
import { randomChars } from '@gitgate/testkit';
export { tempDir, rejection, randomChars } from '@gitgate/testkit';

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
