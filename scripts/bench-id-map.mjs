#!/usr/bin/env node
// Times one id-map commit of N pairs (a sync's transaction: multi-row upserts, one transaction) on a
// SQLite file and on a real PostgreSQL database (testkit's temp server), then one lookup of all of them.
// Prints figures and the PostgreSQL/SQLite ratio; no assertion (see docs/architecture.md, "PostgreSQL").
//
//   npm run build && node scripts/bench-id-map.mjs [--pairs 100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IdMap } from '../packages/mirror/dist/src/index.js';
import { startPostgres } from '../packages/testkit/dist/src/index.js';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '100000' } } });
const n = Number(values.pairs);
const id = (i, salt) => (salt + i.toString(16)).padStart(40, '0');
const pairs = Array.from({ length: n }, (_, i) => ({ upstreamId: id(i, 'a'), sanitizedId: id(i, 'b'), type: 'blob' }));
const state = { generation: 'bench', tips: [], head: null, syncedAt: new Date().toISOString() };

async function measure(name, location) {
  const map = await IdMap.open(location);
  const t0 = performance.now();
  await map.commit('bench/repo', pairs, state);
  const commitMs = performance.now() - t0;
  const t1 = performance.now();
  const found = await map.lookup('bench/repo', pairs.map((p) => p.upstreamId));
  const lookupMs = performance.now() - t1;
  await map.close();
  if (found.size !== n) throw new Error(`${name}: looked up ${found.size} of ${n}`);
  console.log(`${name.padEnd(9)} commit ${n} pairs: ${commitMs.toFixed(0)} ms (${(n / commitMs * 1000).toFixed(0)} pairs/s); lookup all: ${lookupMs.toFixed(0)} ms`);
  return commitMs;
}

const dir = mkdtempSync(join(tmpdir(), 'gitgate-bench-idmap-'));
try {
  const sqlite = await measure('sqlite', join(dir, 'mirror.db'));
  const pg = await measure('postgres', (await startPostgres()).createDatabase() + '?schema=repo_bench');
  console.log(`postgres/sqlite commit ratio: ${(pg / sqlite).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
