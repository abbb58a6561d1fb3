#!/usr/bin/env node
// Runs every package's compiled mocha tests in one process and ends with the line CI reads:
// "N passed, N failed". Usage: node scripts/run-tests.mjs [--grep PATTERN] [package ...]
import Mocha from 'mocha';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
let grep;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--grep') grep = args[++i];
  else only.push(args[i]);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const mocha = new Mocha({ timeout: 120_000, reporter: 'spec', grep });
const packages = readdirSync(join(root, 'packages')).sort().filter((p) => only.length === 0 || only.includes(p));
for (const pkg of packages) for (const f of testFiles(join(root, 'packages', pkg, 'dist', 'test'))) mocha.addFile(f);

await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
  process.stdout.write(`\n${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}\n`);
  process.exitCode = failures > 0 ? 1 : 0;
});
