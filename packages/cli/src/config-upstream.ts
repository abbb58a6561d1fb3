/** A configured repository's upstream: its URL, credential (secret references resolved) and CA file. */
import { isAbsolute, resolve } from 'node:path';
import { httpsUpstreamSource, type UpstreamCredential, type UpstreamSource } from '@gitgate/mirror';
import type { ConfigProblems } from './config-problems.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The upstream URL of a repo entry, a relative path resolved; undefined (with a problem) when unusable. */
export function upstreamUrl(v: unknown, path: string, p: ConfigProblems): string | undefined {
  if (typeof v !== 'string' || v === '') {
    p.push(`${path}.upstream: required (a local bare repository path, file:// or http(s):// URL)`);
    return undefined;
  }
  if (SCHEME.test(v) && !/^(file|https?):\/\//i.test(v)) {
    p.push(`${path}.upstream: only local paths, file:// and http(s):// URLs are supported`);
    return undefined;
  }
  return SCHEME.test(v) || isAbsolute(v) ? v : resolve(p.baseDir, v);
}

/** The fetch source of one repo entry: credential references resolved, CA file checked. */
export function upstreamSource(o: Record<string, unknown>, url: string, path: string, p: ConfigProblems): UpstreamSource | undefined {
  const credential = credentialOf(o, path, p);
  let caFile: string | undefined;
  if (o.caFile !== undefined) {
    if (typeof o.caFile !== 'string' || o.caFile === '') p.push(`${path}.caFile: must be a path`);
    else caFile = resolve(p.baseDir, o.caFile);
  }
  if (!credential && !caFile) return { url };
  try {
    return httpsUpstreamSource({ url, credential, caFile });
  } catch (e) {
    p.push(`${path}.upstream: ${(e as Error).message}`);
    return undefined;
  }
}

/** `credential: { token }` or `credential: { basic: { username, password } }`, values resolved. */
function credentialOf(o: Record<string, unknown>, path: string, p: ConfigProblems): UpstreamCredential | undefined {
  const c = p.obj(o.credential, `${path}.credential`);
  if (!c) return undefined;
  p.unknownKeys(c, ['token', 'basic'], `${path}.credential`);
  const secret = (ref: unknown, at: string): string | undefined => {
    if (typeof ref === 'string' && ref !== '') return p.secret(ref, at);
    p.push(`${at}: required (env:NAME, file:PATH or a literal)`);
    return undefined;
  };
  if (c.token !== undefined) {
    const token = secret(c.token, `${path}.credential.token`);
    return token ? { token } : undefined;
  }
  const b = p.obj(c.basic, `${path}.credential.basic`);
  if (!b) {
    p.push(`${path}.credential: give token or basic`);
    return undefined;
  }
  p.unknownKeys(b, ['username', 'password'], `${path}.credential.basic`);
  const username = typeof b.username === 'string' && b.username !== '' ? b.username : undefined;
  if (!username) p.push(`${path}.credential.basic.username: required`);
  const password = secret(b.password, `${path}.credential.basic.password`);
  return password && username ? { basic: { username, password } } : undefined;
}
