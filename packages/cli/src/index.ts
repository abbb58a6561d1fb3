export { loadConfig, validateConfig, ConfigError } from './config.js';
export type { Config, RepoConfig, LoadConfigOptions } from './config.js';
export { main, run } from './main.js';
export { createLogger } from './logger.js';
export { GATEWAY_NODE_FLAGS } from './node-flags.js';
