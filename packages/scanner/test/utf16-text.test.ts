import { expect } from 'chai';
import { utf16Form, utf16View } from '../src/utf16-text.js';

describe('utf16-text', () => {
  const text = 'Set-Content -Path out.txt -Value "hello"\r\n';

  it('recognises UTF-16LE and UTF-16BE by their byte-order marks', () => {
    expect(utf16Form(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).to.deep.equal({ littleEndian: true, offset: 2 });
    expect(utf16Form(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]))).to.deep.equal({ littleEndian: false, offset: 2 });
  });

  it('recognises BOM-less UTF-16 of ASCII text in both byte orders', () => {
    expect(utf16Form(Buffer.from(text, 'utf16le'))).to.deep.equal({ littleEndian: true, offset: 0 });
    expect(utf16Form(Buffer.from(text, 'utf16le').swap16())).to.deep.equal({ littleEndian: false, offset: 0 });
  });

  it('does not guess UTF-16 for UTF-8 text, short content or binary with irregular NULs', () => {
    expect(utf16Form(Buffer.from(text))).to.equal(undefined);
    expect(utf16Form(Buffer.from('ab', 'utf16le'))).to.equal(undefined);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
    expect(utf16Form(elf)).to.equal(undefined);
    const ints = Buffer.alloc(512);
    for (let i = 0; i < 256; i++) ints.writeUInt16LE(i + 1, 2 * i);
    expect(utf16Form(ints)).to.equal(undefined);
  });

  it('views one byte per code unit, with code units above U+00FF as 0x1A', () => {
    const bytes = Buffer.from('a€é\r\n', 'utf16le');
    expect([...utf16View(bytes, { littleEndian: true, offset: 0 })]).to.deep.equal([0x61, 0x1a, 0xe9, 0x0d, 0x0a]);
  });
});
