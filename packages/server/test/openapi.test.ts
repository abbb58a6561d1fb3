import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openApiDocument } from '../src/api/openapi.js';
import { repoRoot } from '@gitgate/testkit';

describe('OpenAPI document', () => {
  it('is the same in docs/openapi.yaml as the one the server serves', () => {
    const onDisk = parse(readFileSync(join(repoRoot(), 'docs', 'openapi.yaml'), 'utf8'));
    expect(onDisk).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('describes every detokenize, token and audit route', () => {
    for (const p of ['/detokenize-requests', '/detokenize-requests/{id}', '/detokenize-requests/{id}/reveal', '/detokenize-requests/{id}/approve', '/detokenize-requests/{id}/deny', '/tokens/{token}', '/tokens/{token}/revoke', '/audit/sessions', '/audit/exposures', '/audit/pushes', '/audit/requests', '/audit/syncs']) {
      expect(openApiDocument.paths, p).to.have.property(p);
    }
  });
});
