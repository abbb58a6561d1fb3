// A running gateway: a reload replaces the push settings of a repository without a new mirror, and records what changed.
import { expect } from 'chai';
import { join } from 'node:path';
import { removeDirs, tempDir } from '@gitgate/testkit';
import { startGateway, type Gateway, type GatewayRepo } from '../src/index.js';
import { query } from './helpers/sqlite-rows.js';

describe('gateway: push settings on reload', () => {
  let dir: string;
  let gw: Gateway;
  const repo = (push?: GatewayRepo['push']): GatewayRepo => ({ name: 'acme/api', upstream: { url: join(dir, 'up.git') }, ...(push ? { push } : {}) });

  beforeEach(async () => {
    dir = tempDir();
    gw = await startGateway({ dataDir: join(dir, 'data'), port: 0, auth: { mode: 'none' }, repos: [repo({ branches: ['agent/*'] })] });
  });

  afterEach(async () => {
    await gw.close();
    removeDirs(dir);
  });

  it('serves the new push settings from the next request on, on the mirror it had, and audits the change', async () => {
    const mirror = gw.repos.get('acme/api');
    expect(gw.pushSettingsOf('acme/api')).to.deep.equal({ branches: ['agent/*'] });
    expect(gw.reload({ repos: [repo({ branches: ['agent/**'], tags: ['agent-*'] })] })).to.deep.equal({ added: [], changed: [], removed: [] });
    expect(gw.pushSettingsOf('acme/api')).to.deep.equal({ branches: ['agent/**'], tags: ['agent-*'] });
    expect(gw.repos.get('acme/api')).to.equal(mirror);
    gw.reload({ repos: [repo()] });
    expect(gw.pushSettingsOf('acme/api')).to.equal(undefined);
    await gw.audit.flush();
    const rows = await query<{ data: string }>(join(dir, 'data', 'audit.db'), "SELECT data FROM records WHERE kind = 'admin' AND json_extract(data, '$.action') = 'config-reload' ORDER BY seq");
    expect(rows.map((r) => JSON.parse(r.data).push)).to.deep.equal([{ 'acme/api': { branches: ['agent/**'], tags: ['agent-*'] } }, { 'acme/api': null }]);
  });

  it('refuses a reload with a malformed glob and keeps the settings in force', () => {
    expect(() => gw.reload({ repos: [repo({ branches: ['refs/heads/*'] })] })).to.throw(TypeError, /acme\/api/);
    expect(gw.pushSettingsOf('acme/api')).to.deep.equal({ branches: ['agent/*'] });
  });
});
