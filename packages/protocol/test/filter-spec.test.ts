import { expect } from 'chai';
import { isFilterAllowed } from '../src/index.js';

describe('filter specs', () => {
  for (const spec of [
    'blob:none', 'blob:limit=0', 'blob:limit=1024', 'blob:limit=1k', 'blob:limit=5M', 'blob:limit=2g',
    'tree:0', 'tree:3', 'combine:blob:none+tree:3', 'combine:blob:limit=1k+tree:0', 'combine:blob%3anone+tree%3A1',
  ]) {
    it(`allows ${spec}`, () => {
      expect(isFilterAllowed(spec)).to.equal(true);
    });
  }

  for (const spec of [
    'sparse:oid=' + 'a'.repeat(40), 'sparse:oid=main:.sparse', 'object:type=blob', 'blob:limit=', 'blob:limit=-1',
    'blob:limit=1t', 'blob:limit=0x10', 'tree:', 'tree:-1', 'tree:1.5', 'combine:', 'combine:blob:none+',
    'combine:blob:none+sparse:oid=x', 'combine:blob:none+combine%3Atree%3A1', 'combine:blob%zznone', 'BLOB:NONE',
    ' blob:none', 'blob:none ', 'combine:' + Array(17).fill('tree:1').join('+'),
  ]) {
    it(`refuses ${JSON.stringify(spec)}`, () => {
      expect(isFilterAllowed(spec)).to.equal(false);
    });
  }
});
