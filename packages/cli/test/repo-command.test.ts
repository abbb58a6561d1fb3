import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomChars } from '@gitgate/testkit';
import { repoCommand } from '../src/repo-command.js';
import { loadConfig } from '../src/config.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(c, _e, cb) { text += String(c); cb(); } }), text: () => text };
}

describe('gitgate repo add|list|remove and gitgate repos', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
    file = path.join(dir, 'gitgate.yaml');
    fs.writeFileSync(file, '# the team gateway\nlisten: 127.0.0.1:8080\nauth: { mode: none } # trial\nrepos:\n  - name: acme/api\n    upstream: /srv/git/api.git\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds a repository to the file, keeping its comments, and the result validates', async () => {
    const out = sink();
    expect(await repoCommand('repo', ['add', '--config', file, '--name', 'acme/web', '--upstream', '/srv/git/web.git', '--readers', 'agents,ci'], out.stream, sink().stream)).to.equal(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.include('# the team gateway');
    expect(loadConfig(file).repos.map((r) => [r.name, r.readers])).to.deep.equal([['acme/api', []], ['acme/web', ['agents', 'ci']]]);
  });

  it('removes a repository and refuses to remove one that is not there', async () => {
    expect(await repoCommand('repo', ['remove', '--config', file, '--name', 'acme/api'], sink().stream, sink().stream)).to.equal(0);
    expect(loadConfig(file).repos).to.deep.equal([]);
    const err = sink();
    expect(await repoCommand('repo', ['remove', '--config', file, '--name', 'acme/api'], sink().stream, err.stream)).to.equal(1);
    expect(err.text()).to.include('is not in');
  });

  it('refuses a duplicate and leaves the file untouched on an invalid name', async () => {
    expect(await repoCommand('repo', ['add', '--config', file, '--name', 'acme/api', '--upstream', '/x'], sink().stream, sink().stream)).to.equal(1);
    const before = fs.readFileSync(file, 'utf8');
    let threw = false;
    try {
      await repoCommand('repo', ['add', '--config', file, '--name', '../evil', '--upstream', '/x'], sink().stream, sink().stream);
    } catch {
      threw = true;
    }
    expect(threw).to.equal(true);
    expect(fs.readFileSync(file, 'utf8')).to.equal(before);
  });

  it('lists what is exposed with credentials in URLs masked', async () => {
    const password = randomChars(12);
    await repoCommand('repo', ['add', '--config', file, '--name', 'acme/web', '--upstream', `https://svc:${password}@git.example.test/web.git`], sink().stream, sink().stream);
    const out = sink();
    expect(await repoCommand('repos', ['--config', file], out.stream, sink().stream)).to.equal(0);
    expect(out.text()).to.include('acme/api\t/srv/git/api.git');
    expect(out.text()).to.include('acme/web\thttps://***@git.example.test/web.git');
    expect(out.text()).to.not.include(password);
  });

  it('names the push branches and writers of a repository that accepts pushes, and nothing for a read-only one', async () => {
    fs.appendFileSync(file, '    push: { writers: [agents], branches: ["agent/*", "+agent/scratch/**"] }\n  - name: acme/ro\n    upstream: /srv/git/ro.git\n');
    const out = sink();
    expect(await repoCommand('repos', ['--config', file], out.stream, sink().stream)).to.equal(0);
    expect(out.text()).to.equal('acme/api\t/srv/git/api.git\treaders: -\tpush: agent/*,+agent/scratch/** (writers: agents)\nacme/ro\t/srv/git/ro.git\treaders: -\n');
  });
});
