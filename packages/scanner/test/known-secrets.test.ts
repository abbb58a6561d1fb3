import { expect } from 'chai';
import {
  createScanner, KnownSecrets, knownSecretsOnly, matchableBare, mergeKnownFindings, replaceSecrets, withKnownSecrets, type Finding,
} from '../src/index.js';
import { ALNUM, Fakes, HEX, seeded } from './fakes.js';

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

const isAlnum = (b: number): boolean => /[A-Za-z0-9]/.test(String.fromCharCode(b));

/**
 * The plain reference for `find`: every value from `fromIndex` on searched one by one with indexOf, the
 * same boundary rule (a neighbour that is one of the value's own characters: any alphanumeric if the
 * value holds one), then greedily the longer span first, the earlier on a tie.
 */
function referenceFind(known: KnownSecrets, bytes: Buffer, fromIndex: number): Array<[number, number, string]> {
  const hits: Array<[number, number, string]> = [];
  for (const { type, secret: v } of known.entriesFrom(fromIndex)) {
    const own = (b: number | undefined): boolean => b !== undefined && (isAlnum(b) ? v.some(isAlnum) : v.includes(b));
    for (let at = bytes.indexOf(v); at >= 0; at = bytes.indexOf(v, at + 1)) {
      if (!own(bytes[at - 1]) && !own(bytes[at + v.length])) hits.push([at, at + v.length, type]);
    }
  }
  const kept: Array<[number, number, string]> = [];
  for (const h of hits.sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || a[0] - b[0])) {
    if (kept.every((k) => k[1] <= h[0] || h[1] <= k[0])) kept.push(h);
  }
  return kept.sort((a, b) => a[0] - b[0]);
}

/** Values that share first bytes (a common prefix of 4, or all 8 key bytes), of 8 to 48 bytes, some with symbols. */
function manyValues(n: number, pick: () => number): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const r = pick();
    const base = r < 0.2 && out.length > 0 ? out[Math.floor(pick() * out.length)]! : fakes.chars(ALNUM + '-_.+/', 48);
    const keep = r < 0.1 ? 4 : r < 0.2 ? 8 : 0;
    const v = base.slice(0, keep) + fakes.chars(r < 0.5 ? ALNUM : r < 0.7 ? HEX : ALNUM + '+/=-', 8 + Math.floor(pick() * 40) - keep);
    if (matchableBare(Buffer.from(v))) out.push(v);
  }
  return out;
}

/** Text made of filler, known values, their fragments, near misses and values run into each other. */
function mixedText(values: readonly string[], pick: () => number): Buffer {
  const any = (): string => values[Math.floor(pick() * values.length)]!;
  let text = '';
  for (let piece = 0; piece < 40; piece++) {
    const r = pick();
    const v = any();
    if (r < 0.3) text += fakes.chars(ALNUM + ' \n="\'_-/', Math.floor(pick() * 12));
    else if (r < 0.55) text += v;
    else if (r < 0.65) text += v.slice(0, 4 + Math.floor(pick() * (v.length - 4)));
    else if (r < 0.75) text += v.slice(Math.floor(pick() * v.length));
    else if (r < 0.85) text += v.slice(0, v.length - 1) + (v.endsWith('x') ? 'y' : 'x');
    else text += v + any().slice(Math.floor(pick() * 6));
    // Mostly a separator, so most values stand alone; sometimes none, so they run into their neighbours.
    if (pick() < 0.8) text += ' \n="\':,'[Math.floor(pick() * 7)];
  }
  return Buffer.from(text, 'latin1');
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

    it('finds values learned after construction, seventy of them', () => {
      const known = new KnownSecrets();
      const values = Array.from({ length: 70 }, () => value(24));
      values.forEach((v) => expect(known.learn('generic-secret', Buffer.from(v))).to.equal(true));
      expect(known.learn('generic-secret', Buffer.from(values[3]!))).to.equal(false);
      const text = values.map((v, i) => `k${i} = ${v}`).join('\n');
      expect(known.find(Buffer.from(text)).map((f) => text.slice(f.start, f.end))).to.deep.equal(values);
    });

    it('gives what a plain indexOf search per value gives, on random text, while hundreds of values are learned', () => {
      const pick = seeded(1414);
      const values = manyValues(600, pick);
      const vault = values.slice(0, 100).map((v, i) => ({ type: i % 2 === 0 ? 'generic-secret' : 'password', secret: Buffer.from(v) }));
      const known = new KnownSecrets(vault);
      let compared = 0;
      let found = 0;
      for (let round = 0; round < 50; round++) {
        for (const v of values.slice(100 + round * 10, 110 + round * 10)) known.learn(round % 3 === 0 ? 'api-key' : 'generic-secret', Buffer.from(v));
        for (let t = 0; t < 6; t++) {
          const text = mixedText(values.slice(0, 110 + round * 10), pick);
          const from = t === 0 ? 0 : Math.floor(pick() * known.size);
          const want = referenceFind(known, text, from);
          expect(spans(known.find(text, from)), `round ${round}, from ${from}`).to.deep.equal(want);
          compared++;
          found += want.length;
        }
      }
      expect(known.size).to.be.greaterThan(550);
      expect(compared).to.equal(300);
      expect(found).to.be.greaterThan(1000);
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
