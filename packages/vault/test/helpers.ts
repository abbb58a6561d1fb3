/** Shared test helpers: temp dirs, rejection capture and fake secrets built at run time. */
import { randomBytes } from 'node:crypto';
import { randomChars } from '@gitgate/testkit';
export { tempDir, rejection, randomChars } from '@gitgate/testkit';

/** A fake GitHub-token-shaped secret assembled from parts at test time. */
export function fakeGithubToken(): Buffer {
  return Buffer.from('gh' + 'p_' + randomChars(36), 'latin1');
}

/** A fake AWS-access-key-shaped secret assembled from parts at test time. */
export function fakeAwsKeyId(): Buffer {
  return Buffer.from('AK' + 'IA' + randomChars(16).toUpperCase(), 'latin1');
}

/** A random 32-byte master key. */
export function masterKey(): Buffer {
  return randomBytes(32);
}
