// A random-string generator (driven by a seeded `rand`) for the RE2 subset used in secret patterns: literals, escapes,
// classes and ranges (negated too), `.`, groups (capturing, named, non-capturing, flag groups),
// alternation and quantifiers (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, lazy or not). Unbounded
// repetition adds at most one more than the minimum. Anchors and word boundaries produce nothing.

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const range = (a, b) => Array.from({ length: b.charCodeAt(0) - a.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(a.charCodeAt(0) + i));
const DIGITS = range('0', '9');
const WORD = [...range('a', 'z'), ...range('A', 'Z'), ...DIGITS, '_'];
const SPACE = [' ', '\t'];
const ESCAPE_CLASSES = { d: DIGITS, w: WORD, s: SPACE, D: PRINTABLE.filter((c) => !DIGITS.includes(c)), W: PRINTABLE.filter((c) => !WORD.includes(c)), S: PRINTABLE.filter((c) => c !== ' ') };
const POSIX = { alnum: [...WORD.filter((c) => c !== '_')], alpha: [...range('a', 'z'), ...range('A', 'Z')], digit: DIGITS, upper: range('A', 'Z'), lower: range('a', 'z'), xdigit: [...DIGITS, ...range('a', 'f'), ...range('A', 'F')], punct: PRINTABLE.filter((c) => !WORD.includes(c) && c !== ' '), space: SPACE };
const LITERAL_ESCAPES = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

/** Parses a regex source into a small tree: {alt:[seq…]}, {seq:[…]}, {set:[chars]}, {lit}, {rep,min,max}. */
class Parser {
  constructor(src) {
    this.s = src;
    this.i = 0;
  }

  alternation() {
    const alts = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return { alt: alts };
  }

  sequence() {
    const items = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom();
      if (atom !== null) items.push(this.quantified(atom));
    }
    return { seq: items };
  }

  quantified(atom) {
    const m = /^(?:([?*+])|\{(\d+)(,(\d*))?\})\??/.exec(this.s.slice(this.i));
    if (m === null) return atom;
    this.i += m[0].length;
    if (m[1] !== undefined) return { rep: atom, min: m[1] === '+' ? 1 : 0, max: m[1] === '?' ? 1 : (m[1] === '+' ? 2 : 1) };
    const min = Number(m[2]);
    const max = m[3] === undefined ? min : m[4] === '' ? min + 1 : Number(m[4]);
    return { rep: atom, min, max };
  }

  atom() {
    const c = this.s[this.i++];
    if (c === '(') return this.group();
    if (c === '[') return this.set();
    if (c === '.') return { set: PRINTABLE.filter((x) => /[A-Za-z0-9]/.test(x)) };
    if (c === '^' || c === '$') return null;
    if (c === '\\') return this.escape();
    return { lit: c };
  }

  group() {
    const flags = /^\?([imsU-]*)\)/.exec(this.s.slice(this.i));
    if (flags !== null) {
      this.i += flags[0].length;
      return null;
    }
    const head = /^\?(?:P?<[A-Za-z_]\w*>|[imsU-]*:)/.exec(this.s.slice(this.i));
    if (head !== null) this.i += head[0].length;
    const inner = this.alternation();
    if (this.s[this.i] !== ')') throw new Error(`unbalanced group in ${this.s}`);
    this.i++;
    return inner;
  }

  escape() {
    const c = this.s[this.i++];
    if (c in ESCAPE_CLASSES) return { set: ESCAPE_CLASSES[c] };
    if (c === 'b' || c === 'B' || c === 'A' || c === 'z') return null;
    if (c in LITERAL_ESCAPES) return { lit: LITERAL_ESCAPES[c] };
    if (c === 'x') {
      const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(this.s.slice(this.i));
      this.i += m[0].length;
      return { lit: String.fromCodePoint(parseInt(m[1] ?? m[2], 16)) };
    }
    return { lit: c };
  }

  /** One char of a class: a literal, an escape, or a POSIX class; returns a list of chars. */
  classItem() {
    const posix = /^\[:(\^?)(\w+):\]/.exec(this.s.slice(this.i));
    if (posix !== null) {
      this.i += posix[0].length;
      return POSIX[posix[2]] ?? [];
    }
    const c = this.s[this.i++];
    if (c !== '\\') return [c];
    const e = this.s[this.i++];
    if (e in ESCAPE_CLASSES) return ESCAPE_CLASSES[e];
    if (e in LITERAL_ESCAPES) return [LITERAL_ESCAPES[e]];
    if (e === 'x') {
      const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(this.s.slice(this.i));
      this.i += m[0].length;
      return [String.fromCodePoint(parseInt(m[1] ?? m[2], 16))];
    }
    return [e];
  }

  set() {
    const negated = this.s[this.i] === '^';
    if (negated) this.i++;
    const chars = new Set();
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== ']' || first)) {
      first = false;
      const from = this.classItem();
      if (from.length === 1 && this.s[this.i] === '-' && this.s[this.i + 1] !== ']') {
        this.i++;
        const to = this.classItem();
        for (const x of range(from[0], to[0])) chars.add(x);
      } else for (const x of from) chars.add(x);
    }
    this.i++;
    const list = negated ? PRINTABLE.filter((x) => !chars.has(x)) : [...chars];
    return { set: list.length > 0 ? list : ['x'] };
  }
}

function generate(node, rand, out) {
  if (node.alt !== undefined) return generate(node.alt[Math.floor(rand() * node.alt.length)], rand, out);
  if (node.seq !== undefined) {
    for (const n of node.seq) generate(n, rand, out);
    return;
  }
  if (node.lit !== undefined) out.push(node.lit);
  else if (node.set !== undefined) out.push(node.set[Math.floor(rand() * node.set.length)]);
  else {
    const n = node.min + Math.floor(rand() * (node.max - node.min + 1));
    for (let k = 0; k < n; k++) generate(node.rep, rand, out);
  }
}

/** A random string matching the RE2 `source`, drawn from `rand`. @throws Error on syntax outside the subset. */
export function sampleRegex(source, rand) {
  const p = new Parser(source);
  const tree = p.alternation();
  if (p.i !== source.length) throw new Error(`unparsed regex tail in ${source}`);
  const out = [];
  generate(tree, rand, out);
  return out.join('');
}
