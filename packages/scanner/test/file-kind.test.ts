import { expect } from 'chai';
import {
  compileCustomRules, createScanner, defaultRules, fileKindOf, FILE_KINDS, selectFindings, type FileKind, type Finding, type Rule, type Scanner,
} from '../src/index.js';
import { ALNUM, Fakes, seeded } from './fakes.js';

const fakes = new Fakes(1212);

/** A config-only rule: a bare value after `auth=` (an identifier in code, a literal in a .env). */
const bareAuth: Rule = {
  id: 'test-bare-auth', type: 'test-bare-auth', description: 'd', keywords: ['auth'], confidence: 'medium',
  pattern: /\bauth\s*=\s*(?<secret>[A-Za-z0-9_]{8,64})/, fileKinds: ['config'],
};
/** A code-only rule over a shorter span that can sit inside the config-only one. */
const codeKey: Rule = {
  id: 'test-code-key', type: 'test-code-key', description: 'd', keywords: ['zq_'], confidence: 'high',
  pattern: /zq_[A-Za-z0-9]{10}/, fileKinds: ['code'],
};

const spans = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.ruleId}@${f.start}-${f.end}`);

describe('file kinds', () => {
  it('tells code, config, docs and lockfiles apart by name', () => {
    const cases: [string, FileKind][] = [
      ['settings.py', 'code'], ['src/app.ts', 'code'], ['Main.java', 'code'], ['.env', 'config'], ['.env.production', 'config'],
      ['prod.env', 'config'], ['app.yaml', 'config'], ['Dockerfile', 'config'], ['Dockerfile.dev', 'config'], ['Makefile', 'config'],
      ['rules.mk', 'config'], ['deploy.sh', 'config'], ['.npmrc', 'config'], ['.netrc', 'config'], ['docker-compose.yml', 'config'],
      ['README.md', 'docs'], ['notes.txt', 'docs'], ['git.1', 'docs'], ['package-lock.json', 'lockfile'], ['go.sum', 'lockfile'],
      ['yarn.lock', 'lockfile'], ['photo.jpg', 'unknown'], ['', 'unknown'],
    ];
    for (const [name, kind] of cases) expect(fileKindOf(name), name).to.equal(kind);
  });

  it('reads a shebang only for a name that does not tell', () => {
    expect(fileKindOf('bin/run', Buffer.from('#!/bin/sh\necho hi\n'))).to.equal('config');
    expect(fileKindOf('bin/run', Buffer.from('#!/usr/bin/env -S python3 -u\nprint(1)\n'))).to.equal('code');
    expect(fileKindOf('bin/run', Buffer.from('plain text\n'))).to.equal('unknown');
    expect(fileKindOf('bin/run')).to.equal('unknown');
    expect(fileKindOf('tool.py', Buffer.from('#!/bin/sh\n'))).to.equal('code');
  });

  it('keeps a config-only finding out of code and in config and unknown content', () => {
    const scanner = createScanner({ rules: [bareAuth] });
    const value = 'Wr0ng' + fakes.chars(ALNUM, 12);
    const bytes = Buffer.from(`session.auth = ${value}\n`);
    expect(scanner.scan(bytes, { kind: 'code' })).to.deep.equal([]);
    expect(scanner.scan(bytes, { path: 'app/settings.py' })).to.deep.equal([]);
    for (const hint of [{ kind: 'config' as const }, { kind: 'unknown' as const }, { path: '.env' }, {}]) {
      const found = scanner.scan(bytes, hint);
      expect(found.map((f) => bytes.toString('latin1', f.start, f.end)), JSON.stringify(hint)).to.deep.equal([value]);
    }
  });

  it('still finds a secret of every kind inside a longer finding of one kind', () => {
    // The config-only span swallows the code-only token: config keeps the long one, code must keep the token.
    const scanner = createScanner({ rules: [bareAuth, codeKey] });
    const key = 'zq_' + fakes.chars(ALNUM, 10);
    const bytes = Buffer.from(`auth=${key}\n`);
    expect(spans(scanner.scan(bytes, { kind: 'config' }))).to.deep.equal([`test-bare-auth@5-${5 + key.length}`]);
    expect(scanner.scan(bytes, { kind: 'code' }).map((f) => bytes.toString('latin1', f.start, f.end))).to.deep.equal([key]);
    expect(scanner.scan(bytes)).to.have.length(2);
  });

  it('drops name-based findings in lockfiles by kind, as the gateway does', () => {
    const pw = fakes.password();
    const t = fakes.github('p');
    const bytes = Buffer.from(`{"password": "${pw}", "token": "${t}"}`);
    const scanner = createScanner();
    expect(scanner.scan(bytes, { kind: 'lockfile' }).map((f) => f.ruleId)).to.deep.equal(['github-pat']);
    expect(selectFindings(scanner.scan(bytes), 'lockfile').map((f) => f.ruleId)).to.deep.equal(['github-pat']);
    expect(selectFindings(scanner.scan(bytes), 'config').map((f) => f.ruleId)).to.deep.equal(['generic-secret-assignment', 'github-pat']);
  });

  it('reads fileKinds from a custom rule in the config and refuses unknown kinds', () => {
    const raw = { id: 'acme-bare', type: 'acme-bare', regex: 'acme=(?<secret>\\w{8,})', keywords: ['acme='], fileKinds: ['config'] };
    expect(compileCustomRules([raw], 'scanner.rules').rules[0]!.fileKinds).to.deep.equal(['config']);
    const bad = compileCustomRules([{ ...raw, fileKinds: ['source'] }], 'scanner.rules');
    expect(bad.rules).to.deep.equal([]);
    expect(bad.problems[0]).to.match(/^scanner\.rules\[0\]\.fileKinds: must be a non-empty list of file kinds/);
  });
});

describe('selecting findings per kind (the property the gateway and gitgate scan share)', () => {
  const random = seeded(77);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const rules = [...defaultRules, bareAuth, codeKey];
  const scanner = createScanner({ rules });
  /** An independent oracle: a scanner holding only the rules that apply in `kind`, without kinds. */
  const only = (kind: FileKind): Scanner =>
    createScanner({ rules: rules.filter((r) => kind === 'unknown' || r.fileKinds === undefined || r.fileKinds.includes(kind)).map(({ fileKinds: _, ...r }) => r) });
  const oracles = new Map<FileKind, Scanner>(FILE_KINDS.filter((k) => k !== 'lockfile').map((k) => [k, only(k)]));
  const pieces = (): string[] => [
    `auth=${'zq_' + fakes.chars(ALNUM, 10)}${fakes.chars(ALNUM, pick([0, 3, 20]))}`, `auth = wrong_auth_${fakes.chars(ALNUM, 6)}`,
    `password: "${fakes.password()}"`, `token=${fakes.github('p')}`, `zq_${fakes.chars(ALNUM, 10)}`, 'const auth = this.opts.auth;',
    `api_key=${fakes.chars(ALNUM, 24)}`, `auth=${fakes.chars(ALNUM, 30)}zq_${fakes.chars(ALNUM, 10)}`, 'plain words here',
  ];

  it('selectFindings(scan(bytes), kind) equals scan(bytes, { kind }) equals the scan of that kind\'s rules alone', () => {
    for (let round = 0; round < 150; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(pieces())).join(pick(['\n', ' ', '', '; ']));
      const bytes = Buffer.from(text);
      const all = scanner.scan(bytes);
      for (const kind of FILE_KINDS) {
        const hinted = scanner.scan(bytes, { kind });
        expect(spans(selectFindings(all, kind)), `${kind}: ${text}`).to.deep.equal(spans(hinted));
        const oracle = oracles.get(kind);
        if (oracle !== undefined) expect(spans(hinted), `${kind} oracle: ${text}`).to.deep.equal(spans(oracle.scan(bytes, { kind: 'unknown' })));
      }
      for (const path of ['src/settings.py', 'deploy/.env', 'README.md', 'yarn.lock', 'data.bin']) {
        expect(spans(scanner.scan(bytes, { path })), path).to.deep.equal(spans(selectFindings(all, fileKindOf(path, bytes))));
        expect(spans(scanner.select(bytes, all, { path })), path).to.deep.equal(spans(scanner.scan(bytes, { path })));
      }
    }
  });

  it('selects name globs per file name without scanning again', () => {
    const named: Rule = { ...codeKey, id: 'test-named', fileKinds: undefined, paths: ['*.cfg'] } as Rule;
    const s = createScanner({ rules: [bareAuth, named], allowlist: [{ paths: ['fixture-*'], ruleIds: ['test-bare-auth'] }] });
    const key = 'zq_' + fakes.chars(ALNUM, 10);
    const bytes = Buffer.from(`auth=${key}wxyz\n`);
    const all = s.scan(bytes);
    expect(spans(s.select(bytes, all, { path: 'a/app.cfg' }))).to.deep.equal([`test-bare-auth@5-${9 + key.length}`]);
    expect(spans(s.select(bytes, all, { path: 'a/fixture-app.cfg' }))).to.deep.equal([`test-named@5-${5 + key.length}`]);
    expect(spans(s.select(bytes, all, { path: 'a/app.py' }))).to.deep.equal([]);
    expect(s.nameClass('app.cfg')).to.not.equal(s.nameClass('fixture-app.cfg'));
    expect(s.nameClass('app.cfg')).to.equal(s.nameClass('other.cfg'));
  });
});
