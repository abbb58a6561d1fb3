/** The environment for test-side git: no user or system config, no prompt, C locale. */
export const GIT_CLEAN_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** GIT_CLEAN_ENV with fixed identities and dates, for tests that make commits. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...GIT_CLEAN_ENV,
  GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.test', GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.test', GIT_COMMITTER_DATE: '1700000000 +0000',
};
