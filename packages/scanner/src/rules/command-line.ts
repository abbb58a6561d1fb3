/**
 * Passwords in the syntaxes of command lines and client credential files: `mysql -p<pw>`,
 * `--password=<pw>`, `sshpass -p <pw>`, `.netrc`
 * (`machine h login u password X`, on one line or several), `.pgpass` lines
 * (`host:port:db:user:password`, PostgreSQL docs §34.16) and the Go MySQL driver's DSN
 * (`user:pass@tcp(host:3306)/db`). `curl -u user:pw` is in http-auth.ts. Shell variables, templates and
 * stand-ins are not passwords.
 */
import type { Rule } from '../rule.js';
import { placeholders } from './placeholders.js';

/** A value that a shell expands or a template fills in: `$PASS`, `"$USER:$PASS"`, `$(cat f)`, `%PW%`. */
const shellReferences: RegExp[] = [/\$/, /^%[A-Za-z_]\w*%$/, /^`/];
/** A plain word: prose (`the --password option`, `sshpass -p with`) far more often than a password. */
const PLAIN_WORD = /^[A-Za-z]{1,32}$/;
const allow = [...placeholders, ...shellReferences];

/**
 * One shell word as a password, bare or in quotes (the quotes are not part of it), then its end. A
 * backslash ends it too: in a string literal of source code `\n` is an escape, not part of the value.
 */
const WORD = String.raw`(?<quote>['"]?)(?<secret>[^\s'"\x60\\]{1,128})\k<quote>(?=[\s;|&)]|$)`;
/** A client tool's name where a command starts (not inside a path such as `/var/lib/mysql`). */
const COMMAND_START = String.raw`(?:^|(?<=[\s;|&(\x60"'])|(?<=bin\/))`;
/** Characters of a command line up to the option, with `\` newline continuations. */
const ARGS = String.raw`(?:[^\n\\;|&]|\\\r?\n|\\(?!\r?\n)){0,300}?`;

/** A password rule of this family: type `password`, high confidence unless said, the shared allow list. */
type PasswordSpec = Pick<Rule, 'id' | 'description' | 'keywords' | 'pattern' | 'reach'> & Partial<Pick<Rule, 'allow' | 'reachBack' | 'confidence'>>;

function passwordRule(spec: PasswordSpec): Rule {
  return { type: 'password', allow, confidence: 'high', reachBack: 0, ...spec };
}

/** The password of `mysql`/`mariadb` tools: `-p<pw>` (no space: `-p` alone prompts) or `-p'<pw>'`. */
export const mysqlPassword = passwordRule({
  id: 'mysql-cli-password',
  description: 'Password on a mysql/mariadb command line (-p<password>)',
  keywords: ['mysql', 'mariadb'],
  pattern: new RegExp(
    COMMAND_START + String.raw`(?:mysql(?:dump|admin|import|check|show|binlog|pump|sh)?|mariadb(?:-dump|-admin)?)(?=\s)` + ARGS +
      String.raw`(?<=\s)-p(?<quote>['"]?)(?<secret>[^\s'"\x60\\-][^\s'"\x60\\]{0,127})\k<quote>(?=[\s;|&)]|$)`,
  ),
  reach: 460,
});

/** `--password=<pw>` or `--password <pw>` of any command (mysql, mongo, redis-cli, docker login…). */
export const passwordOption = passwordRule({
  id: 'cli-password-option',
  description: 'Password given as a --password option on a command line',
  keywords: ['--password', '--passwd'],
  pattern: new RegExp(String.raw`(?<![\w-])--passw(?:or)?d(?:=| +)` + WORD),
  allow: [...allow, PLAIN_WORD],
  reach: 150,
});

/** `sshpass -p <pw>` (`-p<pw>` and quoted forms too). */
export const sshpassPassword = passwordRule({
  id: 'sshpass-password',
  description: 'Password given to sshpass -p',
  keywords: ['sshpass'],
  pattern: new RegExp(COMMAND_START + String.raw`sshpass(?=\s)` + ARGS + String.raw`(?<=\s)-p *` + WORD),
  allow: [...allow, PLAIN_WORD],
  reach: 460,
});

/** A `.netrc` entry: `machine <host>` (or `default`), then login/account/port tokens, then `password <pw>`. */
export const netrcPassword = passwordRule({
  id: 'netrc-password',
  description: 'Password of a .netrc machine entry',
  // `default` entries are matched only near a `machine` one: the word alone is everywhere in code.
  keywords: ['machine'],
  pattern: new RegExp(
    String.raw`(?<![\w-])(?:machine[ \t]+[^\s]{1,253}|default)(?:\s{1,64}(?:login|account|port)\s{1,64}[^\s]{1,128}){0,3}` +
      String.raw`\s{1,64}password\s{1,64}(?<quote>"?)(?<secret>[^\s"'\x60\\]{1,128})\k<quote>(?=\s|$)`,
  ),
  // An e-mail address is the anonymous FTP convention for a password, not a secret.
  allow: [...allow, /^[^@\s]{1,64}@[^@\s]{1,253}\.[A-Za-z]{2,24}$/],
  reach: 1200,
});

/** A `.pgpass` line: `hostname:port:database:username:password`, `*` allowed in the first four. */
export const pgpassPassword = passwordRule({
  id: 'pgpass-password',
  description: 'Password field of a PostgreSQL .pgpass line',
  keywords: [':5432:', ':5433:', ':*:', 'pgpass'],
  pattern: new RegExp(
    String.raw`(?<=^|\n)(?:[A-Za-z0-9.\-]{1,253}|\*):(?:\d{1,5}|\*):(?:[\w.\-]{1,63}|\*):(?:[\w.\-@]{1,63}|\*):` +
      String.raw`(?<secret>[^\s:]{1,128})(?=\r?\n|$)`,
  ),
  confidence: 'medium',
  // A keyword sits inside the line, so the match may start before it.
  reach: 600,
  reachBack: 600,
});

/** The Go MySQL driver DSN: `user:password@tcp(host:port)/db` (also `unix(...)`), up to the last `@`. */
export const goDsnPassword = passwordRule({
  id: 'go-dsn-password',
  description: 'Password of a Go MySQL driver DSN (user:password@tcp(host)/db)',
  keywords: ['@tcp(', '@unix(', '@tcp6('],
  pattern: new RegExp(String.raw`(?<![^\s"'\x60=(,])[\w.\-]{1,64}:(?<secret>[^\s"'\x60]{1,128})@(?:tcp6?|unix)\(`),
  reach: 16,
  reachBack: 210,
});

/** The command-line and credential-file family. */
export const commandLineRules: readonly Rule[] = [
  mysqlPassword, passwordOption, sshpassPassword, netrcPassword, pgpassPassword, goDsnPassword,
];
