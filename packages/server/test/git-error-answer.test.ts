import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { RepoMirror } from '@gitgate/mirror';
import { gitRoutes } from '../src/index.js';
import type { AuditEvent, AuditSink } from '../src/audit-sink.js';
import type { SyncRunner } from '../src/sync-runner.js';
import { http } from '@gitgate/testkit';

/** A path and stderr as an undeclared failure of git would carry them. */
const DETAIL = 'fatal: not a git repository: /srv/gitgate/data/acme/sanitized.git';

describe('git routes: the HTTP answer of an error', () => {
  let server: Server;
  let base: string;
  const rows: AuditEvent[] = [];

  before(async () => {
    // A fake mirror injected through the options: its ref snapshot fails with an undeclared error.
    const mirror = { name: 'acme/api', sanitized: { snapshot: async () => { throw new Error(DETAIL); } } } as unknown as RepoMirror;
    const audit = { failing: false, record: (e: AuditEvent) => { rows.push(e); }, recordAllDurable: async () => undefined } as unknown as AuditSink;
    const app = express();
    app.use(gitRoutes({ repos: new Map([['acme/api', mirror]]), agent: 'gitgate/test', audit, syncRunner: (async () => undefined) as unknown as SyncRunner }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers an undeclared error with 500 internal error and none of its details', async () => {
    const r = await http(`${base}/acme/api.git/info/refs?service=git-upload-pack`);
    expect(r.status).to.equal(500);
    expect(r.text).to.equal('gitgate: internal error\n');
    expect(r.text).not.to.contain('/srv/gitgate');
  });

  it('records the undeclared error as GITGATE_INTERNAL in the session row', async () => {
    rows.length = 0;
    await http(`${base}/acme/api.git/info/refs?service=git-upload-pack`);
    const session = rows.find((e) => e.kind === 'session');
    expect(session?.data).to.include({ outcome: 'error', errorCode: 'GITGATE_INTERNAL' });
  });

  it('answers a declared error with its declared status and sentence', async () => {
    const r = await http(`${base}/acme/api.git/info/refs?service=git-upload-pack`, { method: 'POST' });
    expect(r.status).to.equal(405);
    expect(r.text).to.equal('gitgate: info/refs takes GET\n');
  });

  it('answers a repository it does not serve with 404 and its sentence', async () => {
    const r = await http(`${base}/acme/other.git/info/refs?service=git-upload-pack`);
    expect(r.status).to.equal(404);
    expect(r.text).to.equal('gitgate: repository acme/other is not served by this gateway\n');
  });
});
