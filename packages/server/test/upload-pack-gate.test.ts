// The pack gate of runUploadPack (invariant 7, "no byte before its record") when git answers otherwise than
// the plan expected: a side-band packet in a response planned without side-band is the pack, and waits.
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { runUploadPack } from '../src/upload-pack.js';

const pkt = (payload: Buffer | string): Buffer => {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'latin1'), body]);
};

/** A git that writes `output` then exits, and a response that records what was written to it. */
function fakeRun(output: Buffer, beforePack: () => Promise<void>) {
  const written: Buffer[] = [];
  const stdout = new PassThrough();
  let exited!: (e: { exitCode: number | null; stderr: string }) => void;
  const exit = new Promise<{ exitCode: number | null; stderr: string }>((r) => { exited = r; });
  const store = {
    serveUploadPack: () => {
      setImmediate(() => {
        stdout.write(output);
        stdout.end();
        stdout.once('end', () => exited({ exitCode: 0, stderr: '' }));
        stdout.resume();
      });
      return { stdout, exit, stop: () => undefined };
    },
  };
  const res = { write: (b: Buffer) => { written.push(Buffer.from(b)); return true; }, once: () => res, writableNeedDrain: false } as unknown as ServerResponse;
  const run = runUploadPack({ store: store as never, protocol: 0, request: Buffer.alloc(0), sideband: false, notices: [], res, beforePack });
  return { run, written };
}

describe('runUploadPack: the pack gate', () => {
  const pack = Buffer.concat([Buffer.from('PACK', 'latin1'), Buffer.from([0, 0, 0, 2, 0, 0, 0, 1]), Buffer.alloc(20)]);
  const sidebandResponse = Buffer.concat([pkt('NAK\n'), pkt(Buffer.concat([Buffer.from([1]), pack])), Buffer.from('0000', 'latin1')]);

  it('holds a side-band pack that came without side-band asked for until its record is written, and sends nothing when that fails', async () => {
    let asked = 0;
    const { run, written } = fakeRun(sidebandResponse, async () => {
      asked++;
      throw new Error('the audit store is unavailable');
    });
    const result = await run;
    expect(asked).to.equal(1);
    expect(result.refused).to.be.an('error');
    expect(Buffer.concat(written).length).to.equal(0);
  });

  it('sends the same response once the record is written', async () => {
    const order: string[] = [];
    const { run, written } = fakeRun(sidebandResponse, async () => { order.push(`gate after ${Buffer.concat(written).length} bytes`); });
    await run;
    expect(order).to.deep.equal(['gate after 0 bytes']);
    expect(Buffer.concat(written).equals(sidebandResponse)).to.equal(true);
  });

  it('releases a negotiation-only answer (ACK/NAK, no pack) without asking for a record', async () => {
    let asked = 0;
    const { run, written } = fakeRun(Buffer.concat([pkt('ACK ' + 'a'.repeat(40) + ' common\n'), pkt('NAK\n')]), async () => { asked++; });
    await run;
    expect(asked).to.equal(0);
    expect(Buffer.concat(written).toString('latin1')).to.contain('NAK');
  });
});
