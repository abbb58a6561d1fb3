/**
 * Rendering query rows for the CLI: an aligned text table, JSON, or CSV (RFC 4180). Rows carry
 * users' free text (reasons, user agents), so the table escapes control and bidi characters (no
 * terminal escape sequences reach the screen) and the CSV defuses spreadsheet formulas.
 */

/** Output formats of `formatRows`. */
export type RowFormat = 'table' | 'json' | 'csv';

/** Options of `formatRows`. */
export interface FormatOptions {
  /** Columns to print, in order; default: every key of the rows, in first-seen order. */
  columns?: readonly string[];
}

/** C0/C1 controls, line and paragraph separators, and bidi overrides/isolates. */
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

function columnsOf(rows: readonly object[], opts?: FormatOptions): string[] {
  if (opts?.columns !== undefined) {
    if (!Array.isArray(opts.columns) || !opts.columns.every((c) => typeof c === 'string')) throw new TypeError('columns must be an array of strings');
    return [...opts.columns];
  }
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function valueOf(row: object, column: string): unknown {
  return (row as Record<string, unknown>)[column];
}

/** A cell as plain text: empty for null, ISO for dates, JSON for arrays and objects. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

function table(rows: readonly object[], columns: string[]): string {
  if (columns.length === 0) return '';
  const cells = rows.map((row) => columns.map((c) => escapeForTerminal(cellText(valueOf(row, c)))));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((row) => {
    const v = valueOf(row, c);
    return v === null || v === undefined || typeof v === 'number';
  }));
  const header = columns.map(escapeForTerminal);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  return out.join('\n') + '\n';
}

function csvField(value: unknown): string {
  let text = cellText(value);
  // Only text can be a formula; a negative number stays a number.
  if (typeof value === 'string' && FORMULA_START.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function csv(rows: readonly object[], columns: string[]): string {
  if (columns.length === 0) return '';
  const lines = [columns.map(csvField), ...rows.map((row) => columns.map((c) => csvField(valueOf(row, c))))];
  // RFC 4180: CRLF after every record, including the last.
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function json(rows: readonly object[], columns: string[], projected: boolean): string {
  const out = projected
    ? rows.map((row) => Object.fromEntries(columns.map((c) => [c, valueOf(row, c) ?? null])))
    : rows;
  return JSON.stringify(out, null, 2) + '\n';
}

/**
 * Renders rows as 'table' (aligned columns, numbers right-aligned, control characters escaped as
 * \n, \u001b, ...), 'json' (an indented array, values exact) or 'csv' (header line, RFC 4180
 * quoting of commas, quotes and line breaks, CRLF line ends; text starting with = + - @ or a tab is
 * prefixed with ' so spreadsheets do not run it). Nested values print as JSON. Throws TypeError on an
 * unknown format or bad columns.
 */
export function formatRows(rows: readonly object[], format: RowFormat, opts?: FormatOptions): string {
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array');
  const columns = columnsOf(rows, opts);
  switch (format) {
    case 'table':
      return table(rows, columns);
    case 'csv':
      return csv(rows, columns);
    case 'json':
      return json(rows, columns, opts?.columns !== undefined);
    default:
      throw new TypeError('format must be table, json or csv');
  }
}
