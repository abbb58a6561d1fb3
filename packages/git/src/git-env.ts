/** The environment of every git child: no user or system config, no prompts, no pager, C locale. */

/** Environment for a git child; `extra` is added last. PATH is the only value taken from `basePath`. */
export function gitEnv(extra?: Readonly<Record<string, string>>, basePath = process.env.PATH): NodeJS.ProcessEnv {
  return {
    PATH: basePath ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    ...extra,
  };
}

/**
 * Git configuration for one command through GIT_CONFIG_COUNT/KEY_n/VALUE_n (git ≥ 2.31): values stay out
 * of the child's argv, which every local user can read (ps).
 */
export function gitConfigEnv(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
