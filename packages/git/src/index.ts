/** @gitgate/git: the one process runner. Every git child of the gateway is started here. */
export { GitCommand, git } from './git-command.js';
export { DEFAULT_TIMEOUT_MS, redact } from './git-process.js';
export type { GitProcess, GitRunOptions, GitExit } from './git-process.js';
export { GitError, GIT_ERROR } from './git-error.js';
export { gitEnv, gitConfigEnv } from './git-env.js';
export { feedLines } from './feed-lines.js';
export { runShellCommand } from './shell-command.js';
export type { ShellCommandOptions } from './shell-command.js';
