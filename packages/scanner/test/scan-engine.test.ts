// The engine runs every detector through one interface: the built-in ones are registered like any other.
import { expect } from 'chai';
import { builtinDetectorList } from '../src/builtin-detector-list.js';
import type { Detector } from '../src/detector.js';
import { builtinDetectors, defaultRules } from '../src/index.js';
import { ScanEngine } from '../src/scan-engine.js';

const settings = { chunkBytes: 32 << 20, chunkOverlap: 1 << 20, maxDecodeDepth: 2 };
const manifest = (value: string): Buffer =>
  Buffer.from(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${Buffer.from(value).toString('base64')}\n`);
const strongValue = (): string => Array.from({ length: 24 }, (_, i) => 'Qx7Lm2Vp9Rt4Zk8Wn3Jh6Bd1'[(i * 7) % 24]).join('');

describe('scan engine', () => {
  it('finds a Kubernetes Secret value only when the Kubernetes detector is registered', () => {
    const bytes = manifest(strongValue());
    const withIt = new ScanEngine(defaultRules, [], settings, builtinDetectorList).scan(bytes, undefined);
    const without = new ScanEngine(defaultRules, [], settings, builtinDetectorList.filter((d) => d.infos[0]!.id !== 'kubernetes-secret')).scan(bytes, undefined);
    expect(withIt.map((f) => f.ruleId)).to.include('kubernetes-secret');
    expect(without.map((f) => f.ruleId)).to.not.include('kubernetes-secret');
  });

  it('runs a registered region detector only on content where one of its keywords occurs', () => {
    const seen: string[] = [];
    const probe: Detector = {
      infos: [{ id: 'probe', type: 'probe', description: 'test', confidence: 'high' }],
      stage: 'region',
      keywords: ['zebra'],
      detect(scope, found) {
        seen.push(scope.text());
        found.push({ ruleId: 'probe', type: 'probe', start: scope.rs, end: scope.rs + 5, confidence: 'high' });
        return false;
      },
    };
    const engine = new ScanEngine([], [], settings, [probe]);
    expect(engine.scan(Buffer.from('no keyword here'), undefined)).to.deep.equal([]);
    expect(engine.scan(Buffer.from('a zebra here'), undefined).map((f) => f.ruleId)).to.deep.equal(['probe']);
    expect(seen).to.deep.equal(['a zebra here']);
  });

  it('registers exactly the detectors the scanner lists publicly', () => {
    const registered = builtinDetectorList.flatMap((d) => d.infos.map((i) => i.id)).sort();
    expect(registered).to.deep.equal(builtinDetectors.map((d) => d.id).sort());
  });

  it('refuses a rule whose id a registered detector already reports under', () => {
    const rule = { ...defaultRules[0]!, id: 'kubernetes-secret' };
    expect(() => new ScanEngine([rule], [], settings, builtinDetectorList)).to.throw(TypeError, /duplicate rule id/);
  });
});
