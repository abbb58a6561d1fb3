/**
 * Every command and subcommand of `gitgate`: what main.ts dispatches from, what `--help` prints and
 * which options each command line may hold (command-spec.ts).
 */
import type { CommandSpec, OptionSpec } from './command-spec.js';

const CONFIG: OptionSpec = { name: 'config', type: 'string', value: 'FILE', help: 'the gateway configuration file' };
const DATA: OptionSpec = { name: 'data', type: 'string', value: 'DIR', help: 'the data directory (instead of --config)' };
const JSON_OPT: OptionSpec = { name: 'json', type: 'boolean', help: 'print JSON (the same as --format json)' };

/** How `gitgate token` reaches the gateway and gets the caller's OIDC token. */
const TOKEN_CONNECTION: OptionSpec[] = [
  { name: 'gateway', type: 'string', value: 'URL', help: 'the gateway (default GITGATE_URL)' },
  { name: 'token-command', type: 'string', value: 'CMD', help: 'a command that prints your OIDC token' },
  { name: 'token-file', type: 'string', value: 'FILE', help: 'a file holding your OIDC token (default GITGATE_TOKEN, or GitHub Actions\' OIDC endpoint)' },
  { name: 'audience', type: 'string', value: 'AUD', help: 'the audience asked of GitHub Actions\' OIDC endpoint' },
];
const TABLE_FORMAT: OptionSpec = { name: 'format', type: 'string', value: 'F', help: 'table (default), json or csv' };
const WHEN = 'WHEN is an ISO 8601 time (2026-01-31, 2026-01-31T09:00:00Z) or an age: 30m, 12h, 7d, 2w';

const AUDIT_FILTERS: OptionSpec[] = [
  { name: 'repo', type: 'string', value: 'NAME', help: 'only this repository' },
  { name: 'identity', type: 'string', value: 'SUBJECT', help: 'only this identity' },
  { name: 'token', type: 'string', value: 'TOKEN', help: 'only records naming this token' },
  { name: 'since', type: 'string', value: 'WHEN', help: 'from this time or age on' },
  { name: 'until', type: 'string', value: 'WHEN', help: 'up to this time or age' },
  { name: 'limit', type: 'string', value: 'N', help: 'at most N records' },
];
const AUDIT_SOURCE = '(--config FILE | --data DIR)';

/** An audit subcommand that lists records with the usual filters. */
function auditList(name: string, summary: string): CommandSpec {
  return {
    name, summary, maxArgs: 1, notes: [WHEN, 'an empty result prints "no records" on stderr (JSON: [])'],
    usage: [`gitgate audit ${name} ${AUDIT_SOURCE} [--repo NAME] [--identity SUBJECT] [--token TOKEN] [--since WHEN] [--until WHEN] [--limit N] [--json | --format F]`],
    options: [CONFIG, DATA, ...AUDIT_FILTERS, JSON_OPT, TABLE_FORMAT],
  };
}

const AUDIT: CommandSpec = {
  name: 'audit', summary: 'query and verify the audit database', maxArgs: 2,
  usage: [`gitgate audit <command> ${AUDIT_SOURCE} [options]`],
  options: [CONFIG, DATA],
  subcommands: [
    {
      name: 'verify', summary: "check the hash chain and every anchor's hash; exit 1 naming the first broken link", maxArgs: 1,
      usage: [`gitgate audit verify ${AUDIT_SOURCE} [--anchor SEQ:HASH]... [--anchors FILE] [--json]`],
      options: [CONFIG, DATA, { name: 'anchor', type: 'string', multiple: true, value: 'SEQ:HASH', help: 'a chain head kept outside this host (repeatable)' },
        { name: 'anchors', type: 'string', value: 'FILE', help: 'a file of anchors, one a line (text or JSON)' }, JSON_OPT, TABLE_FORMAT],
    },
    {
      name: 'anchor', summary: 'print the chain head "SEQ:HASH AT" to keep outside this host', maxArgs: 1,
      usage: [`gitgate audit anchor ${AUDIT_SOURCE} [--json]`], options: [CONFIG, DATA, JSON_OPT, TABLE_FORMAT],
    },
    auditList('sessions', 'git requests, newest first'),
    auditList('exposures', 'tokens served in packs, newest first'),
    auditList('pushes', 'pushed ref updates, one row per ref (--token: those that restored it)'),
    auditList('requests', 'detokenize requests, approvals, denials and reveals'),
    auditList('reveals', 'every reveal with the approvers of its request'),
    auditList('syncs', 'syncs from upstream and their outcome'),
    auditList('auth-failures', 'failed authentications'),
    auditList('admin', 'administrative actions (key rotation, purges)'),
    {
      name: 'session', summary: 'one git request: what it asked for, what it received, which tokens', maxArgs: 2,
      usage: [`gitgate audit session <id> ${AUDIT_SOURCE} [--json | --format F]`], options: [CONFIG, DATA, JSON_OPT, TABLE_FORMAT],
    },
    {
      name: 'purge', summary: 'export older records as JSON lines, then delete them (gateway stopped; audited)', maxArgs: 1,
      usage: [`gitgate audit purge ${AUDIT_SOURCE} --before WHEN --export FILE`], notes: [WHEN],
      options: [CONFIG, DATA, { name: 'before', type: 'string', value: 'WHEN', help: 'purge records older than this' },
        { name: 'export', type: 'string', value: 'FILE', help: 'where the purged records are written first' }],
    },
  ],
};

/** The commands of `gitgate`, in the order `gitgate --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'serve', summary: 'run the gateway (HTTPS with the given or a generated certificate)',
    usage: ['gitgate serve --config FILE [--tls-cert FILE --tls-key FILE | --tls-self-signed]'],
    options: [CONFIG, { name: 'tls-cert', type: 'string', value: 'FILE', help: 'PEM certificate to serve HTTPS with' },
      { name: 'tls-key', type: 'string', value: 'FILE', help: 'its PEM private key' },
      { name: 'tls-self-signed', type: 'boolean', help: 'serve HTTPS with a certificate generated into the data directory' }],
  },
  {
    name: 'check-config', summary: 'validate a configuration file and exit', maxArgs: 1,
    usage: ['gitgate check-config FILE', 'gitgate check-config --config FILE'], options: [CONFIG],
    notes: ['secret references (env:, file:) are checked for form; serve resolves them'],
  },
  AUDIT,
  {
    name: 'repos', summary: 'what is exposed and from where (GitHub organisations resolved)',
    usage: ['gitgate repos --config FILE [--json]'], options: [CONFIG, JSON_OPT],
  },
  {
    name: 'repo', summary: 'edit the repository list of a configuration file (apply with SIGHUP)', maxArgs: 1,
    usage: ['gitgate repo add|list|remove --config FILE …'], options: [CONFIG],
    subcommands: [
      {
        name: 'add', summary: 'add a repository entry', maxArgs: 1,
        usage: ['gitgate repo add --config FILE --name NAME --upstream URL-OR-PATH [--readers g1,g2]'],
        options: [CONFIG, { name: 'name', type: 'string', value: 'NAME', help: 'the served name, e.g. acme/api' },
          { name: 'upstream', type: 'string', value: 'URL-OR-PATH', help: 'a local bare repository, file:// or http(s):// URL' },
          { name: 'readers', type: 'string', value: 'GROUPS', help: 'comma-separated groups that may clone' }],
      },
      { name: 'list', summary: 'the repository entries of the file', maxArgs: 1, usage: ['gitgate repo list --config FILE [--json]'], options: [CONFIG, JSON_OPT] },
      {
        name: 'remove', summary: 'remove a repository entry', maxArgs: 1, usage: ['gitgate repo remove --config FILE --name NAME'],
        options: [CONFIG, { name: 'name', type: 'string', value: 'NAME', help: 'the served name to remove' }],
      },
    ],
  },
  {
    name: 'migrate', summary: "move a data dir's shared stores into PostgreSQL, checking every table's count (stop the gateway first)", maxArgs: 0,
    usage: ['gitgate migrate --from-sqlite DIR --to postgres://USER@HOST:PORT/DB [--password-env NAME]'],
    options: [
      { name: 'from-sqlite', type: 'string', value: 'DIR', help: 'the data directory whose SQLite stores to move' },
      { name: 'to', type: 'string', value: 'URL', help: 'the PostgreSQL database (empty, or without these stores\' rows)' },
      { name: 'password-env', type: 'string', value: 'NAME', help: 'the environment variable holding the database password' },
    ],
  },
  {
    name: 'vault', summary: 'vault maintenance', maxArgs: 1, usage: ['gitgate vault rotate-key (--config FILE | --data DIR)'], options: [CONFIG, DATA],
    subcommands: [{
      name: 'rotate-key', summary: 're-encrypt the vault under a new key (stop the gateway first); tokens do not change', maxArgs: 1,
      usage: ['gitgate vault rotate-key (--config FILE | --data DIR)'], options: [CONFIG, DATA],
    }],
  },
  {
    name: 'scan', summary: 'dry run: what the gateway would tokenize, without changing anything', maxArgs: Infinity,
    usage: ['gitgate scan <path-or-repo> [--history] [--format text|json|sarif|csv] [--baseline FILE]',
      'gitgate scan --config FILE [REPO…] [--format text|json|sarif|csv] [--baseline FILE]'],
    options: [
      { name: 'history', type: 'boolean', help: 'every blob, commit, tag and tree of every ref of the repository' },
      { name: 'config', type: 'string', value: 'FILE', help: 'sync each configured repository (or the REPOs named) exactly as the gateway does' },
      { name: 'format', type: 'string', value: 'F', help: 'text (default), json, sarif (2.1.0, for code scanning) or csv' },
      JSON_OPT,
      { name: 'baseline', type: 'string', value: 'FILE', help: 'a previous JSON report: findings it holds are not reported again' },
    ],
    notes: ['<path-or-repo>: a file, a directory, or a git repository (bare: its HEAD tree)',
      'exit: 0 no (new) findings, 1 findings or withheld content, 2 a usage, configuration or runtime error'],
  },
  {
    name: 'token', summary: 'ask for a token\'s secret and wait for the approvers (agents); token info and revoke (admins)', maxArgs: 2,
    usage: ['gitgate token request|list|info|revoke … [--gateway URL] [--token-command CMD | --token-file FILE]'],
    options: TOKEN_CONNECTION,
    subcommands: [
      {
        name: 'request', summary: 'ask for the secret behind TOKEN, or reuse your open request; with --wait, reveal it once approved', maxArgs: 2,
        usage: ['gitgate token request TOKEN --reason TEXT [--wait] [--timeout 10m] [--interval 2s]'],
        options: [...TOKEN_CONNECTION,
          { name: 'reason', type: 'string', value: 'TEXT', help: 'why you need it (shown to the approvers)' },
          { name: 'wait', type: 'boolean', help: 'wait for the decision (progress on stderr), then print the secret once on stdout' },
          { name: 'timeout', type: 'string', value: 'AGE', help: 'give up waiting after this long (default 10m)' },
          { name: 'interval', type: 'string', value: 'AGE', help: 'how often to ask (default 2s)' }],
        notes: ['TOKEN: [[TOKEN_type_id]] or TOKEN_type_id', 'exit: 0 revealed, 1 denied/expired/refused, 2 usage, 3 still pending'],
      },
      {
        name: 'list', summary: 'your own detokenize requests, newest first, with where each token is in your clone', maxArgs: 1,
        usage: ['gitgate token list [--status S] [--json]'],
        options: [...TOKEN_CONNECTION, { name: 'status', type: 'string', value: 'S', help: 'pending, approved, denied, expired, revoked or revealed' }, JSON_OPT],
      },
      { name: 'info', summary: 'a token\'s type, times and occurrences (admins); never the secret', maxArgs: 2, usage: ['gitgate token info TOKEN'], options: TOKEN_CONNECTION },
      { name: 'revoke', summary: 'revoke a token (admins): its open requests end, no later reveal', maxArgs: 2, usage: ['gitgate token revoke TOKEN'], options: TOKEN_CONNECTION },
    ],
  },
];

/** The top-level command `name` of the table. */
export function commandSpec(name: string): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new TypeError(`no command ${name}`);
  return spec;
}
