/**
 * `gitgate scan --config FILE [REPO…]`: the dry run is the real run. Each repository is synced by the
 * gateway's own RepoMirror, with the scanner and policy the gateway builds for it (gatewayRepos in
 * exposed-repos.ts: custom rules, allowlist, masking policy, allowUnscannable; the same refs, tag
 * signature handling and places), into a throw-away directory and an in-memory vault under a
 * throw-away key. The report lists what that sync took — every vault record (rule, path, commit) —
 * located in the upstream objects for line, column and a masked preview, and the blobs it withheld.
 * Nothing outlives the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdMap, RepoMirror, readObjects, withheldBlob, type SecretSink } from '@gitgate/mirror';
import type { GatewayRepo } from '@gitgate/gateway';
import { git } from '@gitgate/git';
import type { Finding, Scanner } from '@gitgate/scanner';
import { createTokenMinter, type SecretRecord } from '@gitgate/vault';
import { confidenceOf, fingerprintOf, report, type Collector } from './scan-report.js';

/** A RepoMirror's stores under its directory (see RepoMirror's constructor). */
const UPSTREAM_STORE = 'upstream.git';
const SANITIZED_STORE = 'sanitized.git';

/**
 * Syncs `repo` as the gateway would, into a temporary directory, and adds what the sync tokenized and
 * withheld to the report. Throws what the sync throws (MirrorError: upstream unreachable, malformed objects).
 */
export async function scanRepoAsGateway(c: Collector, repo: GatewayRepo, opts: { upstreamTimeoutMs?: number } = {}): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gitgate-scan-'));
  try {
    const records: SecretRecord[] = [];
    const minter = createTokenMinter(randomBytes(32));
    const vault: SecretSink = {
      tokenFor: (type, secret) => minter.tokenFor(type, secret),
      put: async (r) => {
        records.push(...r);
      },
      // A fresh vault knows nothing yet; what the sync learns it matches bare, as the gateway's first sync does.
      knownSecrets: async () => [],
    };
    const scanner = repo.scanner ?? c.scanner;
    const dir = join(tmp, 'repo');
    const idMap = await IdMap.open(join(tmp, 'mirror.db'));
    let sync;
    try {
      const mirror = new RepoMirror({
        name: repo.name, source: repo.upstream, dir, idMap, vault, scanner, allowUnscannable: repo.allowUnscannable, coalesceMs: 0,
        // A throw-away store is never served: no repack (it changes no id, only how objects are packed).
        repackAfterObjects: Number.MAX_SAFE_INTEGER, maxPacks: Number.MAX_SAFE_INTEGER,
        upstreamTimeouts: opts.upstreamTimeoutMs === undefined ? undefined : { fetchMs: opts.upstreamTimeoutMs },
      });
      sync = await mirror.sync({ force: true });
      await mirror.idle();
    } finally {
      await idMap.close();
    }
    c.report.scanned.objects += sync.objects;
    c.report.scanned.bytes += sync.bytesScanned;
    (c.report.repos ??= []).push({
      name: repo.name, rulesetVersion: scanner.rulesetVersion, leave: [...(repo.mask?.leave ?? [])], objects: sync.objects, rewritten: sync.rewritten,
    });
    await reportRecords(c, scanner, repo.name, join(dir, UPSTREAM_STORE), records);
    await reportWithheld(c, repo.name, join(dir, SANITIZED_STORE), sync.withheld);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * The sync's vault records as findings: blob secrets (path and commit) located in the blob at
 * `commit:path`, header and message secrets (commit only) in that commit or tag, ref name secrets
 * (path only) as they are.
 */
async function reportRecords(c: Collector, scanner: Scanner, repo: string, gitDir: string, records: readonly SecretRecord[]): Promise<void> {
  const inBlobs = new Map<string, SecretRecord[]>();
  const inObjects = new Map<string, SecretRecord[]>();
  for (const r of records) {
    if (r.path !== undefined && r.commitId !== undefined) push(inBlobs, `${r.commitId}:${r.path}`, r);
    else if (r.commitId !== undefined) push(inObjects, r.commitId, r);
    else unlocated(c, repo, r, r.path?.startsWith('refs/') ? '(ref name)' : '(blob)', undefined, r.path ?? '');
  }
  // `commit:path` → blob id; a path that does not resolve holds a token (a secret in a tree entry name).
  const specs = [...inBlobs.keys()].filter((s) => !s.includes('\n'));
  const checked = specs.length === 0 ? [] : (await git('cat-file', '--batch-check=%(objectname) %(objecttype)').run({ gitDir, inputLines: specs, timeoutMs: 0 }))
    .toString('utf8').split('\n');
  const blobSpecs = new Map<string, string[]>();
  const resolved = new Set<string>();
  specs.forEach((spec, i) => {
    const [id, type] = (checked[i] ?? '').split(' ');
    if (type !== 'blob') return;
    push(blobSpecs, id!, spec);
    resolved.add(spec);
  });
  for (const [spec, recs] of inBlobs) {
    if (resolved.has(spec)) continue;
    // The served path holds tokens (of this run's throw-away key): the secret is in this entry's name,
    // or the file sits under a directory whose name held one.
    for (const r of recs) {
      if (r.path!.includes(r.token)) unlocated(c, repo, r, '(tree entry name)', r.commitId, r.path!);
      else unlocated(c, repo, r, r.path!, r.commitId, '(in a file under a tokenized name)');
    }
  }
  for await (const obj of readObjects(gitDir, blobSpecs.keys())) {
    for (const spec of blobSpecs.get(obj.id)!) {
      const recs = inBlobs.get(spec)!;
      reportLocated(c, scanner, obj.content, recs, { repo, path: recs[0]!.path!, commit: recs[0]!.commitId });
    }
  }
  for await (const obj of readObjects(gitDir, inObjects.keys())) reportInObject(c, scanner, repo, obj, inObjects.get(obj.id)!);
}

/** Each record's secret in `content` (the next occurrence for a repeated one), sorted; the rest apart. */
function locateAll(content: Buffer, recs: readonly SecretRecord[], scanner: Scanner): { found: Finding[]; missing: SecretRecord[] } {
  const found: Finding[] = [];
  const missing: SecretRecord[] = [];
  const from = new Map<string, number>();
  for (const r of recs) {
    const key = r.secret.toString('latin1');
    const at = content.indexOf(r.secret, from.get(key) ?? 0);
    if (at < 0) {
      missing.push(r);
      continue;
    }
    from.set(key, at + r.secret.length);
    found.push({ ruleId: r.ruleId, type: r.type, start: at, end: at + r.secret.length, confidence: confidenceOf(scanner, r.ruleId) });
  }
  found.sort((a, b) => a.start - b.start);
  return { found, missing };
}

function reportLocated(c: Collector, scanner: Scanner, content: Buffer, recs: readonly SecretRecord[], where: { repo: string; path: string; commit?: string }): void {
  const { found, missing } = locateAll(content, recs, scanner);
  report(c, content, found, where);
  // Inside decoded content (gzip, zip, tar, UTF-16): tokenized there, not present as raw bytes.
  for (const r of missing) unlocated(c, where.repo, r, where.path, where.commit, '(inside encoded content)');
}

/** Secrets of a commit's or tag's headers and message, placed as `--history` places them. */
function reportInObject(c: Collector, scanner: Scanner, repo: string, obj: { id: string; type: string; content: Buffer }, recs: readonly SecretRecord[]): void {
  const kind = obj.type === 'tag' ? 'tag' : 'commit';
  const split = obj.content.indexOf('\n\n');
  const body = split < 0 ? obj.content.length : split + 2;
  const { found, missing } = locateAll(obj.content, recs, scanner);
  const headers = found.filter((f) => f.start < body);
  const message = found.filter((f) => f.start >= body).map((f) => ({ ...f, start: f.start - body, end: f.end - body }));
  report(c, obj.content, headers, { repo, path: `(${kind} header)`, commit: obj.id });
  // Message lines count from the message's start, as in `--history`.
  report(c, obj.content.subarray(body), message, { repo, path: `(${kind} message)`, commit: obj.id });
  for (const r of missing) unlocated(c, repo, r, `(${kind} header)`, obj.id, '(a folded header value)');
}

/** A finding whose bytes are not in one place of an upstream object: reported at line 1, column 1. */
function unlocated(c: Collector, repo: string, r: SecretRecord, path: string, commit: string | undefined, preview: string): void {
  c.report.findings.push({
    repo, ruleId: r.ruleId, type: r.type, confidence: confidenceOf(c.scanner, r.ruleId), path, ...(commit === undefined ? {} : { commit }),
    line: 1, column: 1, length: r.secret.length, fingerprint: fingerprintOf(c.report.fingerprintSalt, r.secret), preview,
  });
}

const STAND_IN = /^gitgate: this file \((\d+) bytes\) could not be scanned/;

/**
 * The blobs the sync withheld, found as their stand-ins in the sanitized store (under their served
 * paths), and the count of other places it withheld or served as they are (allowUnscannable).
 */
async function reportWithheld(c: Collector, repo: string, gitDir: string, count: number): Promise<void> {
  if (count === 0) return;
  const listed = (await git('rev-list', '--objects', '--all').run({ gitDir, timeoutMs: 0 })).toString('utf8').split('\n').filter(Boolean);
  const pathOf = new Map(listed.map((l) => [l.slice(0, 40), l.slice(41)]));
  const sized = (await git('cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)', '--buffer').run({ gitDir, inputLines: [...pathOf.keys()], timeoutMs: 0 }))
    .toString('utf8').split('\n').map((l) => l.split(' '));
  const probe = withheldBlob(0).length;
  const candidates = sized.filter(([, type, size]) => type === 'blob' && Number(size) >= probe && Number(size) <= probe + 20).map(([id]) => id!);
  let seen = 0;
  for await (const obj of readObjects(gitDir, candidates)) {
    const m = STAND_IN.exec(obj.content.toString('latin1'));
    if (m === null || !withheldBlob(Number(m[1])).equals(obj.content)) continue;
    seen++;
    c.report.withheld.push({ repo, path: pathOf.get(obj.id) || obj.id, bytes: Number(m[1]), reason: 'could not be scanned for secrets; the gateway serves a stand-in' });
  }
  if (count > seen) {
    c.report.withheld.push({ repo, path: '(other places)', bytes: 0, reason: `${count - seen} more could not be scanned (a message or header replaced, or a blob served as is under allowUnscannable)` });
  }
}
