// server is HTTP adapters over typed interfaces: the stores are opened and composed by @gitgate/gateway.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@gitgate/testkit';

const STORE_PACKAGES = ['@gitgate/vault', '@gitgate/audit', '@gitgate/access', '@gitgate/db'];
const STORE_CLASSES = ['Vault', 'IdMap', 'RepoMirror', 'SanitizedStore', 'UpstreamStore', 'AuditLog', 'DetokenizeService', 'Policy', 'Database'];

/** Every import statement of packages/server/src, with its file. */
function imports(): { file: string; statement: string }[] {
  const src = join(repoRoot(), 'packages', 'server', 'src');
  const out: { file: string; statement: string }[] = [];
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)) out.push({ file, statement: m[0] });
  }
  return out;
}

/** Names a package's error model exports: declared errors are shared across packages (docs/architecture.md). */
const ERROR_MODEL = /^(?:type\s+)?(?:\w+Error|\w+Errors|codes)(?:\s+as\s+\w+)?$/;

/** The value names an import statement brings in that are not part of an error model. */
function nonErrorValues(statement: string): string[] {
  const names = /\{([^}]*)\}/.exec(statement)?.[1] ?? '*';
  return names.split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type ') && !ERROR_MODEL.test(n));
}

describe('server boundaries', () => {
  it('imports only types (and declared errors) from the store packages', () => {
    const values = imports().filter(({ statement }) => STORE_PACKAGES.some((p) => statement.endsWith(`'${p}';`))
      && !/^(import|export) type\s/.test(statement) && nonErrorValues(statement).length > 0);
    expect(values.map((v) => `${v.file}: ${v.statement}`)).to.deep.equal([]);
  });

  it('imports no store implementation class as a value from any package', () => {
    const values = imports().filter(({ statement }) => statement.includes('@gitgate/') && !/^(import|export) type\s/.test(statement)
      && STORE_CLASSES.some((c) => new RegExp(`[{,]\\s*${c}\\s*[,}]`).test(statement.replace(/type \w+/g, ''))));
    expect(values.map((v) => `${v.file}: ${v.statement}`)).to.deep.equal([]);
  });
});
