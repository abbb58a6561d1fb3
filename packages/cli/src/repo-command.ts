/**
 * `gitgate repos` lists what a config exposes and from where (GitHub organisations resolved);
 * `gitgate repo add|list|remove` edits the config file's repository list, keeping its comments.
 * A running gateway applies the edit on SIGHUP.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDocument, YAMLSeq } from 'yaml';
import { GitHubConnector, redactUrl, type PushSettings } from '@gitgate/mirror';
import { loadConfig, validateConfig, type LoadConfigOptions } from './config.js';
import { dirname, resolve } from 'node:path';
import { commandSpec } from './command-table.js';
import { helpText } from './command-spec.js';

/** Editing and listing entries reads no secret the file references. */
const NO_SECRETS: LoadConfigOptions = { resolveSecret: () => false };

/** The help of `gitgate repo` (command-table.ts), printed with a usage problem. */
const USAGE = helpText(commandSpec('repo'), 'gitgate repo').trimEnd();

/** Runs `gitgate repos` / `gitgate repo …`; returns the exit code. */
export async function repoCommand(cmd: 'repos' | 'repo', argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, name: { type: 'string' }, upstream: { type: 'string' }, readers: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    err.write(`gitgate ${cmd}: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (!v.config) {
    err.write(`gitgate ${cmd}: give --config FILE\n${USAGE}\n`);
    return 2;
  }
  const file = v.config;
  if (cmd === 'repos') return listExposed(file, v.json === true, out, err);
  const sub = positionals[0];
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) {
    err.write(`gitgate repo: ${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}\n`);
    return 1;
  }
  let repos = doc.get('repos');
  if (!(repos instanceof YAMLSeq)) {
    repos = new YAMLSeq();
    doc.set('repos', repos);
  }
  const seq = repos as YAMLSeq;
  const names = (): string[] => seq.items.map((i) => String((doc.createNode(i).toJSON() as { name?: unknown })?.name ?? ''));
  if (sub === 'list') {
    const config = loadConfig(file, NO_SECRETS);
    const entries = [...config.repos.map((r) => ({ name: r.name, upstream: redactUrl(r.upstream) })), ...config.github.map((g) => ({ github: g.org, include: g.include }))];
    if (v.json) out.write(JSON.stringify(entries, null, 2) + '\n');
    else if (entries.length === 0) err.write('no repositories\n');
    else for (const e of entries) out.write('name' in e ? `${e.name}\t${e.upstream}\n` : `github:${e.github}\t${e.include.join(' ')}\n`);
    return 0;
  }
  if (sub === 'add') {
    if (!v.name || !v.upstream) {
      err.write(`gitgate repo add: give --name and --upstream\n${USAGE}\n`);
      return 2;
    }
    if (names().includes(v.name)) {
      err.write(`gitgate repo add: ${v.name} is already in ${file}\n`);
      return 1;
    }
    const entry: Record<string, unknown> = { name: v.name, upstream: v.upstream };
    if (v.readers) entry.readers = v.readers.split(',').map((g) => g.trim()).filter(Boolean);
    seq.add(doc.createNode(entry));
  } else if (sub === 'remove') {
    if (!v.name) {
      err.write(`gitgate repo remove: give --name\n${USAGE}\n`);
      return 2;
    }
    const i = names().indexOf(v.name);
    if (i < 0) {
      err.write(`gitgate repo remove: ${v.name} is not in ${file}\n`);
      return 1;
    }
    seq.items.splice(i, 1);
  } else {
    err.write(`${USAGE}\n`);
    return 2;
  }
  // Validate the edited file as a whole before replacing the original.
  const text = doc.toString();
  validateConfig(parseDocument(text).toJSON(), dirname(resolve(file)), file, process.env, NO_SECRETS);
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  out.write(`${sub === 'add' ? 'added' : 'removed'} ${v.name} in ${file}; send SIGHUP to a running gateway to apply it\n`);
  return 0;
}

/** One exposed repository as `gitgate repos` prints it. */
interface ExposedRow {
  name: string;
  from: string;
  readers: string[];
  push?: { branches: string[]; writers: string[] };
}

/** The push branches and writers of an entry, or nothing for a read-only repository. */
function pushOf(r: { push?: PushSettings; writers?: string[] }): Pick<ExposedRow, 'push'> {
  return r.push ? { push: { branches: [...r.push.branches], writers: r.writers ?? [] } } : {};
}

/** `gitgate repos`: what is exposed and from where (GitHub organisations resolved), who may push where. */
async function listExposed(file: string, json: boolean, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  // Resolving GitHub organisations takes their credential; no other secret is needed to list.
  const config = loadConfig(file, { resolveSecret: (path) => /^repos\[\d+\]\.github\.auth\./.test(path) });
  const rows: ExposedRow[] = [];
  for (const r of config.repos) rows.push({ name: r.name, from: redactUrl(r.upstream), readers: r.readers, ...pushOf(r) });
  for (const g of config.github) {
    const connector = new GitHubConnector({ org: g.org, include: g.include, auth: g.auth, baseUrl: g.baseUrl, includeArchived: g.includeArchived });
    for (const repo of await connector.resolve()) rows.push({ name: repo.name, from: `github:${g.org} ${repo.cloneUrl} (default ${repo.defaultBranch})`, readers: g.readers, ...pushOf(g) });
  }
  if (json) out.write(JSON.stringify(rows, null, 2) + '\n');
  else if (rows.length === 0) err.write('no repositories\n');
  else out.write(rows.map((r) => `${r.name}\t${r.from}\treaders: ${r.readers.join(',') || '-'}${r.push ? `\tpush: ${r.push.branches.join(',')} (writers: ${r.push.writers.join(',') || '-'})` : ''}\n`).join(''));
  return 0;
}
