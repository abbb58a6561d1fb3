/**
 * `gitgate token request|list|info|revoke`: the agent's side of just-in-time detokenize, over the
 * gateway's API with a fresh OIDC token per call (--token-command, --token-file, GITGATE_TOKEN or
 * GitHub Actions). `request --wait` creates or reuses the caller's open request, waits for the
 * decision with a progress line on stderr, reveals with a POST and prints the secret once on stdout.
 */
import { parseArgs } from 'node:util';
import { parseDuration, type RequestView } from '@gitgate/access';
import { GatewayClient } from './gateway-client.js';
import { jwtSourceOf, readJwt } from './jwt-source.js';
import { AgentError } from './agent-error.js';
import { ProgressLine, type ProgressStream } from './progress-line.js';

/** Exit codes: revealed (or done), denied/expired/refused, usage, still pending (no --wait, or --timeout reached). */
export const TOKEN_EXIT = { ok: 0, failed: 1, usage: 2, pending: 3 } as const;

const CONNECTION = `connection: --gateway URL (or GITGATE_URL); the OIDC token from --token-command CMD, --token-file FILE,
            GITGATE_TOKEN, or GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, --audience AUD)`;
const USAGE: Readonly<Record<string, string>> = {
  request: `usage: gitgate token request TOKEN --reason TEXT [--wait] [--timeout 10m] [--interval 2s]
  Asks for the secret behind TOKEN ([[TOKEN_type_id]] or TOKEN_type_id), or reuses your open request
  for it. With --wait, waits for the approvers' decision (progress on stderr), then reveals it: the
  secret is printed once on stdout. Exit 0 revealed, 1 denied/expired/refused, 2 usage, 3 still pending.`,
  list: `usage: gitgate token list [--status pending|approved|denied|expired|revoked|revealed] [--json]
  Your own detokenize requests, newest first, with where each token is in your clone (commit:path).`,
  info: 'usage: gitgate token info TOKEN\n  A token\'s type, times and occurrences (admins); never the secret.',
  revoke: 'usage: gitgate token revoke TOKEN\n  Revokes a token (admins): its open requests end, no later reveal.',
};
const SUMMARY = `usage: gitgate token <request|list|info|revoke> … (gitgate token <command> --help)
${Object.values(USAGE).map((u) => u.split('\n')[0]!.replace('usage: ', '  ')).join('\n')}
${CONNECTION}`;

/** What the command reads and writes: stdout for results (the secret), stderr for progress and errors. */
export interface TokenIo {
  out: { write(data: string | Uint8Array): unknown; readonly isTTY?: boolean };
  err: ProgressStream;
  env: NodeJS.ProcessEnv;
}

const OPTIONS = {
  gateway: { type: 'string' }, 'token-command': { type: 'string' }, 'token-file': { type: 'string' }, audience: { type: 'string' },
  reason: { type: 'string' }, wait: { type: 'boolean' }, timeout: { type: 'string' }, interval: { type: 'string' },
  status: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs `gitgate token …`; returns the exit code (TOKEN_EXIT). */
export async function tokenCommand(argv: string[], io: TokenIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return say(io.out, SUMMARY, sub === undefined ? TOKEN_EXIT.usage : TOKEN_EXIT.ok);
  if (USAGE[sub] === undefined) return say(io.err, `gitgate token: unknown command ${sub}\n${SUMMARY}`, TOKEN_EXIT.usage);
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    return say(io.err, `gitgate token ${sub}: ${(e as Error).message}\n${USAGE[sub]}`, TOKEN_EXIT.usage);
  }
  if (values.help) return say(io.out, `${USAGE[sub]}\n${CONNECTION}`, TOKEN_EXIT.ok);
  const problem = usageProblem(sub, values, positionals, io.env);
  if (problem) return say(io.err, `gitgate token ${sub}: ${problem}\n${USAGE[sub]}`, TOKEN_EXIT.usage);
  const source = jwtSourceOf({ command: values['token-command'], file: values['token-file'], audience: values.audience }, io.env)!;
  const client = new GatewayClient({ url: (values.gateway ?? io.env.GITGATE_URL)!, jwt: () => readJwt(source, io.env) });
  try {
    if (sub === 'request') return await requestSecret(client, positionals[0]!, values, io);
    if (sub === 'list') return await listMine(client, values, io);
    if (sub === 'info') return say(io.out, JSON.stringify(await client.info(positionals[0]!), null, 2), TOKEN_EXIT.ok);
    await client.revoke(positionals[0]!);
    return say(io.out, `revoked ${positionals[0]}`, TOKEN_EXIT.ok);
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    return say(io.err, `gitgate token ${sub}: ${e.message}`, TOKEN_EXIT.failed);
  }
}

/** Why the arguments cannot run, or undefined. */
function usageProblem(sub: string, v: Values, positionals: string[], env: NodeJS.ProcessEnv): string | undefined {
  const wantsToken = sub !== 'list';
  if (positionals.length !== (wantsToken ? 1 : 0)) return wantsToken ? 'give exactly one TOKEN' : 'takes no arguments';
  if (!v.gateway && !env.GITGATE_URL) return 'give --gateway URL or set GITGATE_URL';
  if (v['token-command'] !== undefined && v['token-file'] !== undefined) return '--token-command and --token-file exclude each other';
  if (!jwtSourceOf({ command: v['token-command'], file: v['token-file'] }, env)) return 'no OIDC token: give --token-command CMD or --token-file FILE, or set GITGATE_TOKEN';
  const onlyFor: [keyof Values, string][] = [['reason', 'request'], ['wait', 'request'], ['timeout', 'request'], ['interval', 'request'], ['status', 'list'], ['json', 'list']];
  for (const [name, owner] of onlyFor) if (v[name] !== undefined && sub !== owner) return `--${name} is for gitgate token ${owner}`;
  for (const name of ['timeout', 'interval'] as const) {
    if (v[name] === undefined) continue;
    try {
      parseDuration(v[name]);
    } catch (e) {
      return `--${name}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** Creates the request or takes the caller's open one, then reveals it now, after waiting, or not yet. */
async function requestSecret(client: GatewayClient, token: string, v: Values, io: TokenIo): Promise<number> {
  let request: RequestView;
  try {
    request = await client.create(token, v.reason);
    io.err.write(`gitgate: asked for ${request.token} (request ${request.id})\n`);
  } catch (e) {
    const open = e instanceof AgentError ? e.data?.['openRequestId'] : undefined;
    if (typeof open !== 'string') throw e;
    request = await client.get(open);
    io.err.write(`gitgate: you already asked for ${request.token}: request ${request.id} is ${request.status}\n`);
  }
  if (request.status === 'pending' && v.wait) {
    request = await waitForDecision(client, request, parseDuration(v.timeout ?? '10m'), parseDuration(v.interval ?? '2s'), io.err);
  }
  return finish(client, request, io);
}

/** Polls the request until it leaves 'pending' or `timeoutMs` passes, showing its progress. */
async function waitForDecision(client: GatewayClient, first: RequestView, timeoutMs: number, intervalMs: number, err: ProgressStream): Promise<RequestView> {
  const started = Date.now();
  const line = new ProgressLine(err);
  let r = first;
  try {
    while (r.status === 'pending') {
      const waited = Date.now() - started;
      line.update(`gitgate: waiting for approval of request ${r.id}: ${r.approvals.length} of ${r.requiredApprovals} approvals, ${clock(waited)} waited, request expires ${r.requestExpiresAt}`,
        `${r.id} ${r.approvals.length}`);
      if (waited >= timeoutMs) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - waited)));
      r = await client.get(r.id);
    }
  } finally {
    line.done();
  }
  return r;
}

/** Reveals an approved request and prints the secret once; says why not otherwise. */
async function finish(client: GatewayClient, r: RequestView, io: TokenIo): Promise<number> {
  if (r.status === 'approved') {
    const revealed = await client.reveal(r.id);
    const secret = revealed.secretEncoding === 'base64' ? Buffer.from(revealed.secret ?? '', 'base64') : Buffer.from(revealed.secret ?? '', 'utf8');
    io.out.write(secret);
    if (io.out.isTTY) io.out.write('\n');
    secret.fill(0);
    io.err.write(`gitgate: revealed ${r.token} (request ${r.id})\n`);
    return TOKEN_EXIT.ok;
  }
  if (r.status === 'pending') return say(io.err, `gitgate: request ${r.id} is still pending (${r.approvals.length} of ${r.requiredApprovals} approvals); run again with --wait, or check with gitgate token list`, TOKEN_EXIT.pending);
  const why: Record<string, string> = {
    denied: `was denied by ${r.denial?.approver ?? 'an approver'}${r.denial?.comment ? `: ${r.denial.comment}` : ''}`,
    expired: 'expired before it was used', revoked: 'ended: the token was revoked', revealed: 'was revealed already (one-time); ask again',
  };
  return say(io.err, `gitgate: request ${r.id} ${why[r.status] ?? `is ${r.status}`}`, TOKEN_EXIT.failed);
}

/** Prints the caller's own requests, as a table or JSON. */
async function listMine(client: GatewayClient, v: Values, io: TokenIo): Promise<number> {
  const items = await client.mine(v.status);
  if (v.json) return say(io.out, JSON.stringify(items, null, 2), TOKEN_EXIT.ok);
  const rows = items.map((r) => [r.id, r.status, r.token, r.createdAt, where(r)].join('\t'));
  return say(io.out, ['ID\tSTATUS\tTOKEN\tCREATED\tWHERE', ...rows].join('\n'), TOKEN_EXIT.ok);
}

/** Where the token is in the caller's clone: repo commit:path (the sanitized commit id). */
function where(r: RequestView): string {
  const c = r.context;
  return [c.repo, c.commit && c.path ? `${c.commit.slice(0, 12)}:${c.path}` : c.commit?.slice(0, 12) ?? c.path].filter(Boolean).join(' ');
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function say(stream: { write(text: string): unknown }, text: string, code: number): number {
  stream.write(text + '\n');
  return code;
}
