// The command line's conventions, through the real binary: --help on every command and subcommand of
// the table, --version, and a clean sentence for an option a command does not take.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/command-table.js';
import { gitgateAsync } from './bin-helpers.js';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');

const gitgate = gitgateAsync;

/** Every command and subcommand of the table as the words that name it. */
const PATHS: string[][] = COMMANDS.flatMap((c) => [[c.name], ...(c.subcommands ?? []).map((s) => [c.name, s.name])]);

describe('gitgate command line conventions', function () {
  this.timeout(60_000);

  it('answers --help on every command and subcommand of the table with its usage on stdout and exit 0', async () => {
    const results = await Promise.all(PATHS.map((words) => gitgate([...words, '--help'])));
    results.forEach((r, i) => {
      const name = `gitgate ${PATHS[i]!.join(' ')}`;
      expect(r.code, `${name} --help: ${r.stderr}`).to.equal(0);
      expect(r.stdout, name).to.match(new RegExp(`^usage: ${name} `));
      expect(r.stdout, name).to.include('-h, --help');
      expect(r.stderr, name).to.equal('');
    });
  });

  it('answers -h as --help, after other options too', async () => {
    const [short, late] = await Promise.all([gitgate(['audit', 'sessions', '-h']), gitgate(['repo', 'add', '--config', 'x.yaml', '-h'])]);
    expect(short.code).to.equal(0);
    expect(short.stdout).to.match(/^usage: gitgate audit sessions /);
    expect(late.code).to.equal(0);
    expect(late.stdout).to.match(/^usage: gitgate repo add /);
  });

  it('finds the subcommand after an option and its value, for its help', async () => {
    const r = await gitgate(['audit', '--since', '1d', 'sessions', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^usage: gitgate audit sessions /);
  });

  it('prints help for check-config --help instead of reading a file named --help', async () => {
    const r = await gitgate(['check-config', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^usage: gitgate check-config FILE/);
    expect(r.stderr).to.not.include('cannot read');
  });

  it('lists every command of the table in gitgate --help', async () => {
    const r = await gitgate(['--help']);
    expect(r.code).to.equal(0);
    for (const c of COMMANDS) expect(r.stdout).to.include(c.usage[0]!);
  });

  it('prints the version of the package for --version and -V', async () => {
    const { version } = JSON.parse(fs.readFileSync(PACKAGE, 'utf8')) as { version: string };
    const [long, short] = await Promise.all([gitgate(['--version']), gitgate(['-V'])]);
    expect(long).to.deep.equal({ code: 0, stdout: `gitgate ${version}\n`, stderr: '' });
    expect(short.stdout).to.equal(`gitgate ${version}\n`);
  });

  it('refuses an unknown option with exit 2, a sentence naming it and the usage line on stderr', async () => {
    const r = await gitgate(['audit', 'sessions', '--data', '/nonexistent', '--frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^gitgate audit sessions: unknown option --frobnicate\nusage: gitgate audit sessions /);
    expect(r.stderr).to.not.include('To specify a positional');
  });

  it('names an option given without its value', async () => {
    const r = await gitgate(['repos', '--config']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^gitgate repos: option --config needs a value\nusage: gitgate repos --config FILE/);
  });
});
