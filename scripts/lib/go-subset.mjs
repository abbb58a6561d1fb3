// A small interpreter of the Go subset that gitleaks's rule files use to build their test samples:
// string literals (raw and interpreted), `+`, `[]string{…}`, `map[string]string{…}`, `append`,
// `fmt.Sprintf`, `strings.*` helpers, short variable declarations and assignments. Anything else
// throws NotEvaluable, so a caller can count what it could not evaluate instead of dropping it.

/** Thrown for any construct outside the subset; `reason` says which. */
export class NotEvaluable extends Error {}

const PUNCT = ['...', ':=', '+=', '==', '!=', '&&', '||', '<-', '(', ')', '[', ']', '{', '}', ',', ';', '.', '+', '-', '*', '/', '=', ':', '&', '!', '<', '>', '|', '%', '?', '^'];

/** Go's escape sequences in interpreted string literals. */
function unquote(body) {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gs, (_, e) => {
    const simple = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e in simple) return simple[e];
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e;
  });
}

/**
 * Tokens of Go source with Go's automatic semicolons. Comments are not tokens: a `//` comment alone
 * on its line is kept in `tokens.headings` as `{ at, text }`, `at` being the index of the token after it.
 */
export function tokenize(src) {
  const out = [];
  out.headings = [];
  let i = 0;
  const lastEndsStatement = () => {
    const t = out[out.length - 1];
    return t !== undefined && (t.k === 'id' || t.k === 'str' || t.k === 'num' || [')', ']', '}'].includes(t.v));
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      if (lastEndsStatement()) out.push({ k: 'p', v: ';' });
      i++;
    } else if (/\s/.test(c)) i++;
    else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
      if (/(?:^|\n)[ \t]*$/.test(src.slice(Math.max(0, i - 200), i))) out.headings.push({ at: out.length, text: src.slice(i + 2, end).trim() });
      i = end;
    }
    else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (src.slice(i, end).includes('\n') && lastEndsStatement()) out.push({ k: 'p', v: ';' });
      i = end + 2;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      out.push({ k: 'str', v: src.slice(i + 1, end).replace(/\r/g, '') });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out.push({ k: c === '"' ? 'str' : 'rune', v: unquote(src.slice(i + 1, j)) });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_0-9]+/.exec(src.slice(i, i + 200));
      out.push({ k: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9a-fA-FxX._]*/.exec(src.slice(i, i + 64));
      out.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else {
      const p = PUNCT.find((q) => src.startsWith(q, i));
      out.push({ k: 'p', v: p ?? c });
      i += p?.length ?? 1;
    }
  }
  return out;
}

/**
 * The string literals of tokenized source under a heading comment: a `//` comment alone on its line
 * heads the literals after it up to the next heading or the end of the bracket it sits in. Returns
 * each headed literal's value with its heading's text.
 */
export function headedLiterals(toks) {
  const out = new Map();
  const stack = [undefined];
  let next = 0;
  toks.forEach((t, i) => {
    for (; next < toks.headings.length && toks.headings[next].at <= i; next++) stack[stack.length - 1] = toks.headings[next].text;
    if (t.k === 'p' && ['(', '[', '{'].includes(t.v)) stack.push(undefined);
    else if (t.k === 'p' && [')', ']', '}'].includes(t.v) && stack.length > 1) stack.pop();
    else if (t.k === 'str' && stack[stack.length - 1] !== undefined) out.set(t.v, stack[stack.length - 1]);
  });
  return out;
}

/** Index just past the bracket that closes the one at `i` (`(`, `[` or `{`). */
export function skipBalanced(toks, i) {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (['(', '[', '{'].includes(toks[j].v) && toks[j].k === 'p') depth++;
    else if ([')', ']', '}'].includes(toks[j].v) && toks[j].k === 'p' && --depth === 0) return j + 1;
  }
  return toks.length;
}

/** Splits `toks[from, to)` at top-level `sep` punctuation. */
export function splitTop(toks, from, to, sep) {
  const parts = [];
  let start = from;
  for (let j = from; j < to; ) {
    const t = toks[j];
    if (t.k === 'p' && ['(', '[', '{'].includes(t.v)) j = skipBalanced(toks, j);
    else if (t.k === 'p' && t.v === sep) {
      parts.push([start, j]);
      start = ++j;
    } else j++;
  }
  if (start < to) parts.push([start, to]);
  return parts;
}

/** Go's fmt verbs used in rule files: %s, %d, %v, %q, %%. */
function sprintf(format, args) {
  let k = 0;
  return format.replace(/%([-+# 0]*\d*)([sdvq%])/g, (_, _f, verb) => {
    if (verb === '%') return '%';
    const v = args[k++];
    if (verb === 'q') return JSON.stringify(String(v));
    return Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
  });
}

/** Built-in functions of the subset; `utils`/`secrets` calls go to `hooks`. */
function builtin(name, args, spread) {
  switch (name) {
    case 'append': {
      const [base, ...rest] = args;
      const tail = spread ? rest.flatMap((r) => r) : rest;
      return [...(base ?? []), ...tail];
    }
    case 'fmt.Sprintf':
      return sprintf(args[0], args.slice(1));
    case 'strings.ToUpper':
      return args[0].toUpperCase();
    case 'strings.ToLower':
      return args[0].toLowerCase();
    case 'strings.Repeat':
      return args[0].repeat(Number(args[1]));
    case 'strings.Join':
      return args[0].join(args[1]);
    case 'string':
      return String(args[0]);
    default:
      return undefined;
  }
}

/**
 * An evaluator over one token list. `env` maps names to values (nested scopes by prototype);
 * `hooks(name, args)` answers calls such as `utils.AlphaNumeric` or `secrets.NewSecret`, returning
 * undefined for names it does not know.
 */
export class Evaluator {
  constructor(toks, hooks) {
    this.toks = toks;
    this.hooks = hooks;
  }

  /** Evaluates the expression `toks[from, to)`. */
  expr(from, to, env) {
    const terms = splitTop(this.toks, from, to, '+');
    if (terms.length === 0) throw new NotEvaluable('empty expression');
    const values = terms.map(([a, b]) => this.unary(a, b, env));
    return values.length === 1 ? values[0] : values.reduce((x, y) => (typeof x === 'number' && typeof y === 'number' ? x + y : String(x) + String(y)));
  }

  unary(from, to, env) {
    const t = this.toks[from];
    if (t.k === 'p' && t.v === '&') return this.unary(from + 1, to, env);
    return this.postfix(from, to, env);
  }

  postfix(from, to, env) {
    let [value, i] = this.primary(from, to, env);
    while (i < to) {
      const t = this.toks[i];
      if (t.v === '[' && t.k === 'p') {
        const close = skipBalanced(this.toks, i);
        const index = this.expr(i + 1, close - 1, env);
        value = value[index];
        if (value === undefined) throw new NotEvaluable('index out of range');
        i = close;
      } else throw new NotEvaluable(`unexpected ${t.v}`);
    }
    return value;
  }

  /** A literal, a name, a composite literal or a call; returns [value, next index]. */
  primary(from, to, env) {
    const t = this.toks[from];
    if (t.k === 'str') return [t.v, from + 1];
    if (t.k === 'num') return [Number(t.v.replace(/_/g, '')), from + 1];
    if (t.k === 'rune') return [t.v.codePointAt(0), from + 1];
    if (t.k === 'p' && t.v === '(') {
      const close = skipBalanced(this.toks, from);
      return [this.expr(from + 1, close - 1, env), close];
    }
    if ((t.k === 'p' && t.v === '[') || (t.k === 'id' && t.v === 'map')) return this.composite(from, env);
    if (t.k !== 'id') throw new NotEvaluable(`unexpected ${t.v}`);
    let name = t.v;
    let i = from + 1;
    while (i + 1 < to && this.toks[i].v === '.' && this.toks[i + 1].k === 'id') {
      name += '.' + this.toks[i + 1].v;
      i += 2;
    }
    if (i < to && this.toks[i].v === '(' && this.toks[i].k === 'p') return this.call(name, i, env);
    if (i < to && this.toks[i].v === '{' && this.toks[i].k === 'p') throw new NotEvaluable(`struct literal ${name}`);
    if (name === 'nil') return [[], i];
    if (name === 'true' || name === 'false') return [name === 'true', i];
    if (!(name in env)) throw new NotEvaluable(`unknown name ${name}`);
    const v = env[name];
    if (v instanceof NotEvaluable) throw v;
    return [v, i];
  }

  call(name, open, env) {
    const close = skipBalanced(this.toks, open);
    let spread = false;
    const args = splitTop(this.toks, open + 1, close - 1, ',').map(([a, b]) => {
      if (this.toks[b - 1].v === '...') {
        spread = true;
        b--;
      }
      return [a, b];
    });
    if (name === 'append') return [this.append(args, spread, env), close];
    const values = args.map(([a, b]) => this.expr(a, b, env));
    const v = builtin(name, values, spread) ?? this.hooks(name, values);
    if (v === undefined) throw new NotEvaluable(`unknown function ${name}`);
    return [v, close];
  }

  /** `append`: an argument that cannot be evaluated becomes one NotEvaluable element, not a failure of all. */
  append(args, spread, env) {
    const [base, ...rest] = args;
    const out = [...this.expr(base[0], base[1], env)];
    rest.forEach(([a, b], k) => {
      try {
        const v = this.expr(a, b, env);
        if (spread && k === rest.length - 1) out.push(...v);
        else out.push(v);
      } catch (e) {
        if (!(e instanceof NotEvaluable)) throw e;
        out.push(e);
      }
    });
    return out;
  }

  /** `[]string{…}` or `map[string]string{…}` (a map becomes its values, in order). */
  composite(from, env) {
    let i = from;
    while (i < this.toks.length && !(this.toks[i].v === '{' && this.toks[i].k === 'p')) i++;
    const close = skipBalanced(this.toks, i);
    const isMap = this.toks[from].v === 'map';
    const out = [];
    const keys = [];
    for (const [a, b] of splitTop(this.toks, i + 1, close - 1, ',')) {
      let start = a;
      while (start < b && this.toks[start].v === ';') start++;
      if (start === b) continue;
      if (isMap) {
        const [key, value] = splitTop(this.toks, start, b, ':');
        keys.push(this.expr(key[0], key[1], env));
        start = value[0];
      }
      let end = b;
      while (end > start && this.toks[end - 1].v === ';') end--;
      if (end <= start) continue;
      try {
        out.push(this.expr(start, end, env));
      } catch (e) {
        if (!(e instanceof NotEvaluable)) throw e;
        out.push(e);
      }
    }
    if (isMap) out.keys = keys;
    return [out, close];
  }
}

/** Top-level functions of a Go file: name, parameter names, body token range. */
export function functions(toks) {
  const out = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].v !== 'func' || toks[i].k !== 'id' || toks[i + 1]?.k !== 'id') continue;
    const open = i + 2;
    const close = skipBalanced(toks, open);
    const params = splitTop(toks, open + 1, close - 1, ',').map(([a]) => toks[a].v);
    let j = close;
    while (j < toks.length && !(toks[j].v === '{' && toks[j].k === 'p')) j++;
    const end = skipBalanced(toks, j);
    out.push({ name: toks[i + 1].v, params, body: [j + 1, end - 1] });
    i = end - 1;
  }
  return out;
}

/**
 * Runs the statements of a body: `x := e`, `x = e`, `var x [T] = e`, `var ( … )`, `x += e`. Other statements
 * (loops, conditions) are skipped; a name assigned in a statement that fails to evaluate is bound
 * to its NotEvaluable. Returns the token range of the first `return` expression, if any.
 */
export function runBody(ev, from, to, env) {
  for (const [a, b] of splitTop(ev.toks, from, to, ';')) {
    const t = ev.toks;
    if (t[a].v === 'return') return [a + 1, b];
    if (t[a].k !== 'id' || ['for', 'if', 'switch', 'go', 'defer'].includes(t[a].v)) continue;
    if ((t[a].v === 'var' || t[a].v === 'const') && t[a + 1]?.v === '(') {
      runBody(ev, a + 2, b - 1, env);
      continue;
    }
    let nameAt = a;
    if (t[a].v === 'var') nameAt = a + 1;
    const op = t.slice(nameAt + 1, b).findIndex((x) => x.k === 'p' && [':=', '=', '+='].includes(x.v));
    if (op < 0) continue;
    const opAt = nameAt + 1 + op;
    const name = t[nameAt].v;
    if (t[nameAt + 1].v === '.' || t[nameAt + 1].v === ',') continue; // field or multi-assignment
    try {
      const v = ev.expr(opAt + 1, b, env);
      env[name] = t[opAt].v === '+=' ? env[name] + v : v;
    } catch (e) {
      if (!(e instanceof NotEvaluable)) throw e;
      env[name] = e;
    }
  }
  return undefined;
}
