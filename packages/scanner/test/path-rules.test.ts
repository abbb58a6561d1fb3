import { expect } from 'chai';
import { createScanner, globToRegExp, isKeyFile, isLockfile, type Rule } from '../src/index.js';
import { Fakes, pemLine } from './fakes.js';

describe('path rules (scan hint)', () => {
  const fakes = new Fakes(7171);

  describe('globToRegExp', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*.pem', 'certs/server.pem', true],
      ['*.pem', 'certs/server.pem.bak', false],
      ['config/*.yml', 'config/app.yml', true],
      ['config/*.yml', 'x/config/app.yml', false],
      ['config/*.yml', 'config/sub/app.yml', false],
      ['**/fixtures/**', 'a/b/fixtures/c/d.json', true],
      ['docs/**', 'docs/a/b.md', true],
      ['{id_rsa,id_ed25519}', 'home/.ssh/id_ed25519', true],
      ['file?.txt', 'file1.txt', true],
      ['/root.txt', 'root.txt', true],
    ];
    for (const [glob, path, want] of cases) {
      it(`${want ? 'matches' : 'does not match'} ${path} with ${glob}`, () => expect(globToRegExp(glob).test(path)).to.equal(want));
    }
  });

  it('knows lockfiles and key files by name', () => {
    expect(['package-lock.json', 'web/yarn.lock', 'go.sum', 'Cargo.lock'].every(isLockfile)).to.equal(true);
    expect(isLockfile('package.json')).to.equal(false);
    expect(['id_rsa', 'deploy/id_ed25519', 'keystore.jks', 'client.p12', 'server.key', 'putty.ppk'].every(isKeyFile)).to.equal(true);
    expect(isKeyFile('id_rsa.pub')).to.equal(false);
    expect(isKeyFile('server.pem')).to.equal(false);
  });

  it('reports a key file by name as one whole-content finding', () => {
    const body = fakes.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 240) + '\n';
    const found = createScanner().scan(Buffer.from(body), { path: 'deploy/keys/service.key' });
    expect(found).to.deep.equal([{ ruleId: 'key-file-by-path', type: 'private-key', start: 0, end: body.length, confidence: 'medium' }]);
  });

  it('reports the whole id_rsa file, not only its PEM block', () => {
    const pem = fakes.pem('RSA ') + '\n';
    const [f] = createScanner().scan(Buffer.from(pem), { path: '.ssh/id_rsa' });
    expect(f).to.include({ start: 0, end: pem.length });
  });

  it('does not report a public key or certificate named like a key file', () => {
    const crt = [pemLine('BEGIN', 'CERTIFICATE'), ...fakes.base64Lines(900), pemLine('END', 'CERTIFICATE')].join('\n') + '\n';
    expect(createScanner().scan(Buffer.from(crt), { path: 'tls/server.key' })).to.deep.equal([]);
  });

  it('never applies path rules without a hint (the rewrite is content-addressed)', () => {
    expect(createScanner().scan(Buffer.from(fakes.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 240)))).to.deep.equal([]);
  });

  it('does not report a key file whose secret part is already a gateway token', () => {
    const ppk = `PuTTY-User-Key-File-2: ssh-rsa\nPublic-Lines: 2\n${fakes.base64Lines(120).join('\n')}\nPrivate-Lines: 1\n[[TOKEN_private-key_${fakes.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 26)}]]\n`;
    expect(createScanner().scan(Buffer.from(ppk), { path: 'keys/deploy.ppk' })).to.deep.equal([]);
  });

    it('does not report a short placeholder file named like a key', () => {
    expect(createScanner().scan(Buffer.from('<paste your private key here>\n'), { path: 'id_rsa' })).to.deep.equal([]);
  });

  it('drops name-based findings in a lockfile but keeps provider tokens', () => {
    const pw = fakes.password();
    const t = fakes.github('p');
    const text = `{"password": "${pw}", "token": "${t}"}`;
    expect(createScanner().scan(Buffer.from(text), { path: 'package-lock.json' }).map((f) => f.ruleId)).to.deep.equal(['github-pat']);
    expect(createScanner().scan(Buffer.from(text)).map((f) => f.ruleId)).to.deep.equal(['generic-secret-assignment', 'github-pat']);
  });

  it('runs a rule with paths only on matching file names when hinted, and everywhere without a hint', () => {
    const rule: Rule = { id: 'acme-key', type: 'acme-key', description: 'd', keywords: ['acme_'], pattern: /acme_[0-9a-f]{32}/, confidence: 'high', paths: ['**/*.env'] };
    const scanner = createScanner({ rules: [rule] });
    const content = Buffer.from(`k=acme_${fakes.chars('0123456789abcdef', 32)}\n`);
    expect(scanner.scan(content, { path: 'config/prod/app.env' })).to.have.length(1);
    expect(scanner.scan(content, { path: 'src/app.py' })).to.have.length(0);
    expect(scanner.scan(content)).to.have.length(1);
  });

  it('refuses a rule whose paths name a directory', () => {
    const rule: Rule = { id: 'acme-key', type: 'acme-key', description: 'd', keywords: ['acme_'], pattern: /acme_[0-9a-f]{32}/, confidence: 'high', paths: ['config/**'] };
    expect(() => createScanner({ rules: [rule] })).to.throw(TypeError, /names a directory: paths are matched against file names/);
  });

  it('throws TypeError for a hint that is not an object with a string path', () => {
    expect(() => createScanner().scan(Buffer.from('x'), { path: 3 as unknown as string })).to.throw(TypeError);
  });
});
