// Pure steps of scripts/bench-precision.mjs: where each token's value sits in the upstream object,
// what kind of text it is (identifier, member expression, call, reference), a masked preview, and
// the verdict from scripts/precision/judgements.json. No git, no I/O: the benchmark's test calls these.
import { createHash } from 'node:crypto';

/** The token text the gateway writes, `[[TOKEN_<type>_<id>]]` (docs/tokens.md), anywhere in a text. */
const TOKEN_G = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]{24}\]\]/g;

/**
 * Aligns a sanitized object with its upstream object: the sanitized bytes are literal runs between
 * tokens, so each token stands for the upstream bytes between the runs around it. Returns one
 * `{ token, start, end }` (offsets into `upstream`) per token in order, or null when the two do not
 * line up (a decoded or re-encoded place, where the sanitized bytes are not upstream's with spans swapped).
 */
export function alignTokens(upstream, sanitized) {
  const text = sanitized.toString('latin1');
  const up = upstream.toString('latin1');
  const tokens = [...text.matchAll(TOKEN_G)];
  const runs = [];
  let at = 0;
  for (const m of tokens) {
    runs.push(text.slice(at, m.index));
    at = m.index + m[0].length;
  }
  runs.push(text.slice(at));
  if (!up.startsWith(runs[0])) return null;
  const last = runs[runs.length - 1];
  if (!up.endsWith(last) || up.length < runs[0].length + last.length) return null;
  const out = [];
  let pos = runs[0].length;
  for (let i = 0; i < tokens.length; i++) {
    const next = runs[i + 1];
    // The last run is anchored at the end; an inner run is the first exact match after the value.
    const end = i === tokens.length - 1 ? up.length - last.length : next === '' ? pos : up.indexOf(next, pos + 1);
    if (end < pos) return null;
    out.push({ token: tokens[i][0], start: pos, end });
    pos = end + next.length;
  }
  return out;
}

/** The line around `[start, end)` of `content`: the text before the value on its line, the value, the rest. */
export function lineAround(content, start, end) {
  const text = content.toString('latin1');
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = text.length;
  const line = 1 + countNewlines(text, lineStart);
  return { line, before: text.slice(lineStart, start), value: text.slice(start, end), after: text.slice(end, lineEnd) };
}

function countNewlines(text, upTo) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The line with the value replaced by `[…(N bytes)]`, at most ~80 chars either side, printable ASCII. */
export function maskedLine({ before, value, after }) {
  const b = before.length > 80 ? '…' + before.slice(-80) : before;
  const a = after.length > 80 ? after.slice(0, 80) + '…' : after;
  const firstLine = value.split('\n')[0];
  const more = value.includes('\n') ? `, ${value.split('\n').length} lines` : '';
  return printable(`${b}[…(${Buffer.byteLength(value, 'latin1')} bytes${more})]${a}`).trim() || `[…(${firstLine.length} bytes)]`;
}

function printable(s) {
  return s.replace(/[^\x20-\x7e…]/g, '.');
}

/** A stable fingerprint of a value for judgements: the first 16 hex chars of its SHA-256 (never the value). */
export function fingerprint(value) {
  return createHash('sha256').update(Buffer.from(value, 'latin1')).digest('hex').slice(0, 16);
}

/** Extensions of source code, where an unquoted word is code (an identifier), not a config literal. */
const CODE_EXT = /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|groovy|rb|php|cs|c|h|cc|cpp|hpp|rs|swift|m|mm|lua|pl|dart)$/i;

const REFERENCE = [
  /^\$\{[^}]*\}$/, // ${VAR}
  /^\$\{\{.*\}\}$/, // ${{ secrets.X }}
  /^\{\{.*\}\}$/, // {{ .Values.x }}
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /^%[A-Za-z_][A-Za-z0-9_]*%$/, // %VAR%
  /^(?:env|file|vault|secret|ref):/i, // env:NAME, file:/run/secrets/x
  /^process\.env\b/, // process.env.X
  /^(?:os\.environ|os\.getenv|System\.getenv|Deno\.env|ENV\[|getenv\()/, // environment reads
];

/**
 * What the value of a finding is, mechanically, from its line: 'reference' (a `${VAR}`, `$VAR`,
 * `env:`/`file:` or `process.env`/`os.environ` reference, anywhere), and in source files (by
 * extension) 'call', 'member' (`a.b`, `this.#c`, `x[y]`) or 'identifier' for an unquoted value that
 * is code. Null: a literal (what a secret scanner is meant to find).
 */
export function classifyValue({ path, before, value, after }) {
  const raw = value.trim();
  const v = raw.replace(/[;,!:]+$/, '');
  if (REFERENCE.some((re) => re.test(v)) || /\$\{$/.test(before) || /\$\{\{\s*$/.test(before)) return 'reference';
  if (!CODE_EXT.test(path ?? '') || raw.includes('\n') || insideLiteral(before) || /^["'`]/.test(after)) return null;
  if (/^(?:new\s+)?[A-Za-z_$#][\w$#]*(?:\??\.[A-Za-z_$#][\w$#]*)*\(/.test(v) || (/^[A-Za-z_$#][\w$#.]*$/.test(v) && /^\s*\(/.test(after))) return 'call';
  if (/^[A-Za-z_$#][\w$#]*(?:(?:\??\.|::|->)[A-Za-z_$#][\w$#]*|\[[^\]]*\])+$/.test(v)) return 'member';
  if (/^[A-Za-z_$][\w$]*$/.test(v)) return 'identifier';
  return null;
}

/**
 * Whether text ending at the value leaves it inside a literal: an unclosed quote on the line (a
 * string), or a URL or query string just before it (`scheme://user:`, `?name=`).
 */
function insideLiteral(before) {
  let open = null;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (open !== null && c === '\\') i++;
    else if (open === null && (c === '"' || c === "'" || c === '`')) open = c;
    else if (c === open) open = null;
  }
  return open !== null || /:\/\/[^\s'"`]*$/.test(before) || /[?&][\w.-]+=$/.test(before);
}

/** `*` (within a path segment), `**` (any depth) and `?` globs on `/`-separated paths. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The judgement that applies to a finding `{ rule, path, masked, fingerprint }`: the first entry of
 * `entries` whose rule (or `*`), path glob, and line pattern (a regex on the masked line) or value
 * fingerprint all match. Undefined when none does (the finding then counts as false, unjudged).
 */
export function judge(finding, entries) {
  return entries.find((e) => (e.rule === '*' || e.rule === finding.rule)
    && globToRegExp(e.path).test(finding.path)
    && (e.line === undefined || new RegExp(e.line).test(finding.masked))
    && (e.fingerprint === undefined || e.fingerprint === finding.fingerprint));
}

/**
 * Checks a judgements document `{ <repo>: [{ rule, path, line?, fingerprint?, verdict, reason }] }`;
 * throws TypeError naming every bad entry together.
 */
export function validateJudgements(doc) {
  const problems = [];
  for (const [repo, entries] of Object.entries(doc)) {
    if (repo.startsWith('$')) continue; // $comment
    if (!Array.isArray(entries)) problems.push(`${repo}: must be a list`);
    else entries.forEach((e, i) => {
      const where = `${repo}[${i}]`;
      if (typeof e.rule !== 'string' || typeof e.path !== 'string') problems.push(`${where}: rule and path are required`);
      if (e.line === undefined && e.fingerprint === undefined) problems.push(`${where}: needs a line pattern or a value fingerprint`);
      if (e.verdict !== 'true' && e.verdict !== 'false') problems.push(`${where}: verdict must be "true" or "false"`);
      if (typeof e.reason !== 'string' || e.reason.length < 8) problems.push(`${where}: give a reason`);
      if (e.line !== undefined) try { new RegExp(e.line); } catch { problems.push(`${where}: line is not a regular expression`); }
    });
  }
  if (problems.length > 0) throw new TypeError(`bad judgements:\n  ${problems.join('\n  ')}`);
  return doc;
}
