/**
 * Arguments of the v2 `fetch` command (gitprotocol-v2, "fetch"), validated as git 2.39's upload-pack
 * does, and stricter where git is lenient (decimal-only numbers, no repeated scalar arguments).
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { checkFilterSpec } from './filter-spec.js';
import { checkObjectId, isObjectId } from './object-id.js';
import { checkRefArgument, parseDecimal } from './pkt-text.js';

/** Parsed fetch arguments; absent options are false, empty or undefined. */
export interface FetchArgs {
  wants: string[];
  haves: string[];
  done: boolean;
  thinPack: boolean;
  noProgress: boolean;
  includeTag: boolean;
  ofsDelta: boolean;
  /** Commits the client's shallow boundary holds (`shallow <oid>`). */
  shallows: string[];
  deepen?: number;
  deepenRelative: boolean;
  /** Seconds since the epoch (`deepen-since <timestamp>`). */
  deepenSince?: number;
  deepenNot: string[];
  filter?: string;
  waitForDone: boolean;
  /** `want-ref <ref>` values; parsed so the caller can refuse them with a clear message. */
  wantRefs: string[];
  /** `sideband-all`; parsed so the caller can refuse it. */
  sidebandAll: boolean;
  /** `packfile-uris <protocols>`; parsed so the caller can refuse it. */
  packfileUris?: string;
}

/** git's INFINITE_DEPTH (0x7fffffff), sent by `git fetch --unshallow`, is the largest depth. */
export const MAX_DEEPEN = 0x7fffffff;

const FLAGS = {
  done: 'done',
  'thin-pack': 'thinPack',
  'no-progress': 'noProgress',
  'include-tag': 'includeTag',
  'ofs-delta': 'ofsDelta',
  'deepen-relative': 'deepenRelative',
  'sideband-all': 'sidebandAll',
  'wait-for-done': 'waitForDone',
} as const;

type FlagField = (typeof FLAGS)[keyof typeof FLAGS];

function emptyFetchArgs(): FetchArgs {
  return {
    wants: [], haves: [], done: false, thinPack: false, noProgress: false, includeTag: false, ofsDelta: false,
    shallows: [], deepenRelative: false, deepenNot: [], waitForDone: false, wantRefs: [], sidebandAll: false,
  };
}

function badRequest(message: string, line: string): ProtocolError {
  return new ProtocolError(codes.badRequest, `${message} in line ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
}

/** Parses a `deepen` value: a positive decimal integer up to MAX_DEEPEN; throws GITGATE_BAD_REQUEST. */
export function parseDeepen(value: string, line: string): number {
  const n = parseDecimal(value, MAX_DEEPEN);
  if (n === undefined || n < 1) throw badRequest('deepen must be a positive integer', line);
  return n;
}

/** Parses a `deepen-since` value: a non-negative decimal timestamp; throws GITGATE_BAD_REQUEST. */
export function parseDeepenSince(value: string, line: string): number {
  const n = parseDecimal(value, Number.MAX_SAFE_INTEGER);
  if (n === undefined) throw badRequest('deepen-since must be an integer timestamp', line);
  return n;
}

/** Throws GITGATE_BAD_REQUEST when deepen is combined with deepen-since or deepen-not, as git refuses. */
export function checkDeepenCombination(a: { deepen?: number; deepenSince?: number; deepenNot: string[] }): void {
  if (a.deepen !== undefined && (a.deepenSince !== undefined || a.deepenNot.length > 0)) {
    throw new ProtocolError(codes.badRequest, 'deepen cannot be combined with deepen-since or deepen-not');
  }
}

/**
 * Parses and validates fetch argument lines. Throws ProtocolError:
 * GITGATE_UNKNOWN_ARGUMENT for an unknown line (or a flag given a value); GITGATE_BAD_OBJECT_ID for a
 * want/have/shallow that is not a sha1 id; GITGATE_BAD_REQUEST for a bad or repeated deepen,
 * deepen-since, filter or packfile-uris, deepen combined with deepen-since/deepen-not, a bad ref name,
 * or a request with neither want nor want-ref; GITGATE_FILTER_NOT_ALLOWED for a filter outside the
 * allowed set.
 */
export function parseFetchArgs(args: string[]): FetchArgs {
  const out = emptyFetchArgs();
  for (const line of args) {
    if (Object.hasOwn(FLAGS, line)) {
      out[FLAGS[line as keyof typeof FLAGS] as FlagField] = true;
      continue;
    }
    const sp = line.indexOf(' ');
    const keyword = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? undefined : line.slice(sp + 1);
    if (value === undefined) {
      if (['want', 'have', 'shallow'].includes(keyword)) checkObjectId('', line);
      if (['deepen', 'deepen-since', 'deepen-not', 'filter', 'want-ref', 'packfile-uris'].includes(keyword)) {
        throw badRequest(`${keyword} needs a value`, line);
      }
      throw unknownArgument(line);
    }
    switch (keyword) {
      case 'want': out.wants.push(checkObjectId(value, line)); break;
      case 'have': out.haves.push(checkObjectId(value, line)); break;
      case 'shallow': out.shallows.push(checkObjectId(value, line)); break;
      case 'deepen':
        if (out.deepen !== undefined) throw badRequest('repeated deepen', line);
        out.deepen = parseDeepen(value, line);
        break;
      case 'deepen-since':
        if (out.deepenSince !== undefined) throw badRequest('repeated deepen-since', line);
        out.deepenSince = parseDeepenSince(value, line);
        break;
      case 'deepen-not': out.deepenNot.push(checkRefArgument(value, line)); break;
      case 'filter':
        // git dies on a second filter line too (list_objects_filter_die_if_populated).
        if (out.filter !== undefined) throw badRequest('repeated filter', line);
        out.filter = checkFilterSpec(value);
        break;
      case 'want-ref': out.wantRefs.push(checkRefArgument(value, line)); break;
      case 'packfile-uris':
        if (out.packfileUris !== undefined) throw badRequest('repeated packfile-uris', line);
        if (!/^[\u0021-\u007e]+$/.test(value)) throw badRequest('invalid packfile-uris protocols', line);
        out.packfileUris = value;
        break;
      default: throw unknownArgument(line);
    }
  }
  checkDeepenCombination(out);
  // A fetch without wants only probes haves (an existence oracle) and has no use for a client.
  if (out.wants.length === 0 && out.wantRefs.length === 0) {
    throw new ProtocolError(codes.badRequest, 'fetch request has no want or want-ref');
  }
  return out;
}

function unknownArgument(line: string): ProtocolError {
  return new ProtocolError(codes.unknownArgument, `unknown fetch argument ${quoteInput(line)}`, {
    data: { command: 'fetch', line: truncateInput(line) },
  });
}

function checkId(id: string): string {
  if (!isObjectId(id)) throw new TypeError(`invalid object id: ${JSON.stringify(id)}`);
  return id;
}

function checkToken(value: string, what: string): string {
  if (!/^[^\u0000-\u0020\u007f]+$/.test(value)) throw new TypeError(`invalid ${what}: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Writes fetch arguments in git 2.39's order: capability-like flags, shallow-info and deepen options,
 * filter, packfile-uris, wants, want-refs, haves, done. parseFetchArgs(serializeFetchArgs(a)) equals
 * `a`. Throws TypeError on an invalid id, number or ref, or a filter that is not allowed.
 */
export function serializeFetchArgs(a: FetchArgs): string[] {
  const out: string[] = [];
  if (a.thinPack) out.push('thin-pack');
  if (a.noProgress) out.push('no-progress');
  if (a.includeTag) out.push('include-tag');
  if (a.ofsDelta) out.push('ofs-delta');
  if (a.sidebandAll) out.push('sideband-all');
  if (a.waitForDone) out.push('wait-for-done');
  for (const id of a.shallows) out.push(`shallow ${checkId(id)}`);
  if (a.deepen !== undefined) {
    if (!Number.isInteger(a.deepen) || a.deepen < 1 || a.deepen > MAX_DEEPEN) throw new TypeError('deepen must be a positive integer');
    out.push(`deepen ${a.deepen}`);
  }
  if (a.deepenSince !== undefined) {
    if (!Number.isSafeInteger(a.deepenSince) || a.deepenSince < 0) throw new TypeError('deepenSince must be a non-negative integer');
    out.push(`deepen-since ${a.deepenSince}`);
  }
  for (const ref of a.deepenNot) out.push(`deepen-not ${checkToken(ref, 'deepen-not ref')}`);
  if (a.deepenRelative) out.push('deepen-relative');
  if (a.filter !== undefined) {
    try {
      out.push(`filter ${checkFilterSpec(a.filter)}`);
    } catch {
      throw new TypeError(`filter not allowed: ${JSON.stringify(a.filter)}`);
    }
  }
  if (a.packfileUris !== undefined) out.push(`packfile-uris ${checkToken(a.packfileUris, 'packfile-uris value')}`);
  for (const id of a.wants) out.push(`want ${checkId(id)}`);
  for (const ref of a.wantRefs) out.push(`want-ref ${checkToken(ref, 'want-ref')}`);
  for (const id of a.haves) out.push(`have ${checkId(id)}`);
  if (a.done) out.push('done');
  return out;
}
