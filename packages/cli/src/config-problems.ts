/**
 * What every section validator of the configuration shares: the list of problems (each with the path
 * of its key), where relative paths and file: references resolve, the environment for env: ones.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '@gitgate/access';
import { resolveSecretRef as resolveRef } from '@gitgate/mirror';

/** Resolves `env:NAME` and `file:PATH` references (anything else is taken literally), as a problem instead of a throw. */
export function resolveSecretRef(ref: string, baseDir: string, env: NodeJS.ProcessEnv): { value?: string; problem?: string } {
  try {
    return { value: resolveRef(ref, env, (path) => readFileSync(resolve(baseDir, path))) };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/** A duration such as 30s, 15m, 1h or 2d in milliseconds (access's parseDuration); undefined when malformed. */
export function durationMs(v: unknown): number | undefined {
  try {
    return parseDuration(v as string);
  } catch {
    return undefined;
  }
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export class ConfigProblems {
  readonly list: string[] = [];

  /** `resolveSecret(path)`: whether the secret reference at that key path is resolved (default all). */
  constructor(readonly baseDir: string, readonly env: NodeJS.ProcessEnv, private readonly resolveSecret: (path: string) => boolean = () => true) {}

  push(...problems: string[]): void {
    this.list.push(...problems);
  }

  /** `v` as a mapping; undefined when absent, or (with a problem) when it is not a mapping. */
  obj(v: unknown, path: string): Record<string, unknown> | undefined {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.list.push(`${path}: must be a mapping`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  /** A problem for each key of `o` not in `allowed`. */
  unknownKeys(o: Record<string, unknown>, allowed: string[], path: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.list.push(`${path}${path ? '.' : ''}${k}: unknown key (allowed: ${allowed.join(', ')})`);
  }

  /** A list of group names (empty when absent or malformed). */
  groupList(v: unknown, path: string): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g === '')) {
      this.list.push(`${path}: must be a list of group names`);
      return [];
    }
    return v as string[];
  }

  /** HOST:PORT (IPv6 in brackets); undefined, with a problem naming `example`, when malformed. */
  hostPort(v: unknown, path: string, example: string): { host: string; port: number } | undefined {
    const m = typeof v === 'string' ? HOST_PORT.exec(v) : null;
    if (!m || Number(m[2]) > 65535) {
      this.list.push(`${path}: must be HOST:PORT, e.g. ${example}`);
      return undefined;
    }
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  }

  /** Whether this load resolves the secret at key path `path`. */
  resolves(path: string): boolean {
    return this.resolveSecret(path);
  }

  /**
   * A secret reference resolved (env:, file: or a literal); undefined with a problem when it cannot be,
   * and undefined without one when the command resolves no secret at `path` (its feature is left out).
   */
  secret(ref: string, path: string): string | undefined {
    if (!this.resolves(path)) return undefined;
    const r = resolveSecretRef(ref, this.baseDir, this.env);
    if (r.problem) this.list.push(`${path}: ${r.problem}`);
    return r.value;
  }

  /** A 32-byte key given by reference only (never a literal in the file), 64 hex characters once resolved. */
  hexKey(v: unknown, path: string): Buffer | undefined {
    if (typeof v !== 'string' || !/^(env|file):./.test(v)) {
      this.list.push(`${path}: must be env:NAME or file:PATH`);
      return undefined;
    }
    const value = this.secret(v, path);
    if (value === undefined) return undefined;
    if (!/^[0-9a-fA-F]{64}$/.test(value.trim())) {
      this.list.push(`${path}: must resolve to 64 hex characters (openssl rand -hex 32)`);
      return undefined;
    }
    return Buffer.from(value.trim(), 'hex');
  }

  /** `v` when it is an http(s) URL; otherwise undefined with `problem` at `path`. */
  httpUrl(v: unknown, path: string, problem = 'must be an http(s) URL'): string | undefined {
    if (typeof v === 'string' && /^https?:\/\/\S+$/.test(v)) return v;
    this.list.push(`${path}: ${problem}`);
    return undefined;
  }
}
