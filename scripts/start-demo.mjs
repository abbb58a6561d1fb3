#!/usr/bin/env node
// `npm start`: builds the demo upstream from fixtures/ (fake secrets planted in its history) under
// ./data, writes a config for it on first run (auth mode dev: a built-in trial identity provider), runs
// `gitgate serve` on 127.0.0.1:8080 and prints the walkthrough: clone, request a reveal, approve, audit.
// Environment: GITGATE_DATA (default ./data), GITGATE_LISTEN (default 127.0.0.1:8080).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { printStory } from './demo-story.mjs';
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
const DEMO_HEADER = '# Demo configuration written by `npm start`; edit freely.';
// A config an earlier `npm start` wrote for mode none is rewritten: the trial now uses the dev issuer.
const stale = existsSync(config) && /^# Demo configuration[^\n]*\n[\s\S]*auth: \{ mode: none \}   # loopback-only trial mode/.test(readFileSync(config, 'utf8'));
if (!existsSync(config) || stale) {
  writeFileSync(config, [
    DEMO_HEADER,
    `listen: ${listen}`,
    'dataDir: .',
    'auth: { mode: dev }    # TRIAL ONLY: a built-in identity provider at /dev-idp signs a token for anyone on loopback',
    'detokenize:',
    '  requesters: [agents]   # may ask for a real value',
    '  approvers: [security]  # may approve (never their own request)',
    '  minApprovals: 1',
    '  oneTimeReveal: true',
    'log: { level: info, format: text }',
    'repos:',
    '  - name: acme/api',
    '    upstream: ./demo-upstream/api.git',
    '    readers: [agents, security]',
    '    push: { branches: ["agent/*"], writers: [agents] }   # git push origin HEAD:agent/<name>: lands upstream with the tokens restored',
    '',
  ].join('\n'));
}
process.stdout.write(`config: ${config}\n`);
const { GATEWAY_ENV, GATEWAY_NODE_FLAGS } = await import(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'src', 'node-flags.js')).href);
const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, join(root, 'packages', 'cli', 'bin', 'gitgate.js'), 'serve', '--config', config], { stdio: 'inherit', env: { ...process.env, ...GATEWAY_ENV } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => { process.exitCode = code ?? 1; });
await printStory({ listen, config, child }).catch((e) => process.stderr.write(`(could not print the walkthrough: ${e.message})\n`));
