/** @gitgate/testkit: helpers shared by the packages' tests (never imported by product code). */
export * from './git-http-server.js';
export * from './fake-github.js';
export { tempDir, removeDirs } from './temp-dir.js';
export { rejection } from './rejection.js';
export { randomChars, randomCharsWhere } from './random-chars.js';
export { repoRoot } from './repo-root.js';
export { TestClock } from './test-clock.js';
export { GIT_ENV, GIT_CLEAN_ENV } from './git-env.js';
export { startIssuer } from './oidc-issuer.js';
export type { TestIssuer } from './oidc-issuer.js';
export { http } from './http-request.js';
export type { HttpResult } from './http-request.js';
export { startScriptedGitServer } from './scripted-git-server.js';
export type { ScriptedGitRequest, ScriptedGitResponse, ScriptedGitServer } from './scripted-git-server.js';
export { gitAsync } from './git-async.js';
export type { GitRun } from './git-async.js';
export { runAsync } from './run-async.js';
export type { ProcessRun } from './run-async.js';
