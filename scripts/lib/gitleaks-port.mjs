// gitleaks's detection, ported at run time from its generated config (config/gitleaks.toml) so the
// recall script can count what gitleaks itself flags on a text: keywords, the RE2 regex translated
// to a JS RegExp, secret group, entropy, per-rule and global allowlists (regexes with their target,
// stopwords; path conditions never hold because samples have no path).

/** Swaps the case of the letters of a class body: `a-f0-9` gives `A-F`, `x` gives `X`. */
function otherCase(body) {
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      i++;
      continue;
    }
    const range = /^([A-Za-z])-([A-Za-z])/.exec(body.slice(i));
    if (range !== null) {
      const swap = (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
      extra += `${swap(range[1])}-${swap(range[2])}`;
      i += 2;
    } else if (/[A-Za-z]/.test(body[i])) extra += body[i] === body[i].toLowerCase() ? body[i].toUpperCase() : body[i].toLowerCase();
  }
  return extra;
}

const POSIX = { alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', upper: 'A-Z', lower: 'a-z', xdigit: '0-9A-Fa-f', space: '\\s', punct: '!-\\/:-@\\[-`{-~', word: '\\w' };

/** Reads a class starting after `[` at `i`; returns [JS class text, next index]. */
function translateClass(src, i, ci) {
  let body = '';
  let first = true;
  while (i < src.length && (src[i] !== ']' || first)) {
    first = false;
    const posix = /^\[:(\w+):\]/.exec(src.slice(i));
    if (posix !== null) {
      body += POSIX[posix[1]];
      i += posix[0].length;
    } else if (src[i] === '\\') {
      body += src.slice(i, i + 2);
      i += 2;
    } else {
      body += src[i] === '[' ? '\\[' : src[i];
      i++;
    }
  }
  const negated = body.startsWith('^');
  let inner = negated ? body.slice(1) : body;
  // A literal `-` ending the class (`[a-z0-9_-]`) would start a range with the other-case letters
  // appended after it (`_-A`); spelled escaped, it stays a literal wherever it ends up.
  if (ci && /(?:^|[^\\])(?:\\\\)*-$/.test(inner)) inner = `${inner.slice(0, -1)}\\-`;
  return [`[${negated ? '^' : ''}${inner}${ci ? otherCase(inner) : ''}]`, i + 1];
}

/**
 * Translates an RE2 pattern to JS source without inline flags (Node 20 has none): case-insensitive
 * regions spell both cases, `(?s)` makes `.` match newlines, `(?P<n>` becomes `(?<n>`, `\z` `$`.
 */
export function translateRe2(src) {
  let out = '';
  const stack = [];
  let ci = false;
  let dotall = false;
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    const flagSet = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(src.slice(i, i + 12));
    const flagGroup = /^\(\?([imsU]*)(?:-([imsU]*))?:/.exec(src.slice(i, i + 12));
    if (flagSet !== null) {
      if (flagSet[1].includes('i')) ci = true;
      if (flagSet[1].includes('s')) dotall = true;
      if (flagSet[2]?.includes('i')) ci = false;
      i += flagSet[0].length;
    } else if (flagGroup !== null) {
      stack.push([ci, dotall]);
      if (flagGroup[1].includes('i')) ci = true;
      if (flagGroup[1].includes('s')) dotall = true;
      if (flagGroup[2]?.includes('i')) ci = false;
      out += '(?:';
      i += flagGroup[0].length;
    } else if (c === '(') {
      stack.push([ci, dotall]);
      const named = /^\(\?P?<(\w+)>/.exec(src.slice(i));
      out += named !== null ? `(?<${named[1]}>` : '(';
      i += named !== null ? named[0].length : 1;
    } else if (c === ')') {
      [ci, dotall] = stack.pop() ?? [false, false];
      out += ')';
      i++;
    } else if (c === '[') [out, i] = ((r) => [out + r[0], r[1]])(translateClass(src, i + 1, ci));
    else if (c === '\\') {
      const e = src[i + 1];
      out += e === 'z' ? '$' : e === 'A' ? '^' : src.slice(i, i + 2);
      i += 2;
    } else if (c === '.') {
      out += dotall ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else {
      out += ci && /[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      i++;
    }
  }
  return out;
}

function entropy(s) {
  const counts = new Map();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

function compileAllowlist(a) {
  return {
    regexes: (a.regexes ?? []).map((r) => new RegExp(translateRe2(r))),
    target: a.regexTarget ?? 'secret',
    stopwords: (a.stopwords ?? []).map((w) => w.toLowerCase()),
    hasPaths: (a.paths ?? []).length > 0,
    and: (a.condition ?? 'OR').toUpperCase() === 'AND',
  };
}

function allowed(list, secret, match, line) {
  const target = list.target === 'match' ? match : list.target === 'line' ? line : secret;
  const checks = [];
  if (list.regexes.length > 0) checks.push(list.regexes.some((r) => r.test(target)));
  if (list.stopwords.length > 0) checks.push(list.stopwords.some((w) => secret.toLowerCase().includes(w)));
  if (list.hasPaths) checks.push(false);
  if (checks.length === 0) return false;
  return list.and ? checks.every(Boolean) : checks.some(Boolean);
}

/**
 * Compiles gitleaks's parsed TOML config. Rules whose regex does not translate are returned in
 * `unported` (never silently dropped).
 */
export function compileGitleaks(config) {
  const global = [config.allowlist, ...(config.allowlists ?? [])].filter(Boolean).map(compileAllowlist);
  const rules = [];
  const unported = [];
  for (const r of config.rules ?? []) {
    if (r.regex === undefined) {
      unported.push({ id: r.id, reason: 'path-only rule' });
      continue;
    }
    try {
      rules.push({
        id: r.id,
        regex: new RegExp(translateRe2(r.regex), 'g'),
        secretGroup: r.secretGroup ?? 0,
        entropy: r.entropy ?? 0,
        keywords: (r.keywords ?? []).map((k) => k.toLowerCase()),
        allowlists: [...(r.allowlists ?? []).map(compileAllowlist), ...(r.allowlist ? [compileAllowlist(r.allowlist)] : [])],
      });
    } catch (e) {
      unported.push({ id: r.id, reason: e.message });
    }
  }
  return { rules, unported, global };
}

/** The ids of the gitleaks rules that flag `text` (as `gitleaks detect` would on one fragment). */
export function gitleaksFlags(compiled, text) {
  const lower = text.toLowerCase();
  const ids = new Set();
  for (const r of compiled.rules) {
    if (r.keywords.length > 0 && !r.keywords.some((k) => lower.includes(k))) continue;
    for (const m of text.matchAll(r.regex)) {
      const secret = r.secretGroup > 0 ? m[r.secretGroup] ?? '' : m.slice(1).find((g) => g !== undefined && g !== '') ?? m[0];
      if (r.entropy > 0 && entropy(secret) <= r.entropy) continue;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const lineEnd = text.indexOf('\n', m.index + m[0].length);
      const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
      if ([...r.allowlists, ...compiled.global].some((a) => allowed(a, secret, m[0], line))) continue;
      ids.add(r.id);
      break;
    }
  }
  return ids;
}
