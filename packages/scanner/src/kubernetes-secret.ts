/**
 * Kubernetes `Secret` manifests (core/v1 Secret): every value under `data` (base64) and
 * `stringData` (plain) is a secret by the object's own declaration. This finds those values in
 * YAML (block mappings, `---`-separated documents, `List` items) and JSON manifests; the engine
 * then decodes and judges each one. Helm templates stay templates: `{{ … }}` values are skipped.
 */

/** One value of a Secret's `data` or `stringData`: [start, end) of the value text in the manifest. */
export interface SecretValue {
  key: string;
  start: number;
  end: number;
  /** True for `data` (base64), false for `stringData` (the value itself). */
  encoded: boolean;
}

const YAML_KIND = /^([ \t]*(?:-[ \t]+)?)kind[ \t]*:[ \t]*["']?Secret["']?[ \t]*(?:#[^\n]*)?\r?$/gm;
const JSON_KIND = /"kind"[ \t\r\n]*:[ \t\r\n]*"Secret"/g;
const DOC_SEPARATOR = /^---[ \t]*(?:#[^\n]*)?\r?$/gm;
/** A `key: value` line of a block mapping; the value may be quoted, bare or a block scalar header. */
const YAML_ENTRY = /^([ \t]*)("[^"\n]{1,253}"|'[^'\n]{1,253}'|[A-Za-z0-9._-]{1,253})[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$/;
const JSON_ENTRY = /"((?:[^"\\\n]|\\.){1,253})"[ \t\r\n]*:[ \t\r\n]*"((?:[^"\\\n]|\\.){0,65536})"[ \t\r\n]*(,|\})/y;

/** Line starts of `text` within [from, to). */
function linesOf(text: string, from: number, to: number): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let at = from;
  while (at < to) {
    let nl = text.indexOf('\n', at);
    if (nl < 0 || nl >= to) nl = to;
    lines.push([at, nl]);
    at = nl + 1;
  }
  return lines;
}

function unquote(key: string): string {
  return key.length >= 2 && (key[0] === '"' || key[0] === "'") ? key.slice(1, -1) : key;
}

/** The values of one YAML document [from, to) whose Secret keys sit at `column`. */
function yamlValues(text: string, from: number, to: number, column: number, out: SecretValue[]): void {
  const lines = linesOf(text, from, to);
  for (let i = 0; i < lines.length; i++) {
    const [ls, le] = lines[i]!;
    const line = text.slice(ls, le);
    const head = /^([ \t]*(?:-[ \t]+)?)(data|stringData)[ \t]*:[ \t]*(?:#.*)?\r?$/.exec(line);
    if (head === null || head[1]!.length !== column) continue;
    const encoded = head[2] === 'data';
    // The mapping's entries: the following lines indented deeper than the data key.
    let entryIndent = -1;
    for (let j = i + 1; j < lines.length; j++) {
      const [es, ee] = lines[j]!;
      const entryLine = text.slice(es, ee);
      if (/^[ \t]*(?:#.*)?\r?$/.test(entryLine)) continue;
      const m = YAML_ENTRY.exec(entryLine);
      const indent = /^[ \t]*/.exec(entryLine)![0].length;
      if (indent <= column || m === null) break;
      if (entryIndent < 0) entryIndent = indent;
      if (indent !== entryIndent) continue;
      const raw = m[3] ?? '';
      const valueAt = es + entryLine.lastIndexOf(raw, entryLine.length);
      if (/^[|>][+-]?[0-9]?$/.test(raw)) {
        // A block scalar: its lines are the ones indented deeper than the key.
        let first = -1;
        let last = -1;
        let k = j + 1;
        for (; k < lines.length; k++) {
          const [bs, be] = lines[k]!;
          const blockLine = text.slice(bs, be);
          if (/^[ \t]*\r?$/.test(blockLine)) continue;
          if (/^[ \t]*/.exec(blockLine)![0].length <= indent) break;
          if (first < 0) first = bs + /^[ \t]*/.exec(blockLine)![0].length;
          last = bs + blockLine.replace(/[ \t\r]+$/, '').length;
        }
        if (first >= 0) out.push({ key: unquote(m[2]!), start: first, end: last, encoded });
        j = k - 1;
        continue;
      }
      let start = valueAt;
      let end = valueAt + raw.length;
      const quoted = /^(["'])(.*)\1$/.exec(raw);
      if (quoted !== null) {
        start += 1;
        end -= 1;
      } else {
        const comment = raw.search(/[ \t]#/);
        if (comment >= 0) end = valueAt + comment;
      }
      if (end > start) out.push({ key: unquote(m[2]!), start, end, encoded });
    }
  }
}

/** The values of the `data` / `stringData` objects of a JSON manifest near a `"kind": "Secret"`. */
function jsonValues(text: string, from: number, to: number, out: SecretValue[]): void {
  const head = /"(data|stringData)"[ \t\r\n]*:[ \t\r\n]*\{[ \t\r\n]*/g;
  head.lastIndex = from;
  for (let h = head.exec(text); h !== null && h.index < to; h = head.exec(text)) {
    const encoded = h[1] === 'data';
    JSON_ENTRY.lastIndex = head.lastIndex;
    for (let e = JSON_ENTRY.exec(text); e !== null; e = JSON_ENTRY.exec(text)) {
      const valueStart = e.index + e[0].lastIndexOf('"' + e[2]! + '"') + 1;
      if (e[2]!.length > 0) out.push({ key: e[1]!, start: valueStart, end: valueStart + e[2]!.length, encoded });
      if (e[3] === '}') break;
      const ws = /[ \t\r\n]*/y;
      ws.lastIndex = JSON_ENTRY.lastIndex;
      ws.exec(text);
      JSON_ENTRY.lastIndex = ws.lastIndex;
    }
  }
}

/**
 * Finds the `data` and `stringData` values of every Kubernetes Secret in `text` (a latin1 view),
 * sorted by start. Documents without `kind: Secret` contribute nothing.
 */
export function kubernetesSecretValues(text: string): SecretValue[] {
  const out: SecretValue[] = [];
  if (!text.includes('Secret')) return out;
  const separators: number[] = [];
  DOC_SEPARATOR.lastIndex = 0;
  for (let m = DOC_SEPARATOR.exec(text); m !== null; m = DOC_SEPARATOR.exec(text)) separators.push(m.index);
  const seen = new Set<string>();
  YAML_KIND.lastIndex = 0;
  for (let m = YAML_KIND.exec(text); m !== null; m = YAML_KIND.exec(text)) {
    const docStart = separators.filter((s) => s < m!.index).at(-1) ?? 0;
    const docEnd = separators.find((s) => s > m!.index) ?? text.length;
    const column = m[1]!.length;
    const key = `${docStart}:${column}`;
    if (seen.has(key)) continue; // a List with several Secrets: one pass per document and column
    seen.add(key);
    yamlValues(text, docStart, docEnd, column, out);
  }
  JSON_KIND.lastIndex = 0;
  for (let m = JSON_KIND.exec(text); m !== null; m = JSON_KIND.exec(text)) {
    // A JSON Secret's data sits in the same object; 64 KiB either side bounds the search.
    jsonValues(text, Math.max(0, m.index - 65536), Math.min(text.length, m.index + 65536), out);
  }
  const unique = new Map<number, SecretValue>();
  for (const v of out) if (!unique.has(v.start)) unique.set(v.start, v);
  return [...unique.values()].sort((a, b) => a.start - b.start);
}
