import { expect } from 'chai';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { feedLines, git } from '../src/index.js';
import { tempDir, removeDirs } from '@gitgate/testkit';

describe('feedLines', function () {
  it('takes lines from the iterable only as fast as a slow reader drains them', async () => {
    const total = 200_000;
    let produced = 0;
    function* ids(): Generator<string> {
      for (let i = 0; i < total; i++) {
        produced++;
        yield i.toString(16).padStart(40, '0');
      }
    }
    const received: Buffer[] = [];
    let maxBuffered = 0;
    let producedAtFirstWrite = -1;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        if (producedAtFirstWrite < 0) producedAtFirstWrite = produced;
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        received.push(chunk);
        setImmediate(cb);
      },
    });
    await feedLines(slow, ids());
    await finished(slow);
    const lines = Buffer.concat(received).toString('latin1').split('\n');
    expect(lines).to.have.length(total + 1);
    expect(lines[total - 1]).to.equal((total - 1).toString(16).padStart(40, '0'));
    expect(lines[total]).to.equal('');
    // Back-pressure: never more than the high-water mark plus one batch waits in memory.
    expect(maxBuffered).to.be.below(16 * 1024 + 128 * 41 + 1);
    expect(producedAtFirstWrite).to.be.below(1000);
    expect(slow.writableEnded).to.equal(true);
  });

  it('feeds a large id list to git cat-file while its output is read', async () => {
    const dir = tempDir('gitgate-feed-');
    try {
      await git('init', '--bare', '--quiet').addDynamicArgs(`${dir}/r.git`).run();
      const blob = (await git('hash-object', '-w', '--stdin').run({ gitDir: `${dir}/r.git`, input: 'x\n' })).toString().trim();
      const n = 100_000;
      let count = 0;
      await git('cat-file', '--batch-check=%(objectname)', '--buffer').forEachLine(
        { gitDir: `${dir}/r.git`, inputLines: (function* () { for (let i = 0; i < n; i++) yield blob; })() },
        (line) => { if (line === blob) count++; },
      );
      expect(count).to.equal(n);
    } finally {
      removeDirs(dir);
    }
  });

  it('stops feeding when the reader goes away', async () => {
    const gone = new Writable({ write(_c, _e, cb) { cb(); } });
    gone.destroy();
    let produced = 0;
    await feedLines(gone, (function* () { for (;;) { produced++; yield 'x'; if (produced > 1_000_000) return; } })());
    expect(produced).to.be.at.most(128);
  });
});
