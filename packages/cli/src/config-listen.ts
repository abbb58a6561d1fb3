/** The `listen` and `dataDir` sections of the configuration. */
import { resolve } from 'node:path';
import type { ConfigProblems } from './config-problems.js';

/** `listen: HOST:PORT` (default 127.0.0.1:8080). */
export function listenSection(root: Record<string, unknown>, p: ConfigProblems): { host: string; port: number } {
  if (root.listen === undefined) return { host: '127.0.0.1', port: 8080 };
  return p.hostPort(root.listen, 'listen', '127.0.0.1:8080') ?? { host: '127.0.0.1', port: 8080 };
}

/** `dataDir` resolved against the config file's directory (default ./data). */
export function dataDirSection(root: Record<string, unknown>, p: ConfigProblems): string {
  if (root.dataDir === undefined) return resolve(p.baseDir, 'data');
  if (typeof root.dataDir !== 'string' || root.dataDir === '') {
    p.push('dataDir: must be a path');
    return resolve(p.baseDir, 'data');
  }
  return resolve(p.baseDir, root.dataDir);
}
