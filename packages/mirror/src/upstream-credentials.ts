/**
 * The service credential for an HTTPS upstream (a token or a user name and password) and the custom CA
 * that upstream's certificate chains to, turned into what `git fetch` needs: an `Authorization` header
 * sent to that upstream only, and the CA file for that fetch only. Values never reach a log or an error.
 */
import { MirrorError, codes } from './errors.js';
import type { UpstreamSource } from './upstream-store.js';

/** A credential as configured, values already resolved (see resolveSecretRef). */
export type UpstreamCredential =
  | { token: string }
  | { basic: { username: string; password: string } };

/** An HTTPS upstream: where it is, how to authenticate, which CA to trust. */
export interface HttpsUpstreamOptions {
  url: string;
  credential?: UpstreamCredential;
  /** A PEM file of CA certificates trusted for this upstream only (`http.sslCAInfo`). */
  caFile?: string;
  /**
   * Allow a credential over plain `http://` (default false). Only for loopback test setups: on any
   * other network the credential would travel in clear text.
   */
  allowInsecureHttp?: boolean;
}

/**
 * The user name a token is sent with. GitHub (`x-access-token` is what its docs give for installation
 * tokens), GitLab, Gitea and Bitbucket accept a token as the Basic password with any user name, while
 * `Bearer` is not accepted by GitHub for git over HTTPS.
 */
export const TOKEN_USERNAME = 'x-access-token';

/** Code of the error thrown when a secret reference cannot be resolved. */
export const SECRET_REF_ERROR = codes.secretRef;

/**
 * Resolves a configured secret value: `env:NAME` reads the variable NAME from `env`, `file:PATH` reads
 * PATH with `readFile` (trailing newlines dropped, as `echo` and editors add one), anything else is the
 * literal value. Throws MirrorError GITGATE_SECRET_REF naming the variable or file, never a value.
 * The caller resolves relative paths (against the config file's directory) before calling.
 */
export function resolveSecretRef(
  ref: string,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string | Buffer,
): string {
  if (typeof ref !== 'string') throw new TypeError('a secret reference must be a string');
  let value: string;
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new MirrorError(SECRET_REF_ERROR, 'env: must be followed by an environment variable name', { data: { ref: 'env:' } });
    }
    const v = env[name];
    if (v === undefined || v === '') {
      throw new MirrorError(SECRET_REF_ERROR, `environment variable ${name} is not set or empty`, { data: { variable: name } });
    }
    value = v;
  } else if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    if (path === '') throw new MirrorError(SECRET_REF_ERROR, 'file: must be followed by a path', { data: { ref: 'file:' } });
    let content: string | Buffer;
    try {
      content = readFile(path);
    } catch (e) {
      // Only the errno code: a reader's message could quote content in some implementations.
      const code = (e as NodeJS.ErrnoException)?.code ?? 'error';
      throw new MirrorError(SECRET_REF_ERROR, `cannot read secret file ${path}: ${code}`, { data: { path, errno: code } });
    }
    value = (Buffer.isBuffer(content) ? content.toString('utf8') : content).replace(/(\r?\n)+$/, '');
    if (value === '') throw new MirrorError(SECRET_REF_ERROR, `secret file ${path} is empty`, { data: { path } });
  } else {
    value = ref;
  }
  return value;
}

/**
 * The `Authorization` header value for a credential: Basic with `user:password`, or for a token Basic
 * with `x-access-token:<token>`. Throws TypeError (without the value) on an empty or malformed part.
 */
export function authorizationHeader(credential: UpstreamCredential): string {
  let user: string;
  let pass: string;
  if ('token' in credential) {
    user = TOKEN_USERNAME;
    pass = credential.token;
    if (typeof pass !== 'string' || pass === '') throw new TypeError('the upstream token is empty');
  } else if ('basic' in credential && credential.basic) {
    user = credential.basic.username;
    pass = credential.basic.password;
    if (typeof user !== 'string' || user === '') throw new TypeError('the upstream user name is empty');
    if (typeof pass !== 'string' || pass === '') throw new TypeError('the upstream password is empty');
    // RFC 7617: the user-id of Basic cannot hold a colon; the password may.
    if (user.includes(':')) throw new TypeError('the upstream user name must not contain ":"');
  } else {
    throw new TypeError('an upstream credential is { token } or { basic: { username, password } }');
  }
  // A control character would end the header line inside git's config value.
  if (/[\0-\x1f\x7f]/.test(user + pass)) throw new TypeError('the upstream credential contains a control character');
  return `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
}

/**
 * The UpstreamSource for an HTTPS upstream: the credential as an `http.extraHeader` (git sends it to
 * that URL only, unlike a credential helper it never prompts) and the CA file. Throws TypeError when a
 * credential would be sent without TLS, or the URL carries its own userinfo (credentials belong in
 * `credential`, where they are never shown).
 */
export function httpsUpstreamSource(opts: HttpsUpstreamOptions): UpstreamSource & { caFile?: string } {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new TypeError('the upstream URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`the upstream URL must be https:// (got ${url.protocol})`);
  if (url.username !== '' || url.password !== '') throw new TypeError('put upstream credentials in `credential`, not in the URL');
  if (opts.credential && url.protocol === 'http:' && !opts.allowInsecureHttp) {
    throw new TypeError('refusing to send an upstream credential over plain http://');
  }
  const source: UpstreamSource & { caFile?: string } = { url: opts.url };
  if (opts.credential) source.extraHeaders = [`Authorization: ${authorizationHeader(opts.credential)}`];
  if (opts.caFile !== undefined) {
    if (typeof opts.caFile !== 'string' || opts.caFile === '') throw new TypeError('caFile must be a path');
    source.caFile = opts.caFile;
  }
  return source;
}
