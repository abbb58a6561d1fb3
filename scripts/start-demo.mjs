#!/usr/bin/env node
// `npm start`: builds the demo upstream from fixtures/ (fake secrets planted in its history) under
// ./data, writes a config for it on first run, and runs `gitgate serve` on 127.0.0.1:8080.
// Environment: GITGATE_DATA (default ./data), GITGATE_LISTEN (default 127.0.0.1:8080).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { makeDemoRepo } from '../fixtures/demo-repo.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dataDir = resolve(process.env.GITGATE_DATA ?? join(root, 'data'));
const listen = process.env.GITGATE_LISTEN ?? '127.0.0.1:8080';
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

const upstream = join(dataDir, 'demo-upstream', 'api.git');
if (!existsSync(upstream)) {
  process.stdout.write(`building the demo upstream repository in ${upstream} ...\n`);
  const { secrets } = await makeDemoRepo(upstream);
  process.stdout.write(`planted ${secrets.length} fake secrets in its history (files, a side branch, a tag message, a commit message)\n`);
}
const config = join(dataDir, 'gitgate.yaml');
if (!existsSync(config)) {
  writeFileSync(config, [
    '# Demo configuration written by `npm start`; edit freely.',
    `listen: ${listen}`,
    'dataDir: .',
    'auth: { mode: none }   # loopback-only trial mode',
    'log: { level: info, format: text }',
    'repos:',
    '  - name: acme/api',
    '    upstream: ./demo-upstream/api.git',
    '    push: { branches: ["agent/*"] }   # git push origin HEAD:agent/<name>: lands upstream with the tokens restored',
    '',
  ].join('\n'));
}
process.stdout.write(`config: ${config}\n`);
const { GATEWAY_NODE_FLAGS } = await import(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'src', 'node-flags.js')).href);
const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, join(root, 'packages', 'cli', 'bin', 'gitgate.js'), 'serve', '--config', config], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => { process.exitCode = code ?? 1; });
