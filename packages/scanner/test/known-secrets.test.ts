import { expect } from 'chai';
import {
  createScanner, KnownSecrets, knownSecretsOnly, matchableBare, mergeKnownFindings, replaceSecrets, withKnownSecrets, type Finding,
} from '../src/index.js';
import { ALNUM, Fakes, HEX } from './fakes.js';

const fakes = new Fakes(1207);

/** A random value that is matchable bare (the generator is seeded: the same values every run). */
function value(n = 20, alphabet = ALNUM): string {
  for (let tries = 0; tries < 1000; tries++) {
    const v = fakes.chars(alphabet, n);
    if (matchableBare(Buffer.from(v))) return v;
  }
  throw new Error(`no matchable value of ${n} chars`);
}

function spans(found: Finding[]): Array<[number, number, string]> {
  return found.map((f) => [f.start, f.end, f.type]);
}

describe('known secrets', () => {
  describe('matchableBare', () => {
    it('accepts long random values of base62, hex and with symbols', () => {
      expect(matchableBare(Buffer.from(value(16)))).to.equal(true);
      expect(matchableBare(Buffer.from(value(40, HEX)))).to.equal(true);
      expect(matchableBare(Buffer.from(value(12) + '#%' + fakes.chars(ALNUM, 6)))).to.equal(true);
    });

    it('refuses values shorter than 8 bytes', () => {
      expect(matchableBare(Buffer.from(value(20).slice(0, 7)))).to.equal(false);
    });

    it('refuses low-entropy values, words and code built of words', () => {
      for (const v of ['aaaa1111', 'abababab12', 'get_netrc_auth', 'wrongAuth', 'this.#opts.auth', 'r.value!', 'sha256Hash', 'changeme123']) {
        expect(matchableBare(Buffer.from(v)), v).to.equal(false);
      }
    });

    it('refuses placeholders and template references', () => {
      for (const v of ['${DB_PASSWORD}', '<your-token>', 'xxxx-1234-xxxx', '{{ .Values.pw }}']) expect(matchableBare(Buffer.from(v)), v).to.equal(false);
    });
  });

  describe('entriesFrom', () => {
    it('lists the values from an index in index order, so learning them into a copy gives the same finds', () => {
      const [a, b, c] = [value(), value(), value()];
      const known = new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(a) }]);
      known.learn('password', Buffer.from(b));
      known.learn('api-key', Buffer.from(c));
      expect(known.entriesFrom(1).map((e) => [e.type, e.secret.toString()])).to.deep.equal([['password', b], ['api-key', c]]);
      const copy = new KnownSecrets();
      for (const e of known.entriesFrom(0)) copy.learn(e.type, e.secret);
      const text = Buffer.from(`${c} and ${a}, then ${b}\n`);
      expect(copy.size).to.equal(3);
      expect(spans(copy.find(text, 1))).to.deep.equal(spans(known.find(text, 1)));
      expect(spans(known.find(text, 1))).to.have.length(2);
    });
  });

  describe('find', () => {
    it('finds every exact occurrence with the vault type', () => {
      const v = value();
      const known = new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(v) }]);
      const text = `a = "${v}"\nprint('${v}')\n`;
      expect(spans(known.find(Buffer.from(text)))).to.deep.equal([
        [5, 5 + v.length, 'generic-secret'], [text.lastIndexOf(v), text.lastIndexOf(v) + v.length, 'generic-secret'],
      ]);
    });

    it('does not match inside a longer run of the value\u2019s characters, nor in another case', () => {
      const v = value();
      const known = new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(v) }]);
      for (const t of [`x${v}`, `${v}9`, v.toLowerCase(), v.toUpperCase(), v.slice(1)]) expect(known.find(Buffer.from(` ${t} `)), t).to.deep.equal([]);
    });

    it('refuses at construction values not matchable bare', () => {
      const known = new KnownSecrets([{ type: 'password', secret: Buffer.from('wrong_auth') }, { type: 'password', secret: Buffer.from('Ab1') }]);
      expect(known.size).to.equal(0);
      expect(known.find(Buffer.from('use(wrong_auth, Ab1)'))).to.deep.equal([]);
    });

    it('keeps the lowest type for a value held under two, whatever the order', () => {
      const v = Buffer.from(value());
      const a = new KnownSecrets([{ type: 'url-password', secret: v }, { type: 'generic-secret', secret: v }]);
      const b = new KnownSecrets([{ type: 'generic-secret', secret: v }, { type: 'url-password', secret: v }]);
      expect(a.typeOf(v)).to.equal('generic-secret');
      expect(b.typeOf(v)).to.equal('generic-secret');
    });

    it('finds values learned after construction, beyond several automaton levels', () => {
      const known = new KnownSecrets();
      const values = Array.from({ length: 70 }, () => value(24));
      values.forEach((v) => expect(known.learn('generic-secret', Buffer.from(v))).to.equal(true));
      expect(known.learn('generic-secret', Buffer.from(values[3]!))).to.equal(false);
      const text = values.map((v, i) => `k${i} = ${v}`).join('\n');
      expect(known.find(Buffer.from(text)).map((f) => text.slice(f.start, f.end))).to.deep.equal(values);
    });

    it('finds only values from a given index on', () => {
      const [a, b] = [value(), value()];
      const known = new KnownSecrets();
      known.learn('generic-secret', Buffer.from(a));
      known.learn('generic-secret', Buffer.from(b));
      expect(known.find(Buffer.from(`${a} ${b}`), 1).map((f) => f.start)).to.deep.equal([a.length + 1]);
    });
  });

  describe('withKnownSecrets', () => {
    it('adds bare occurrences to the rule findings, with the token type of the vault', () => {
      const v = value();
      const scanner = withKnownSecrets(createScanner(), new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(v) }]));
      const text = `DB_PASSWORD=${v}\nconst fixture = "${v}";\n`;
      const found = scanner.scan(Buffer.from(text), { kind: 'unknown' });
      expect(found.map((f) => text.slice(f.start, f.end))).to.deep.equal([v, v]);
      expect(new Set(found.map((f) => f.type))).to.deep.equal(new Set(['generic-secret']));
    });

    it('finds a known value inside UTF-16 content through replaceSecrets, and only from the index asked', () => {
      const v = value();
      const scanner = withKnownSecrets(createScanner(), new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(v) }]));
      const utf16 = Buffer.from(`\ufeffvalue: ${v}\n`, 'utf16le');
      const out = replaceSecrets(scanner, utf16, () => 'T');
      expect(out.toString('utf16le')).to.not.include(v);
      expect(knownSecretsOnly(createScanner(), new KnownSecrets([{ type: 'generic-secret', secret: Buffer.from(v) }]), 1).scan(Buffer.from(v))).to.deep.equal([]);
    });
  });

  describe('mergeKnownFindings', () => {
    const f = (start: number, end: number, ruleId: string, type = ruleId): Finding => ({ ruleId, type, start, end, confidence: 'high' });

    it('takes the union of partly overlapping findings so no part stays in the clear', () => {
      expect(mergeKnownFindings([f(10, 30, 'r')], [f(20, 40, 'known-secret', 'k')])).to.deep.equal([f(10, 40, 'r')]);
    });

    it('prefers the known value when both cover the same span', () => {
      expect(mergeKnownFindings([f(10, 30, 'r')], [f(10, 30, 'known-secret', 'k')])).to.deep.equal([f(10, 30, 'known-secret', 'k')]);
    });

    it('keeps a finding that contains the other', () => {
      expect(mergeKnownFindings([f(5, 50, 'r')], [f(10, 30, 'known-secret', 'k'), f(60, 70, 'known-secret', 'k')]))
        .to.deep.equal([f(5, 50, 'r'), f(60, 70, 'known-secret', 'k')]);
    });
  });
});
