/**
 * The v0/v1 ref advertisement served at GET info/refs?service=git-upload-pack (gitprotocol-http
 * "Smart Clients", gitprotocol-pack "Reference Discovery"):
 *   # service=git-upload-pack LF, flush, [version 1 LF], <oid> <ref> NUL <caps> LF, <oid> <ref> LF..., flush.
 * An empty repository advertises no ref line at all (git 2.39) or, from git 2.41, a
 * `capabilities^{}` line with the zero id; both are read, and written as git does.
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { ZERO_ID, checkObjectId, isObjectId } from './object-id.js';
import { FLUSH_PKT, type ParsePktsOptions, encodePkt, parsePkts } from './pkt-line.js';
import { isCapability, pktLine } from './pkt-text.js';

/** A parsed v0/v1 advertisement. Peeled tags appear as refs named `<tag>^{}`, in git's order. */
export interface V0Advertisement {
  refs: { id: string; name: string }[];
  capabilities: string[];
  /** The `version 1` line after the service header (client asked for protocol v1). */
  version1: boolean;
}

/** Options of serializeV0Advertisement. */
export interface SerializeV0AdvertisementOptions {
  /** Prefix `# service=git-upload-pack` and a flush-pkt, as http-backend does. Default true. */
  serviceHeader?: boolean;
}

const SERVICE_LINE = '# service=git-upload-pack';
const EMPTY_CAPS_REF = 'capabilities^{}';

function bad(message: string, line?: string): ProtocolError {
  return line === undefined
    ? new ProtocolError(codes.badAdvertisement, message)
    : new ProtocolError(codes.badAdvertisement, `${message}: ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
}

function isRefName(name: string): boolean {
  return name.length > 0 && !/[\u0000-\u0020\u007f]/.test(name);
}

/** Parses `<oid> <name>`. */
function parseRefLine(text: string): { id: string; name: string } {
  const sp = text.indexOf(' ');
  const id = checkObjectId(sp < 0 ? text : text.slice(0, sp), text);
  const name = sp < 0 ? '' : text.slice(sp + 1);
  if (!isRefName(name)) throw bad('invalid ref name in advertisement', text);
  return { id, name };
}

/**
 * Parses an upload-pack v0/v1 advertisement, with or without the `# service=git-upload-pack` header
 * (`git upload-pack --advertise-refs` prints it without). Shallow lines are not supported.
 * Throws ProtocolError: the pkt-line codes, GITGATE_BAD_OBJECT_ID, or GITGATE_BAD_ADVERTISEMENT.
 */
export function parseV0Advertisement(body: Buffer, opts: ParsePktsOptions = {}): V0Advertisement {
  const pkts = parsePkts(body, opts);
  const out: V0Advertisement = { refs: [], capabilities: [], version1: false };
  let i = 0;
  // Header lines are recognised by their first bytes: the first ref line holds a NUL, which is not text.
  const lineWith = (n: number, prefix: string): string | undefined => {
    const p = pkts[n];
    if (p?.kind !== 'data' || !p.data.subarray(0, prefix.length).equals(Buffer.from(prefix, 'latin1'))) return undefined;
    return pktLine(p.data, codes.badAdvertisement);
  };
  const service = lineWith(0, '# ');
  if (service !== undefined) {
    if (service !== SERVICE_LINE) throw bad('unexpected service line', service);
    if (pkts[1]?.kind !== 'flush') throw bad('service line is not followed by a flush-pkt');
    i = 2;
  }
  const version = lineWith(i, 'version ');
  if (version !== undefined) {
    if (version !== 'version 1') throw bad('not a v0/v1 advertisement', version);
    out.version1 = true;
    i++;
  }
  for (let n = 0; i < pkts.length; i++, n++) {
    const pkt = pkts[i]!;
    if (pkt.kind === 'flush') {
      if (i !== pkts.length - 1) throw bad('advertisement has data after its final flush-pkt');
      return out;
    }
    if (pkt.kind !== 'data') throw bad(`unexpected ${pkt.kind}-pkt in advertisement`);
    if (n > 0) {
      const text = pktLine(pkt.data, codes.badAdvertisement);
      if (text.startsWith('shallow ')) throw bad('shallow lines in an advertisement are not supported', text);
      out.refs.push(parseRefLine(text));
      continue;
    }
    // First ref line: `<oid> <name>\0<caps>\n`; the NUL is not text, so split before decoding.
    const nul = pkt.data.indexOf(0);
    if (nul < 0) throw bad('first advertised ref has no capability list');
    const ref = parseRefLine(pktLine(pkt.data.subarray(0, nul), codes.badAdvertisement));
    const capsText = pktLine(pkt.data.subarray(nul + 1), codes.badAdvertisement);
    for (const cap of capsText === '' ? [] : capsText.split(' ')) {
      if (!isCapability(cap, false)) throw bad('invalid capability in advertisement', cap);
      out.capabilities.push(cap);
    }
    if (ref.name === EMPTY_CAPS_REF) {
      if (ref.id !== ZERO_ID) throw bad('capabilities^{} line with a non-zero id', ref.id);
    } else {
      out.refs.push(ref);
    }
  }
  throw bad('advertisement ends without a flush-pkt');
}

/**
 * Writes a v0/v1 advertisement byte for byte as git http-backend does. With no refs it writes the
 * `capabilities^{}` line when there are capabilities, and only the flush-pkt when there are none (what
 * git 2.39 sends for an empty repository). Throws TypeError on an invalid id, ref name or capability.
 */
export function serializeV0Advertisement(a: V0Advertisement, opts: SerializeV0AdvertisementOptions = {}): Buffer {
  for (const cap of a.capabilities) if (!isCapability(cap, false)) throw new TypeError(`invalid capability: ${JSON.stringify(cap)}`);
  for (const ref of a.refs) {
    if (!isObjectId(ref.id)) throw new TypeError(`invalid object id: ${JSON.stringify(ref.id)}`);
    if (!isRefName(ref.name)) throw new TypeError(`invalid ref name: ${JSON.stringify(ref.name)}`);
  }
  const out: Buffer[] = [];
  if (opts.serviceHeader !== false) out.push(encodePkt(`${SERVICE_LINE}\n`), FLUSH_PKT);
  if (a.version1) out.push(encodePkt('version 1\n'));
  const refs = a.refs.length === 0 && a.capabilities.length > 0 ? [{ id: ZERO_ID, name: EMPTY_CAPS_REF }] : a.refs;
  refs.forEach((ref, n) => {
    out.push(encodePkt(n === 0 ? `${ref.id} ${ref.name}\0${a.capabilities.join(' ')}\n` : `${ref.id} ${ref.name}\n`));
  });
  out.push(FLUSH_PKT);
  return Buffer.concat(out);
}
