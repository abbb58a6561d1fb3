/** @gitgate/testkit: helpers shared by the packages' end-to-end tests (never imported by product code). */
export * from './git-http-server.js';
export * from './fake-github.js';
