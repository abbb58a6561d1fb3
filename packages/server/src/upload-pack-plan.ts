/**
 * The pure step of an upload-pack POST (gitprotocol-v2, gitprotocol-pack): request bytes → a validated
 * fetch, a ref listing, or a refusal sentence. It parses every pkt-line, checks capabilities and fetch
 * arguments, and checks wants and shallows against the sanitized store through a lookup it is given;
 * it runs nothing and writes nothing, so tests call it without HTTP or git.
 */
import {
  parseV2Request, serializeV2Request, parseFetchArgs, serializeFetchArgs,
  parseV0Request, serializeV0Request, type FetchArgs,
} from '@gitgate/protocol';
import type { FetchShape } from './exposure-cache.js';

/**
 * v0/v1 capabilities, in the order git 2.39's upload-pack advertises them for the sanitized store's
 * config; `symref=HEAD:<branch>` goes before `filter`, `object-format` and `agent` after. Reachable (never
 * "any") ids in want, so that partial clones can lazily fetch blobs over v0 too.
 */
export const V0_CAPABILITIES = [
  'multi_ack', 'thin-pack', 'side-band', 'side-band-64k', 'ofs-delta', 'shallow', 'deepen-since', 'deepen-not',
  'deepen-relative', 'no-progress', 'include-tag', 'multi_ack_detailed', 'allow-reachable-sha1-in-want', 'no-done',
];
/** Capabilities a v0 client may send (those advertised plus identification). */
const V0_REQUEST_CAPABILITIES = new Set([...V0_CAPABILITIES, 'filter', 'agent', 'session-id', 'object-format']);
/**
 * The v0 capabilities that take a value. git takes `side-band-64k=1` as side-band-64k (parse_feature_request
 * matches a name followed by `=`), so a value on any other one would make the gateway and git read the request
 * differently (no side-band here, side-band there: the pack would go out past the audit gate). Refused.
 */
const V0_VALUED_CAPABILITIES = new Set(['agent', 'session-id', 'object-format']);

/** Whether a v0 request capability is refused: unknown, a value where none is taken, or another object format. */
function v0CapabilityRefused(c: string): boolean {
  const eq = c.indexOf('=');
  const name = eq < 0 ? c : c.slice(0, eq);
  if (!V0_REQUEST_CAPABILITIES.has(name)) return true;
  if (eq >= 0 && !V0_VALUED_CAPABILITIES.has(name)) return true;
  return name === 'object-format' && c !== 'object-format=sha1';
}
/**
 * v2 request capabilities accepted: those the v2 advertisement offers. git refuses `session-id` unless it
 * advertised it (transfer.advertiseSID), and ls-refs never reaches git, so the list has to say so.
 */
const V2_REQUEST_CAPABILITIES = new Set(['agent', 'object-format']);

/** Which of these ids are objects of the sanitized store. */
export type ObjectLookup = (ids: readonly string[]) => Promise<ReadonlySet<string>>;

/** Ids kept per list in an audit row; a negotiation can carry many haves. */
const AUDIT_ID_LIMIT = 1000;

/** What a fetch asked for, as its audit session records it. */
export interface FetchNote {
  wants: string[];
  haves: string[];
  shallow: string[];
  depth?: number;
  deepenSince?: number;
  deepenNot?: string[];
  filter?: string;
}

/** A fetch the gateway will hand to upload-pack. */
export interface PlannedFetch {
  kind: 'fetch';
  endpoint: string;
  note: FetchNote;
  /**
   * The canonical re-serialization git receives. Every have goes to git, known or not: dropping unknown
   * ones turned a negotiation round whose haves git would not know into a request without haves, which
   * git answers with a pack instead of acknowledgments.
   */
  request: Buffer;
  /**
   * What the pack can expose, for the audit written before its first byte. Its haves are the request's,
   * unchecked: which of them the store holds is looked up only when an exposure walk has to run.
   */
  shape: FetchShape;
  noProgress: boolean;
  sideband: boolean;
  /** The request ends negotiation: a pack follows. */
  done: boolean;
}

/** The outcome of planning an upload-pack request. */
export type UploadPackPlan =
  | PlannedFetch
  /** `args` are parsed by `parseLsRefsArgs` when the listing is served, after the audit check, as before the split. */
  | { kind: 'ls-refs'; endpoint: 'ls-refs'; args: string[] }
  | { kind: 'refuse'; endpoint?: string; note?: FetchNote; message: string };

/**
 * Plans one upload-pack request body. Throws ProtocolError (a 400) for bytes that do not parse; every
 * other refusal is returned with the sentence the client sees in an ERR packet.
 */
export async function planUploadPack(body: Buffer, v2: boolean, lookup: ObjectLookup): Promise<UploadPackPlan> {
  return v2 ? planV2(body, lookup) : planV0(body, lookup);
}

async function planV2(body: Buffer, lookup: ObjectLookup): Promise<UploadPackPlan> {
  const r = parseV2Request(body);
  const badCap = r.capabilities.find((c) => !V2_REQUEST_CAPABILITIES.has(c.split('=')[0]) || (c.startsWith('object-format=') && c !== 'object-format=sha1'));
  if (badCap !== undefined) return { kind: 'refuse', message: capabilityRefusal(badCap) };
  const endpoint = r.command;
  if (r.command === 'ls-refs') return { kind: 'ls-refs', endpoint: 'ls-refs', args: r.args };
  if (r.command === 'object-info') return { kind: 'refuse', endpoint, message: 'the object-info command is not offered' };
  if (r.command !== 'fetch') return { kind: 'refuse', endpoint, message: `unknown command ${JSON.stringify(r.command.slice(0, 40))}` };
  const a = parseFetchArgs(r.args);
  const note = noteOf(a.wants, a.haves, a.shallows, a);
  const problem = fetchProblem(a);
  if (problem) return { kind: 'refuse', endpoint, note, message: problem };
  const error = await checkIds(lookup, a.wants, a.shallows);
  if (error) return { kind: 'refuse', endpoint, note, message: error };
  return {
    kind: 'fetch', endpoint, note, noProgress: a.noProgress, sideband: true, done: a.done,
    shape: exposureShape(a.wants, a.haves, a.filter, a.includeTag, deepens(a.shallows, a)),
    request: serializeV2Request({ ...r, args: serializeFetchArgs(a) }),
  };
}

async function planV0(body: Buffer, lookup: ObjectLookup): Promise<UploadPackPlan> {
  const r = parseV0Request(body);
  const endpoint = 'fetch';
  const note = noteOf(r.wants, r.haves, r.shallows, r);
  const badCap = r.capabilities.find(v0CapabilityRefused);
  if (badCap !== undefined) return { kind: 'refuse', endpoint, note, message: capabilityRefusal(badCap) };
  if (r.wants.length === 0) return { kind: 'refuse', endpoint, note, message: 'the request names no object to fetch' };
  const error = await checkIds(lookup, r.wants, r.shallows);
  if (error) return { kind: 'refuse', endpoint, note, message: error };
  const caps = r.capabilities;
  return {
    kind: 'fetch', endpoint, note, done: r.done,
    noProgress: caps.includes('no-progress'),
    sideband: caps.includes('side-band') || caps.includes('side-band-64k'),
    shape: exposureShape(r.wants, r.haves, r.filter, caps.includes('include-tag'), deepens(r.shallows, r) || caps.includes('deepen-relative')),
    request: serializeV0Request(r),
  };
}

const capabilityRefusal = (cap: string): string => `capability ${JSON.stringify(cap.slice(0, 60))} is not offered`;

/** A clear sentence for fetch arguments the gateway does not offer, or null. */
function fetchProblem(a: FetchArgs): string | null {
  if (a.wantRefs.length > 0) return 'want-ref is not offered; want object ids from ls-refs instead';
  if (a.packfileUris !== undefined) return 'packfile-uris is not offered';
  if (a.sidebandAll) return 'sideband-all is not offered';
  if (a.wants.length === 0) return 'the request names no object to fetch';
  return null;
}

/**
 * Wants and shallows must be objects of the sanitized store: the refusal sentence, or null. Haves are not
 * looked up here: git gets every have anyway, and the exposure audit looks them up only when it walks.
 */
async function checkIds(lookup: ObjectLookup, wants: string[], shallows: string[]): Promise<string | null> {
  const found = await lookup([...new Set([...wants, ...shallows])]);
  const missing = wants.find((w) => !found.has(w));
  if (missing) return `want ${missing} is not an object of the sanitized repository`;
  const badShallow = shallows.find((s) => !found.has(s));
  if (badShallow) return `shallow ${badShallow} is not an object of the sanitized repository`;
  return null;
}

/** Whether a fetch is shallow or deepens: upload-pack may then send ancestors of the haves. */
function deepens(shallows: string[], o: { deepen?: number; deepenSince?: number; deepenNot: string[]; deepenRelative?: boolean }): boolean {
  return shallows.length > 0 || o.deepen !== undefined || o.deepenSince !== undefined || o.deepenNot.length > 0 || o.deepenRelative === true;
}

/**
 * The shape whose exposures cover a fetch's pack. Haves are dropped when the fetch deepens: a have can
 * sit on the client's shallow boundary, and upload-pack then sends its ancestors, which `--not <have>`
 * would subtract.
 */
function exposureShape(wants: string[], haves: string[], filter: string | undefined, includeTag: boolean, deepening: boolean): FetchShape {
  return { wants, haves: deepening ? [] : haves, filter, includeTag };
}

/** What a fetch asked for, bounded for its audit row. */
function noteOf(wants: string[], haves: string[], shallow: string[], o: { deepen?: number; deepenSince?: number; deepenNot: string[]; filter?: string }): FetchNote {
  return {
    wants: wants.slice(0, AUDIT_ID_LIMIT), haves: haves.slice(0, AUDIT_ID_LIMIT), shallow: shallow.slice(0, AUDIT_ID_LIMIT),
    depth: o.deepen, deepenSince: o.deepenSince, deepenNot: o.deepenNot.length > 0 ? o.deepenNot : undefined, filter: o.filter,
  };
}
