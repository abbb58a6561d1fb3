import { expect } from 'chai';
import { runShellCommand, GitError } from '../src/index.js';
import { rejection } from '@gitgate/testkit';

describe('runShellCommand', () => {
  const env = { PATH: process.env.PATH, GREETING: 'hello' };

  it('resolves with the stdout of a command line run by /bin/sh in the given environment', async () => {
    expect(await runShellCommand('printf "%s-%s" "$GREETING" two', { env, describe: 'the token command' })).to.equal('hello-two');
  });

  it('fails with the exit code and stderr, naming the description and never the command line', async () => {
    const e = await rejection(runShellCommand('echo nope >&2; exit 3 # marker-in-line', { env, describe: 'the token command' })) as GitError;
    expect(e).to.be.instanceOf(GitError);
    expect(e.code).to.equal('GITGATE_GIT_FAILED');
    expect(e.message).to.equal('the token command failed (exit 3): nope');
    expect(e.message).not.to.include('marker-in-line');
  });

  it('stops a command that runs past its timeout', async () => {
    const e = await rejection(runShellCommand('sleep 5', { env, describe: 'the token command', timeoutMs: 200 })) as GitError;
    expect(e.code).to.equal('GITGATE_GIT_TIMEOUT');
  });

  it('refuses a command that prints more than its output limit', async () => {
    const e = await rejection(runShellCommand('head -c 5000 /dev/zero', { env, describe: 'the token command', maxOutputBytes: 1000 })) as GitError;
    expect(e.message).to.equal('the token command printed more than 1000 bytes');
  });
});
