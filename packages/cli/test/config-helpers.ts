/** Shared by the config tests: what validateConfig reports for a bad config. */
import { expect } from 'chai';
import { ConfigError, validateConfig } from '../src/index.js';

/** The problems validateConfig reports for `raw` (fails the test when it does not throw). */
export function problemsOf(raw: unknown, baseDir: string): string[] {
  try {
    validateConfig(raw, baseDir);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  expect.fail('validateConfig accepted a bad config');
}
