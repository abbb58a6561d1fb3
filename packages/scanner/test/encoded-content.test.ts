import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { codes, createScanner, replaceSecrets, ScannerError, TOKEN_PATTERN, type Finding, type Scanner } from '../src/index.js';
import { Fakes } from './fakes.js';
import { makeZip } from './zip-fixture.js';

/** The monorepo root, for real binaries under node_modules used as negatives. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'lerna.json'))) dir = dirname(dir);
  return dir;
}

/** A deterministic stand-in for the vault's keyed token: a pure function of type and secret. */
function tokenOf(type: string, secret: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(type).update('\0').update(secret).digest();
  let id = '';
  for (let i = 0; i < 20; i++) id += alphabet[digest[i]! & 31];
  return `[[TOKEN_${type}_${id}]]`;
}

/** Runs replaceSecrets and records what reached the replacer. */
function run(scanner: Scanner, content: Buffer): { out: Buffer; taken: Array<{ finding: Finding; secret: string; token: string }> } {
  const taken: Array<{ finding: Finding; secret: string; token: string }> = [];
  const out = replaceSecrets(scanner, content, (finding, secret) => {
    const token = tokenOf(finding.type, secret);
    taken.push({ finding, secret: secret.toString('utf8'), token });
    return token;
  });
  return { out, taken };
}

/** The ScannerError code `fn` throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ScannerError);
    return (err as ScannerError).code;
  }
  return undefined;
}

const tokenCount = (text: string): number => text.match(new RegExp(TOKEN_PATTERN.source, 'g'))?.length ?? 0;

describe('replaceSecrets: encoded content', () => {
  const scanner = createScanner();
  const fakes = new Fakes(1010);
  const pat = fakes.github('p');
  const awsId = fakes.awsKeyId();
  const env = `DB_HOST=db.internal\nGITHUB_TOKEN=${pat}\nAWS_ACCESS_KEY_ID=${awsId}\n`;
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'gitgate-encoded-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('plain content', () => {
    it('replaces spans in place exactly as a scan-and-splice would', () => {
      const { out, taken } = run(scanner, Buffer.from(env));
      expect(out.toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
      expect(taken.map((t) => t.secret)).to.deep.equal([pat, awsId]);
    });

    it('returns the very same buffer when nothing is found', () => {
      const content = Buffer.from('export const answer = 42;\n');
      expect(run(scanner, content).out).to.equal(content);
    });
  });

  describe('UTF-16', () => {
    const ps = `$env:GITHUB_TOKEN = "${pat}"\r\nWrite-Host "ok"\r\n`;

    it('tokenizes a UTF-16LE file with a BOM (PowerShell Out-File) and writes the token in UTF-16LE', () => {
      const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ps, 'utf16le')]);
      const { out, taken } = run(scanner, content);
      expect(taken.map((t) => t.secret)).to.deep.equal([pat]);
      expect(out.subarray(0, 2)).to.deep.equal(Buffer.from([0xff, 0xfe]));
      expect(out.subarray(2).toString('utf16le')).to.equal(ps.replace(pat, taken[0]!.token));
    });

    it('tokenizes UTF-16BE with a BOM and keeps the byte order', () => {
      const content = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ps, 'utf16le').swap16()]);
      const { out, taken } = run(scanner, content);
      expect(taken).to.have.length(1);
      expect(Buffer.from(out.subarray(2)).swap16().toString('utf16le')).to.equal(ps.replace(pat, taken[0]!.token));
    });

    it('tokenizes BOM-less UTF-16LE text recognised by its NUL interleave', () => {
      const { out, taken } = run(scanner, Buffer.from(ps, 'utf16le'));
      expect(taken.map((t) => t.secret)).to.deep.equal([pat]);
      expect(out.toString('utf16le')).to.equal(ps.replace(pat, taken[0]!.token));
    });

    it('keeps characters above U+00FF around the secret intact', () => {
      const text = `# 設定ファイル — ключ\r\n$env:GITHUB_TOKEN = "${pat}" # ✓\r\n`;
      const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const { out, taken } = run(scanner, content);
      expect(out.subarray(2).toString('utf16le')).to.equal(text.replace(pat, taken[0]!.token));
    });

    it('gives a secret in UTF-16 the same token as the same secret in UTF-8', () => {
      const a = run(scanner, Buffer.from(ps, 'utf16le')).taken[0]!.token;
      const b = run(scanner, Buffer.from(ps, 'utf8')).taken[0]!.token;
      expect(a).to.equal(b);
    });
  });

  describe('gzip', () => {
    it('tokenizes an .env.gz and the result gunzips to the tokenized text', () => {
      const { out, taken } = run(scanner, gzipSync(Buffer.from(env)));
      expect(taken.map((t) => t.secret)).to.deep.equal([pat, awsId]);
      expect(gunzipSync(out).toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
      expect(out.toString('latin1')).to.not.include(pat);
    });

    it('decodes every member of a multi-member gzip and rebuilds one member that the gunzip tool reads', () => {
      const content = Buffer.concat([gzipSync(Buffer.from('first=1\n')), gzipSync(Buffer.from(env)), gzipSync(Buffer.from('last=1\n'))]);
      const { out, taken } = run(scanner, content);
      expect(taken).to.have.length(2);
      const file = join(work, 'multi.gz');
      writeFileSync(file, out);
      const text = execFileSync('gunzip', ['-c', file]).toString();
      expect(text).to.equal(`first=1\n${env}last=1\n`.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
    });

    it('keeps the first member header (file name and time) in the rebuilt file', () => {
      const file = join(work, 'named.env');
      writeFileSync(file, env);
      execFileSync('gzip', ['-kf', file]);
      const content = readFileSync(`${file}.gz`);
      const { out } = run(scanner, content);
      const headerEnd = content.indexOf(0, 10) + 1;
      expect(out.subarray(0, headerEnd)).to.deep.equal(content.subarray(0, headerEnd));
      expect(execFileSync('gunzip', ['-l', '-N', '-c'], { input: out }).toString()).to.include('named.env');
    });

    it('writes only stored blocks, so the output depends on the content and not on zlib', () => {
      const a = run(scanner, gzipSync(Buffer.from(env), { level: 9 })).out;
      const b = run(scanner, gzipSync(Buffer.from(env), { level: 1 })).out;
      // The header is copied (its XFL byte names the level); everything after it is the same.
      expect(a.subarray(10)).to.deep.equal(b.subarray(10));
      // Header (10 bytes, no name), then one final stored block: BFINAL=1, BTYPE=00.
      expect(a[10]).to.equal(1);
    });

    it('splits long content into stored blocks of at most 65535 bytes that inflate back', () => {
      const big = `${'x'.repeat(70_000)}\nGITHUB_TOKEN=${pat}\n${'y'.repeat(70_000)}\n`;
      const { out, taken } = run(scanner, gzipSync(Buffer.from(big)));
      expect(gunzipSync(out).toString()).to.equal(big.replace(pat, taken[0]!.token));
    });

    it('returns a gzip of clean source byte-identical', () => {
      const content = gzipSync(Buffer.from('export function add(a, b) {\n  return a + b;\n}\n'.repeat(200)));
      expect(run(scanner, content).out).to.equal(content);
    });

    it('decodes a UTF-16 file inside a gzip and writes the token in UTF-16', () => {
      const ps = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`$env:GITHUB_TOKEN = "${pat}"\r\n`, 'utf16le')]);
      const { out, taken } = run(scanner, gzipSync(ps));
      expect(gunzipSync(out).subarray(2).toString('utf16le')).to.equal(`$env:GITHUB_TOKEN = "${taken[0]!.token}"\r\n`);
    });

    it('refuses a corrupt stream, a bad CRC and trailing garbage with GITGATE_SCAN_CORRUPT', () => {
      const good = gzipSync(Buffer.from(env));
      const truncated = good.subarray(0, good.length - 12);
      const badCrc = Buffer.from(good);
      badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8);
      const trailing = Buffer.concat([good, Buffer.from(`GITHUB_TOKEN=${pat}\n`)]);
      for (const bad of [truncated, badCrc, trailing]) expect(codeOf(() => run(scanner, bad))).to.equal(codes.corrupt);
    });

    it('refuses a member compressed with a method other than deflate (GITGATE_SCAN_UNSUPPORTED)', () => {
      const second = gzipSync(Buffer.from(env));
      second[2] = 7;
      expect(codeOf(() => run(scanner, Buffer.concat([gzipSync(Buffer.from('a\n')), second])))).to.equal(codes.unsupported);
    });

    it('withholds a gzip whose file name holds a secret (a name cannot be rewritten in place)', () => {
      const body = deflateRawSync(Buffer.from('clean\n'));
      const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.from(`GITHUB_TOKEN=${pat}`), Buffer.from([0])]);
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc('clean\n'), 0);
      trailer.writeUInt32LE(6, 4);
      expect(codeOf(() => run(scanner, Buffer.concat([header, body, trailer])))).to.equal(codes.secretInContainer);
    });
  });

  describe('zip', () => {
    it('tokenizes a deflated .env entry, stores it, and unzip reads the tokenized text', () => {
      const content = makeZip([{ name: 'README.md', content: '# app\n'.repeat(50) }, { name: '.env', content: env }, { name: 'src/a.js', content: 'let a = 1;\n'.repeat(40) }]);
      const { out, taken } = run(scanner, content);
      expect(taken.map((t) => t.secret)).to.deep.equal([pat, awsId]);
      const file = join(work, 'env.zip');
      writeFileSync(file, out);
      expect(spawnSync('unzip', ['-tq', file]).status).to.equal(0);
      expect(execFileSync('unzip', ['-p', file, '.env']).toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
      expect(execFileSync('unzip', ['-p', file, 'src/a.js']).toString()).to.equal('let a = 1;\n'.repeat(40));
      expect(out.toString('latin1')).to.not.include(pat);
    });

    it('copies untouched entries raw (their compressed bytes are in the output unchanged)', () => {
      const readme = '# app\n'.repeat(50);
      const content = makeZip([{ name: 'README.md', content: readme }, { name: '.env', content: env }]);
      const { out } = run(scanner, content);
      expect(out.includes(deflateRawSync(Buffer.from(readme)))).to.equal(true);
    });

    it('tokenizes a stored entry and an entry with a data descriptor', () => {
      const content = makeZip([{ name: 'a.env', content: env, method: 0 }, { name: 'b.env', content: env, descriptor: true }]);
      const { out, taken } = run(scanner, content);
      expect(taken).to.have.length(4);
      const file = join(work, 'desc.zip');
      writeFileSync(file, out);
      expect(spawnSync('unzip', ['-tq', file]).status).to.equal(0);
      for (const name of ['a.env', 'b.env']) expect(execFileSync('unzip', ['-p', file, name]).toString()).to.not.include(pat);
    });

    it('reads what the zip tool writes from files', () => {
      writeFileSync(join(work, '.env'), env);
      writeFileSync(join(work, 'notes.txt'), 'nothing here\n'.repeat(30));
      const content = execFileSync('zip', ['-q', '-', '.env', 'notes.txt'], { cwd: work });
      const { out, taken } = run(scanner, content);
      expect(taken.map((t) => t.secret)).to.deep.equal([pat, awsId]);
      const file = join(work, 'tool.zip');
      writeFileSync(file, out);
      expect(spawnSync('unzip', ['-tq', file]).status).to.equal(0);
      expect(execFileSync('unzip', ['-p', file]).toString('latin1')).to.not.include(pat);
    });

    it('reads what the zip tool streams into a pipe (zip64 data descriptors)', () => {
      writeFileSync(join(work, 'streamed.env'), env);
      const streamed = execFileSync('sh', ['-c', 'cat streamed.env | zip -q - -'], { cwd: work });
      const { out, taken } = run(scanner, streamed);
      expect(taken).to.have.length(2);
      const file = join(work, 'streamed.zip');
      writeFileSync(file, out);
      expect(spawnSync('unzip', ['-tq', file]).status).to.equal(0);
      expect(execFileSync('unzip', ['-p', file]).toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
    });

    it('withholds a zip64 archive (zip64 end record) with GITGATE_SCAN_UNSUPPORTED', () => {
      writeFileSync(join(work, 'streamed.env'), env);
      execFileSync('sh', ['-c', 'cat streamed.env | zip -q - - > zip64.zip'], { cwd: work });
      const content = readFileSync(join(work, 'zip64.zip'));
      expect(content.includes(Buffer.from([0x50, 0x4b, 6, 6]))).to.equal(true);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.unsupported);
    });

    it('decodes a gzip inside a zip and a zip inside a gzip', () => {
      const inner = makeZip([{ name: '.env', content: env }]);
      const a = run(scanner, makeZip([{ name: 'env.gz', content: gzipSync(Buffer.from(env)) }]));
      const b = run(scanner, gzipSync(inner));
      expect(a.taken).to.have.length(2);
      expect(b.taken).to.have.length(2);
      const file = join(work, 'nested.zip');
      writeFileSync(file, gunzipSync(b.out));
      expect(execFileSync('unzip', ['-p', file, '.env']).toString()).to.not.include(pat);
    });

    it('returns a zip of clean source byte-identical', () => {
      const content = makeZip([{ name: 'a.js', content: 'export const a = 1;\n'.repeat(100) }, { name: 'b.json', content: '{"name":"x","version":"1.0.0"}\n', method: 0 }]);
      expect(run(scanner, content).out).to.equal(content);
    });

    it('withholds an encrypted entry with GITGATE_SCAN_ENCRYPTED', () => {
      const content = makeZip([{ name: 'ok.txt', content: 'fine\n' }, { name: '.env', content: env, encrypted: true, rawData: Buffer.from('opaque ciphertext bytes') }]);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.encrypted);
    });

    it('withholds an entry compressed with an unsupported method (bzip2)', () => {
      const content = makeZip([{ name: 'x.bin', content: 'data', method: 12, rawData: Buffer.from('BZh91AY&SY') }]);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.unsupported);
    });

    it('withholds a corrupt archive: a bad CRC, a truncated stream, a missing end record', () => {
      const good = makeZip([{ name: '.env', content: env }]);
      const badCrc = Buffer.from(good);
      const central = badCrc.lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2]));
      badCrc.writeUInt32LE((badCrc.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16);
      const truncated = makeZip([{ name: '.env', content: env, rawData: deflateRawSync(Buffer.from(env)).subarray(0, 10) }]);
      const noEnd = good.subarray(0, good.length - 22);
      for (const bad of [badCrc, truncated, noEnd]) expect(codeOf(() => run(scanner, bad))).to.equal(codes.corrupt);
    });

    it('withholds a zip with an entry the central directory does not list (streaming readers would extract it)', () => {
      const hidden = makeZip([{ name: '.env', content: env }]);
      const listed = makeZip([{ name: 'ok.txt', content: 'fine\n' }]);
      // The hidden archive's local record, then an archive whose offsets are shifted past it.
      const localEnd = hidden.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
      expect(codeOf(() => run(scanner, Buffer.concat([hidden.subarray(0, localEnd), listed])))).to.equal(codes.corrupt);
    });

    it('withholds a zip whose entry name holds a secret', () => {
      const content = makeZip([{ name: `GITHUB_TOKEN=${pat}`, content: 'fine\n' }]);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.secretInContainer);
    });
  });

  describe('tar', () => {
    /** A tar made by the system tar of `files` (name → content), gzipped when `gz`. */
    const makeTar = (name: string, files: Record<string, string>, gz: boolean): Buffer => {
      const src = join(work, `${name}-src`);
      execFileSync('mkdir', ['-p', src]);
      for (const [file, content] of Object.entries(files)) writeFileSync(join(src, file), content);
      execFileSync('tar', [gz ? '-czf' : '-cf', join(work, name), '-C', src, '--sort=name', ...Object.keys(files)]);
      return readFileSync(join(work, name));
    };

    it('tokenizes an .env in a .tar.gz; the result lists and extracts with the tar tool', () => {
      const content = makeTar('env.tar.gz', { '.env': env, 'notes.txt': 'plain notes\n'.repeat(100) }, true);
      const { out, taken } = run(scanner, content);
      expect(taken.map((t) => t.secret)).to.deep.equal([pat, awsId]);
      const file = join(work, 'out.tar.gz');
      writeFileSync(file, out);
      expect(execFileSync('tar', ['-tzf', file]).toString()).to.equal('.env\nnotes.txt\n');
      expect(execFileSync('tar', ['-xzOf', file, '.env']).toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
      expect(execFileSync('tar', ['-xzOf', file, 'notes.txt']).toString()).to.equal('plain notes\n'.repeat(100));
    });

    it('rewrites a plain .tar with the new size and header checksum of the changed file', () => {
      const content = makeTar('env.tar', { 'a.env': env, 'b.txt': 'after\n' }, false);
      const { out } = run(scanner, content);
      const file = join(work, 'out.tar');
      writeFileSync(file, out);
      expect(execFileSync('tar', ['-xOf', file, 'b.txt']).toString()).to.equal('after\n');
      expect(execFileSync('tar', ['-xOf', file, 'a.env']).toString()).to.not.include(pat);
    });

    it('returns a .tar.gz of clean source byte-identical', () => {
      const content = makeTar('clean.tar.gz', { 'a.js': 'export const a = 1;\n'.repeat(50), 'b.md': '# title\n' }, true);
      expect(run(scanner, content).out).to.equal(content);
    });

    it('withholds a tar whose header checksum does not hold after the first (GITGATE_SCAN_CORRUPT)', () => {
      const content = Buffer.from(makeTar('bad.tar', { 'a.txt': 'a\n', 'b.txt': 'b\n' }, false));
      content[1024] ^= 1; // the second header's name
      expect(codeOf(() => run(scanner, content))).to.equal(codes.corrupt);
    });
  });

  describe('bounds', () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);

    it('refuses a zip bomb by its declared size before inflating it (GITGATE_SCAN_EXPANSION_RATIO)', () => {
      const content = makeZip([{ name: 'bomb.bin', content: zeros }]);
      expect(content.length).to.be.below(10_000);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.expansionRatio);
    });

    it('refuses a gzip bomb while inflating (GITGATE_SCAN_EXPANSION_RATIO)', () => {
      expect(codeOf(() => run(scanner, gzipSync(zeros)))).to.equal(codes.expansionRatio);
    });

    it('allows a small container whatever its ratio (below the ratio floor)', () => {
      const content = gzipSync(Buffer.alloc(64 * 1024));
      expect(run(scanner, content).out).to.equal(content);
    });

    it('refuses more decoded bytes than maxDecodedBytes (GITGATE_SCAN_DECODED_TOO_LARGE)', () => {
      const small = createScanner({ decode: { maxDecodedBytes: 1000 } });
      const content = makeZip([{ name: 'a.txt', content: 'a'.repeat(600), method: 0 }, { name: 'b.txt', content: 'b'.repeat(600), method: 0 }]);
      expect(codeOf(() => run(small, content))).to.equal(codes.decodedTooLarge);
    });

    it('refuses a deflated zip entry that would decode past maxDecodedBytes', () => {
      const small = createScanner({ decode: { maxDecodedBytes: 1000, maxExpansionRatio: 10_000 } });
      const content = makeZip([{ name: 'a.txt', content: 'a'.repeat(5000) }]);
      expect(codeOf(() => run(small, content))).to.equal(codes.decodedTooLarge);
    });

    it('refuses containers nested deeper than maxDepth (GITGATE_SCAN_NESTING_DEPTH)', () => {
      let content: Buffer = Buffer.from(env);
      for (let i = 0; i < 4; i++) content = gzipSync(content);
      expect(codeOf(() => run(scanner, content))).to.equal(codes.nestingDepth);
      let three: Buffer = Buffer.from(env);
      for (let i = 0; i < 3; i++) three = i % 2 === 0 ? gzipSync(three) : makeZip([{ name: 'x', content: three }]);
      expect(run(scanner, three).taken).to.have.length(2);
    });

    it('refuses more entries than maxEntries (GITGATE_SCAN_TOO_MANY_ENTRIES)', () => {
      const few = createScanner({ decode: { maxEntries: 5 } });
      const content = makeZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, content: `file ${i}\n` })));
      expect(codeOf(() => run(few, content))).to.equal(codes.tooManyEntries);
    });

    it('puts the decode bounds into the rule-set version', () => {
      expect(createScanner({ decode: { maxDepth: 2 } }).rulesetVersion).to.not.equal(createScanner().rulesetVersion);
    });
  });

  describe('precision on ordinary binaries', () => {
    const root = repoRoot();
    const negatives: Array<[string, string]> = [
      ['a PNG image', 'node_modules/playwright-core/lib/server/chromium/appIcon.png'],
      ['a compiled .node addon', 'node_modules/sqlite3/build/Release/node_sqlite3.node'],
    ];
    for (const [label, path] of negatives) {
      it(`leaves ${label} byte-identical`, () => {
        const content = readFileSync(join(root, path));
        expect(run(scanner, content).out).to.equal(content);
      });
    }

    it('leaves a git pack byte-identical', () => {
      const repo = join(work, 'packrepo');
      execFileSync('git', ['init', '-q', repo]);
      writeFileSync(join(repo, 'a.txt'), 'hello\n'.repeat(100));
      writeFileSync(join(repo, 'b.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff)));
      execFileSync('git', ['-C', repo, 'add', '.']);
      execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'one']);
      const pack = execFileSync('git', ['-C', repo, 'pack-objects', '--stdout', '--revs'], { input: 'HEAD\n' });
      expect(run(scanner, pack).out).to.equal(pack);
    });

    it('leaves a sequence of 16-bit little numbers (binary with many NULs) byte-identical', () => {
      const content = Buffer.alloc(2048);
      for (let i = 0; i < 1024; i++) content.writeUInt16LE(i % 300, 2 * i);
      expect(run(scanner, content).out).to.equal(content);
    });
  });

  it('is deterministic: the same input gives the same bytes on every run', () => {
    const content = makeZip([{ name: '.env', content: env }, { name: 'PS.ps1', content: Buffer.from(`$env:GITHUB_TOKEN = "${pat}"`, 'utf16le') }]);
    const a = run(scanner, content);
    const b = run(scanner, content);
    expect(a.out).to.deep.equal(b.out);
    expect(a.taken.map((t) => t.token)).to.deep.equal(b.taken.map((t) => t.token));
    const file = join(work, 'twice.zip');
    writeFileSync(file, a.out);
    expect(tokenCount(execFileSync('unzip', ['-p', file, '.env']).toString('latin1'))).to.equal(2);
  });

  it('inflates a rebuilt zip entry with node:zlib to the tokenized text (stored data is valid raw deflate too)', () => {
    const { out, taken } = run(scanner, gzipSync(Buffer.from(env)));
    const body = out.subarray(10, out.length - 8);
    expect(inflateRawSync(body).toString()).to.equal(env.replace(pat, taken[0]!.token).replace(awsId, taken[1]!.token));
  });
});

/** CRC-32 of a string, through the zlib gzip trailer (an independent implementation). */
function crc(text: string): number {
  const gz = gzipSync(Buffer.from(text));
  return gz.readUInt32LE(gz.length - 8);
}
