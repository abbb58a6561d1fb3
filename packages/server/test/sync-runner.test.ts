// A failed sync as the sync runner reports it: one sentence per kind to the client, the detail to the
// log and the audit. The mirror is a fake whose sync rejects with the error under test.
import { expect } from 'chai';
import { MirrorError, type RepoMirror } from '@gitgate/mirror';
import { createSyncRunner } from '../src/index.js';
import type { AuditEvent, AuditSink } from '../src/audit-sink.js';

const DETAIL = 'fetching upstream https://***@git.internal.example/srv/acme/api.git failed: fatal: unable to access';

/** Runs one failing sync; returns the client's message, the audit rows and the logged errors. */
async function failedSync(err: unknown): Promise<{ message: string; rows: AuditEvent[]; logged: string[] }> {
  const rows: AuditEvent[] = [];
  const logged: string[] = [];
  const audit = { record: (e: AuditEvent) => { rows.push(e); } } as unknown as AuditSink;
  const logger = { debug() {}, info() {}, warn() {}, error: (msg: string, meta?: object) => { logged.push(`${msg} ${JSON.stringify(meta)}`); } };
  const mirror = { name: 'acme/api', sync: async () => { throw err; } } as unknown as RepoMirror;
  const message = await createSyncRunner({ audit, logger })(mirror).then(() => '', (e: Error) => e.message);
  return { message, rows, logged };
}

const upstream = (kind: string): MirrorError => new MirrorError('GITGATE_UPSTREAM_FAILED', DETAIL, { data: { kind } });

describe('sync runner failures', () => {
  for (const [kind, text] of [
    ['timeout', 'acme/api: the upstream repository could not be reached (timed out); try again later'],
    ['unreachable', 'acme/api: the upstream repository could not be reached; try again later'],
    ['not-found', "acme/api: the upstream repository was not found; ask the gateway's administrators"],
    ['credential', "acme/api: the upstream repository refused the gateway's credential; ask the gateway's administrators"],
    ['failed', 'acme/api: the sync with the upstream repository failed; try again later'],
  ]) {
    it(`tells the client of a ${kind} upstream failure only its repository and kind`, async () => {
      expect((await failedSync(upstream(kind!))).message).to.equal(text);
    });
  }

  it('names the code, not the message, of a failure that is not upstream\'s', async () => {
    const { message } = await failedSync(new MirrorError('GITGATE_REWRITE_FAILED', `rewrite of /srv/gitgate/data/x failed`));
    expect(message).to.equal('acme/api: the repository could not be brought up to date (GITGATE_REWRITE_FAILED); nothing was served; try again later');
  });

  it('keeps the full message in the log and the sync audit record', async () => {
    const { rows, logged } = await failedSync(upstream('unreachable'));
    expect(logged.join('\n')).to.include(DETAIL);
    expect(rows[0]!.data).to.include({ outcome: 'error', errorCode: 'GITGATE_UPSTREAM_FAILED', error: DETAIL });
  });
});
