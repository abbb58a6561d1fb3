/**
 * `git-credential-gitgate`: git's credential helper protocol (gitcredentials(7), git-credential(1))
 * answering `get` with a fresh OIDC token as the password, so an agent never stores a JWT in
 * `.git/config` or a credential store. `store` and `erase` do nothing: there is nothing to keep.
 *
 *   git config credential.https://gitgate.example.com.helper "gitgate --file /run/gitgate/jwt"
 */
import { parseArgs } from 'node:util';
import { jwtSourceOf, readJwt } from './jwt-source.js';
import { AgentError } from './agent-error.js';

const USAGE = `usage: git-credential-gitgate [--command CMD | --file FILE] [--audience AUD] [--host HOST]… <get|store|erase>
  A git credential helper that answers with a fresh OIDC token from CMD's output, FILE, GITGATE_TOKEN
  or GitHub Actions' OIDC endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN; --audience sets its audience).
  --host answers only for those hosts (host or host:port); scope the helper to the gateway's URL too:
    git config credential.https://gitgate.example.com.helper "gitgate --file /run/gitgate/jwt"`;

/** The username sent with the token; the gateway reads only the password. */
export const CREDENTIAL_USERNAME = 'gitgate';

/** What the helper reads and writes. */
export interface CredentialIo {
  stdin: AsyncIterable<Buffer | string>;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Attributes of a credential description: `key=value` lines up to a blank line or the end. */
export function parseCredential(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') break;
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** Runs the helper; returns its exit code (0 answered or nothing to do, 1 no token, 2 usage). */
export async function credentialHelper(argv: string[], io: CredentialIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      command: { type: 'string' }, file: { type: 'string' }, audience: { type: 'string' }, host: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    io.err.write(`git-credential-gitgate: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) return say(io.out, USAGE, 0);
  const op = positionals[0];
  if (positionals.length !== 1 || !['get', 'store', 'erase'].includes(op!)) return say(io.err, `git-credential-gitgate: give one of get, store, erase\n${USAGE}`, 2);
  if (v.command !== undefined && v.file !== undefined) return say(io.err, 'git-credential-gitgate: --command and --file exclude each other', 2);
  let input = '';
  for await (const chunk of io.stdin) input += chunk.toString();
  // store and erase: git offers the credential for keeping; a token is fetched fresh each time instead.
  if (op !== 'get') return 0;
  const asked = parseCredential(input);
  if (v.host && !v.host.includes(asked.get('host') ?? '')) return 0;
  const source = jwtSourceOf({ command: v.command, file: v.file, audience: v.audience }, io.env);
  if (!source) return say(io.err, 'git-credential-gitgate: no OIDC token source: give --command CMD or --file FILE, or set GITGATE_TOKEN', 1);
  try {
    const jwt = await readJwt(source, io.env);
    io.out.write(`username=${CREDENTIAL_USERNAME}\npassword=${jwt}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    return say(io.err, `git-credential-gitgate: ${e.message}`, 1);
  }
}

/** Entry point of the `git-credential-gitgate` binary. */
export function runCredentialHelper(): void {
  credentialHelper(process.argv.slice(2), { stdin: process.stdin, out: process.stdout, err: process.stderr, env: process.env }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`git-credential-gitgate: ${(err as Error).message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

function say(stream: { write(text: string): unknown }, text: string, code: number): number {
  stream.write(text + '\n');
  return code;
}
