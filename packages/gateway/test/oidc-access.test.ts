// The access wiring of auth mode oidc: the server's policy object asks the policy in force, also after a reload.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Policy, type PolicyConfig } from '@gitgate/access';
import { AuditLog } from '@gitgate/audit';
import { Vault } from '@gitgate/vault';
import { createGatewayMetrics } from '@gitgate/server';
import { noopLogger } from '@gitgate/log';
import { removeDirs, tempDir } from '@gitgate/testkit';
import { emptyPolicy, openOidcAccess, type OidcAccess } from '../src/oidc-access.js';

const agent = { subject: 'agent-7', groups: ['agents'] };

describe('oidc access: write policy', () => {
  let dir: string;
  let vault: Vault;
  let audit: AuditLog;
  let access: OidcAccess;

  const withWriters = (writers?: string[]): PolicyConfig => {
    const p = emptyPolicy(['acme/api']);
    p.repos[0] = { name: 'acme/api', readers: ['agents'], ...(writers ? { writers } : {}) };
    return p;
  };

  beforeEach(async () => {
    dir = tempDir();
    vault = await Vault.open({ dbPath: join(dir, 'vault.db'), masterKey: randomBytes(32) });
    audit = await AuditLog.open({ path: join(dir, 'audit.db') });
    access = await openOidcAccess({
      auth: { issuer: 'https://issuer.example.test', audience: 'gitgate' }, policy: withWriters(['agents']), dbPath: join(dir, 'access.db'),
      vault, audit, metrics: createGatewayMetrics(), logger: noopLogger,
    });
  });

  afterEach(async () => {
    await access.detokenize.close();
    await audit.close();
    await vault.close();
    removeDirs(dir);
  });

  it('lets a member of the repository writers push, and nobody else', () => {
    const policy = access.app.policy!;
    expect([policy.canWrite!(agent, 'acme/api'), policy.canWrite!({ subject: 'ci', groups: ['ci'] }, 'acme/api'), policy.canWrite!(agent, 'acme/web')])
      .to.deep.equal([true, false, false]);
  });

  it('answers from the policy a reload put in force, through the same object', () => {
    const policy = access.app.policy!;
    const next = withWriters();
    access.replacePolicy(new Policy(next), next);
    expect([policy.canWrite!(agent, 'acme/api'), policy.canRead(agent, 'acme/api')]).to.deep.equal([false, true]);
  });
});
