import { expect } from 'chai';
import { ProgressLine } from '../src/progress-line.js';

const stream = (isTTY: boolean): { text: string; isTTY: boolean; write(t: string): void } => ({ text: '', isTTY, write(t) { this.text += t; } });

describe('ProgressLine', () => {
  it('writes a new line off a terminal only when the key changes', () => {
    const s = stream(false);
    const line = new ProgressLine(s);
    line.update('waiting 0m01s', 'a');
    line.update('waiting 0m03s', 'a');
    line.update('approved', 'b');
    line.done();
    expect(s.text).to.equal('waiting 0m01s\napproved\n');
  });

  it('rewrites the line in place on a terminal and ends it with a newline', () => {
    const s = stream(true);
    const line = new ProgressLine(s);
    line.update('one');
    line.update('two');
    line.done();
    expect(s.text).to.equal('\r\x1b[Kone\r\x1b[Ktwo\n');
  });
});
