/** `gitgate` command line: the commands of command-table.ts, `--help` on each, `--version`. */
import { readFileSync } from 'node:fs';
import { COMMANDS } from './command-table.js';
import { allOptions, checkCommandLine, helpText, subcommandOf, wantsHelp, UsageError } from './command-spec.js';

type Runner = (argv: string[]) => Promise<number>;

/**
 * What runs each command of the table (command-table.ts), after its help and option check. Loaded on
 * use, so `--help` and `--version` answer without loading the gateway.
 */
const RUNNERS: Record<string, Runner> = {
  serve: async (argv) => (await import('./serve-command.js')).serveCommand(argv),
  'check-config': async (argv) => (await import('./check-config-command.js')).checkConfigCommand(argv),
  audit: async (argv) => (await import('./audit-command.js')).auditCommand(argv, process.stdout, process.stderr),
  repos: async (argv) => (await import('./repo-command.js')).repoCommand('repos', argv, process.stdout, process.stderr),
  repo: async (argv) => (await import('./repo-command.js')).repoCommand('repo', argv, process.stdout, process.stderr),
  vault: async (argv) => (await import('./vault-command.js')).vaultCommand(argv, process.stdout, process.stderr),
  scan: async (argv) => (await import('./scan-command.js')).scanCommand(argv, process.stdout),
  migrate: async (argv) => (await import('./migrate-command.js')).migrateCommand(argv, process.stdout, process.stderr, process.env),
  token: async (argv) => (await import('./token-command.js')).tokenCommand(argv, { out: process.stdout, err: process.stderr, env: process.env }),
};

/** `gitgate --help`: every command's usage line and summary. */
function topHelp(): string {
  const lines = ['usage: gitgate <command> [options]   (gitgate <command> --help for its options)', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.usage[0]}`, `      ${c.summary}`);
  lines.push('', 'options:', '  -h, --help       print this help and exit', '  -V, --version    print the version and exit');
  return lines.join('\n') + '\n';
}

/** Runs the CLI; returns the process exit code (serve resolves only on a signal). */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || (cmd === 'help' && rest.length === 0)) {
    process.stdout.write(topHelp());
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`gitgate ${cliVersion()}\n`);
    return 0;
  }
  if (cmd === 'help') return main([...rest, '--help']);
  const spec = COMMANDS.find((c) => c.name === cmd);
  if (!spec) return usage(`unknown command ${cmd.slice(0, 60)}`);
  const sub = subcommandOf(spec, rest);
  const path = `gitgate ${spec.name}${sub ? ` ${sub.name}` : ''}`;
  if (wantsHelp(rest)) {
    process.stdout.write(helpText(sub ?? spec, path));
    return 0;
  }
  try {
    // Without a known subcommand, any of the subcommands' options may be given; the command names what is missing.
    checkCommandLine(sub ?? { ...spec, options: allOptions(spec) }, rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${path}: ${e.message}\n${e.usage}\n(${path} --help for more)\n`);
    return 2;
  }
  return RUNNERS[spec.name]!(rest);
}

function usage(problem: string): number {
  process.stderr.write(`gitgate: ${problem}\n${topHelp()}`);
  return 2;
}

/** The version of this package, read from its package.json at run time. */
function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Entry point of the `gitgate` binary: runs main with the process arguments and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`gitgate: ${(err as Error).message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
