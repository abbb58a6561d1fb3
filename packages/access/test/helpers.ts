/** Shared test helpers: temp dirs, rejection capture and fake secrets built at run time. */
import { randomChars, TestClock } from '@gitgate/testkit';
export { tempDir, rejection, randomChars } from '@gitgate/testkit';

/** A fake AWS-access-key-shaped secret assembled from parts at test time. */
export function fakeAwsKeyId(): Buffer {
  return Buffer.from('AK' + 'IA' + randomChars(16).toUpperCase(), 'latin1');
}

/** A fake GitHub-token-shaped secret assembled from parts at test time. */
export function fakeGithubToken(): Buffer {
  return Buffer.from('gh' + 'p_' + randomChars(36), 'latin1');
}

/** A settable clock for TTL tests (testkit's, starting in 2030). */
export class FakeClock extends TestClock {
  constructor(start: string | number = '2030-01-01T00:00:00.000Z') {
    super(start);
  }
}
