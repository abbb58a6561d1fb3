/**
 * The shape of a command of the `gitgate` command line (name, summary, usage, options, subcommands),
 * its `--help` text, and the check of a command line against it: an unknown option, a missing value or
 * a stray argument is one sentence and the usage line (exit 2), never parseArgs' own message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One option: `--name VALUE` (string) or `--name` (boolean). */
export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in help (FILE, WHEN, N). */
  value?: string;
  help: string;
}

/** A command or subcommand: what `--help` prints and what the command line may hold. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage lines, without `usage: ` (the first is the usage line printed with a usage error). */
  usage: string[];
  options: OptionSpec[];
  subcommands?: CommandSpec[];
  /** How many words that are not options the command line may hold, the subcommand's name included (default 0). */
  maxArgs?: number;
  /** Lines after the options (exit codes, notes). */
  notes?: string[];
}

/** A command line that does not fit its command: exit 2 with `message` and the usage line. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}

const HELP: OptionSpec = { name: 'help', type: 'boolean', short: 'h', help: 'print this help and exit' };

/** Whether `argv` asks for help (`--help` or `-h` before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The subcommand `argv` names (its first word that is not an option), if `spec` has one by that name. */
export function subcommandOf(spec: CommandSpec, argv: readonly string[]): CommandSpec | undefined {
  if (!spec.subcommands) return undefined;
  // Every option any subcommand takes, so that an option's value is not taken for the subcommand's name.
  const { positionals } = parseArgs({ args: [...argv], options: parseOptions(allOptions(spec)), strict: false, allowPositionals: true });
  return spec.subcommands.find((s) => s.name === positionals[0]);
}

/** The options of `spec` and of every subcommand of it, each name once. */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  const all = [...spec.options, ...(spec.subcommands ?? []).flatMap((s) => s.options)];
  return all.filter((o, i) => all.findIndex((x) => x.name === o.name) === i);
}

/** The `--help` text of `spec`, reached as `path` (e.g. `gitgate audit`). */
export function helpText(spec: CommandSpec, path: string): string {
  const lines = spec.usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`);
  lines.push('', spec.summary);
  if (spec.subcommands?.length) {
    lines.push('', 'commands:');
    const width = Math.max(...spec.subcommands.map((s) => s.name.length)) + 2;
    for (const s of spec.subcommands) lines.push(`  ${s.name.padEnd(width)}${s.summary}`);
    lines.push('', `run \`${path} <command> --help\` for a command's options`);
  }
  const options = [...spec.options, HELP];
  const label = (o: OptionSpec): string => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
  const width = Math.max(...options.map((o) => label(o).length)) + 2;
  lines.push('', 'options:', ...options.map((o) => `  ${label(o).padEnd(width)}${o.help}`));
  if (spec.notes) lines.push('', ...spec.notes);
  return lines.join('\n') + '\n';
}

/** parseArgs options for `specs` (with --help). */
export function parseOptions(specs: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const o of [...specs, HELP]) out[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  return out;
}

/**
 * Checks `argv` against `spec`'s options (positionals allowed up to `maxPositionals`); throws UsageError
 * with one sentence naming the option or argument at fault.
 */
export function checkCommandLine(spec: CommandSpec, argv: readonly string[], maxPositionals = spec.maxArgs ?? 0): void {
  const usage = `usage: ${spec.usage[0]}`;
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: [...argv], options: parseOptions(spec.options), strict: true, allowPositionals: true }));
  } catch (e) {
    throw new UsageError(usageSentence(e as Error & { code?: string }), usage);
  }
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[maxPositionals]!.slice(0, 60))}`, usage);
}

/** parseArgs' error as one sentence. */
function usageSentence(e: Error & { code?: string }): string {
  const name = /'(-[^']*)'/.exec(e.message)?.[1]?.replace(/ <value>$/, '').slice(0, 60);
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option ${name ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(e.message) ? `option ${name ?? ''} needs a value` : `option ${name ?? ''} takes no value`;
    default: return e.message.split('\n')[0]!.replace(/\. To specify .*$/, '');
  }
}
