/**
 * Canonical JSON: object keys sorted recursively (UTF-16 code unit order), no whitespace, numbers and
 * strings exactly as JSON.stringify writes them. That is the RFC 8785 (JCS) form, so the same data
 * always hashes the same, whoever wrote it.
 */

/**
 * Serialises `value` canonically. Follows JSON.stringify for everything else: `toJSON` is honoured
 * (Dates become ISO strings), undefined, functions and symbols are left out of objects and become null
 * in arrays, non-finite numbers become null. Throws TypeError on a bigint or a cycle (messages hold
 * no value).
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set());
  // A bare undefined at the top has no JSON form.
  if (out === undefined) throw new TypeError('value has no JSON representation');
  return out;
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('value holds a bigint, which JSON cannot represent');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (ancestors.has(obj)) throw new TypeError('value holds a cycle');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      return '[' + obj.map((item) => write(item, ancestors) ?? 'null').join(',') + ']';
    }
    const parts: string[] = [];
    // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
    for (const key of Object.keys(obj).sort()) {
      const item = write((obj as Record<string, unknown>)[key], ancestors);
      if (item !== undefined) parts.push(JSON.stringify(key) + ':' + item);
    }
    return '{' + parts.join(',') + '}';
  } finally {
    ancestors.delete(obj);
  }
}
