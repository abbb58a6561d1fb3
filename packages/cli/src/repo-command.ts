/**
 * `gitgate repos` lists what a config exposes and from where (GitHub organisations resolved);
 * `gitgate repo add|list|remove` edits the config file's repository list, keeping its comments.
 * A running gateway applies the edit on SIGHUP.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDocument, YAMLSeq } from 'yaml';
import { GitHubConnector, redactUrl, type PushSettings } from '@gitgate/mirror';
import { loadConfig, validateConfig } from './config.js';
import { dirname, resolve } from 'node:path';

const USAGE = `usage:
  gitgate repos --config FILE                        what is exposed, and from where
  gitgate repo list --config FILE                    the repository entries of the file
  gitgate repo add --config FILE --name NAME --upstream URL-OR-PATH [--readers g1,g2]
  gitgate repo remove --config FILE --name NAME`;

/** Runs `gitgate repos` / `gitgate repo …`; returns the exit code. */
export async function repoCommand(cmd: 'repos' | 'repo', argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, name: { type: 'string' }, upstream: { type: 'string' }, readers: { type: 'string' } } });
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
  if (cmd === 'repos') {
    const config = loadConfig(file);
    const rows: string[] = [];
    for (const r of config.repos) rows.push(`${r.name}\t${redactUrl(r.upstream)}\treaders: ${r.readers.join(',') || '-'}${pushColumn(r)}`);
    for (const g of config.github) {
      const connector = new GitHubConnector({ org: g.org, include: g.include, auth: g.auth, baseUrl: g.baseUrl, includeArchived: g.includeArchived });
      for (const repo of await connector.resolve()) rows.push(`${repo.name}\tgithub:${g.org} ${repo.cloneUrl} (default ${repo.defaultBranch})\treaders: ${g.readers.join(',') || '-'}${pushColumn(g)}`);
    }
    out.write(rows.length > 0 ? rows.join('\n') + '\n' : 'no repositories\n');
    return 0;
  }
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
    const config = loadConfig(file);
    for (const r of config.repos) out.write(`${r.name}\t${redactUrl(r.upstream)}\n`);
    for (const g of config.github) out.write(`github:${g.org}\t${g.include.join(' ')}\n`);
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
  validateConfig(parseDocument(text).toJSON(), dirname(resolve(file)), file);
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  out.write(`${sub === 'add' ? 'added' : 'removed'} ${v.name} in ${file}; send SIGHUP to a running gateway to apply it\n`);
  return 0;
}

/** The push column of `gitgate repos`: branch globs and writers, or nothing for a read-only repository. */
function pushColumn(r: { push?: PushSettings; writers?: string[] }): string {
  return r.push ? `\tpush: ${r.push.branches.join(',')} (writers: ${r.writers?.join(',') || '-'})` : '';
}
