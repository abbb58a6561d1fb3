/**
 * Protocol v0/v1 upload-pack requests as sent over stateless-rpc HTTP (gitprotocol-pack "Packfile
 * Negotiation", gitprotocol-http "Smart Service git-upload-pack"):
 *   want <oid>[ <caps>] LF, want <oid> LF..., shallow/deepen/deepen-since/deepen-not/filter lines,
 *   flush-pkt, then have lines ending in a flush-pkt per round, and finally `done`.
 * git 2.39 resends its state (wants, flush, haves found common) in every request body, so one body
 * holds one have round. upload-pack reads no further than that round's flush or `done`, nor does this.
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { checkFilterSpec } from './filter-spec.js';
import { checkObjectId, isObjectId } from './object-id.js';
import { FLUSH_PKT, type ParsePktsOptions, encodePkt, parsePkts } from './pkt-line.js';
import { checkRefArgument, isCapability, pktLine } from './pkt-text.js';
import { MAX_DEEPEN, checkDeepenCombination, parseDeepen, parseDeepenSince } from './v2-fetch.js';

/** A parsed v0/v1 upload-pack request body. */
export interface V0Request {
  wants: string[];
  /** Capabilities from the first want line, e.g. `side-band-64k`, `agent=git/2.39.5`. */
  capabilities: string[];
  shallows: string[];
  deepen?: number;
  deepenSince?: number;
  deepenNot: string[];
  filter?: string;
  /** Have ids of the body's have round, in order. */
  haves: string[];
  /** The have round ends with `done`. */
  done: boolean;
  /** The have round ends with a flush-pkt (the client awaits ACKs); absent: after haves without done. */
  flush?: boolean;
}

function badRequest(message: string, line?: string): ProtocolError {
  return line === undefined
    ? new ProtocolError(codes.badRequest, message)
    : new ProtocolError(codes.badRequest, `${message}: ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
}

/** Splits `<keyword> <value>`; value undefined when there is no space. */
function splitLine(line: string): [string, string | undefined] {
  const sp = line.indexOf(' ');
  return sp < 0 ? [line, undefined] : [line.slice(0, sp), line.slice(sp + 1)];
}

/**
 * Parses a v0/v1 request body. Throws ProtocolError: the pkt-line codes; GITGATE_BAD_OBJECT_ID for a
 * want/have/shallow that is not a sha1 id; GITGATE_BAD_REQUEST for an unknown line, a body without a
 * want, capabilities outside the first want line, bad or repeated deepen values, deepen combined with
 * deepen-since/deepen-not, a delim or response-end pkt, or a body that ends in the middle of a section;
 * GITGATE_FILTER_NOT_ALLOWED for a filter outside the allowed set. Pkts after the have round's flush or
 * `done` are framed but not otherwise read, as upload-pack does not read them.
 */
export function parseV0Request(body: Buffer, opts: ParsePktsOptions = {}): V0Request {
  const pkts = parsePkts(body, opts);
  const req: V0Request = { wants: [], capabilities: [], shallows: [], deepenNot: [], haves: [], done: false };
  let i = 0;
  // Want section: everything up to the first flush-pkt.
  for (; i < pkts.length; i++) {
    const pkt = pkts[i]!;
    if (pkt.kind === 'flush') break;
    if (pkt.kind !== 'data') throw badRequest(`unexpected ${pkt.kind}-pkt in a v0 request`);
    const line = pktLine(pkt.data);
    const [keyword, value] = splitLine(line);
    if (i === 0 && keyword !== 'want') throw badRequest('v0 request must start with a want line', line);
    if (value === undefined) {
      if (keyword === 'want' || keyword === 'shallow') checkObjectId('', line);
      throw badRequest('unknown line in v0 request', line);
    }
    switch (keyword) {
      case 'want': {
        const [id, caps] = splitLine(value);
        req.wants.push(checkObjectId(id, line));
        if (caps !== undefined) {
          // A lone trailing space is not a capability; git would read features here, the gateway does not.
          if (i !== 0 && caps.trim() !== '') throw badRequest('capabilities are only allowed on the first want line', line);
          // git reads features by substring, so it takes any run of spaces between them; libgit2 (pygit2,
          // cargo) ends the list with a space. Empty entries are skipped, not refused.
          for (const cap of caps.split(' ')) {
            if (cap === '') continue;
            if (!isCapability(cap, false)) throw badRequest('invalid capability in first want line', line);
            req.capabilities.push(cap);
          }
        }
        break;
      }
      case 'shallow': req.shallows.push(checkObjectId(value, line)); break;
      case 'deepen':
        if (req.deepen !== undefined) throw badRequest('repeated deepen', line);
        req.deepen = parseDeepen(value, line);
        break;
      case 'deepen-since':
        if (req.deepenSince !== undefined) throw badRequest('repeated deepen-since', line);
        req.deepenSince = parseDeepenSince(value, line);
        break;
      case 'deepen-not': req.deepenNot.push(checkRefArgument(value, line)); break;
      case 'filter':
        if (req.filter !== undefined) throw badRequest('repeated filter', line);
        req.filter = checkFilterSpec(value);
        break;
      default: throw badRequest('unknown line in v0 request', line);
    }
  }
  if (req.wants.length === 0) throw badRequest('v0 request has no want line');
  if (i === pkts.length) throw badRequest('v0 request ends before the flush-pkt after its wants');
  checkDeepenCombination(req);
  // Have section: one round of have lines, ended by a flush-pkt or `done`. upload-pack --stateless-rpc
  // answers that round and exits; whatever follows is never read, so it is not read here either.
  let closed = true;
  for (i++; i < pkts.length; i++) {
    const pkt = pkts[i]!;
    if (pkt.kind === 'flush') {
      req.flush = true;
      closed = true;
      break;
    }
    if (pkt.kind !== 'data') throw badRequest(`unexpected ${pkt.kind}-pkt in a v0 request`);
    const line = pktLine(pkt.data);
    if (line === 'done') {
      req.done = true;
      closed = true;
      break;
    }
    const [keyword, value] = splitLine(line);
    if (keyword !== 'have') throw badRequest('unknown line in v0 have section', line);
    req.haves.push(checkObjectId(value ?? '', line));
    closed = false;
  }
  if (!closed) throw badRequest('v0 request ends inside a have round');
  return req;
}

function checkId(id: string): string {
  if (!isObjectId(id)) throw new TypeError(`invalid object id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * Writes a v0/v1 request body byte for byte as git 2.39 does: LF after want, have and done lines,
 * none after shallow, deepen* and filter lines; the have round closed by `done` or, when there are
 * haves but no done, a flush-pkt. Throws TypeError on invalid ids, capabilities, numbers or filters.
 */
export function serializeV0Request(r: V0Request): Buffer {
  if (r.wants.length === 0) throw new TypeError('a v0 request needs at least one want');
  for (const cap of r.capabilities) if (!isCapability(cap, false)) throw new TypeError(`invalid capability: ${JSON.stringify(cap)}`);
  const out: Buffer[] = [];
  r.wants.forEach((id, n) => {
    const caps = n === 0 && r.capabilities.length > 0 ? ` ${r.capabilities.join(' ')}` : '';
    out.push(encodePkt(`want ${checkId(id)}${caps}\n`));
  });
  for (const id of r.shallows) out.push(encodePkt(`shallow ${checkId(id)}`));
  if (r.deepen !== undefined) {
    if (!Number.isInteger(r.deepen) || r.deepen < 1 || r.deepen > MAX_DEEPEN) throw new TypeError('deepen must be a positive integer');
    out.push(encodePkt(`deepen ${r.deepen}`));
  }
  if (r.deepenSince !== undefined) {
    if (!Number.isSafeInteger(r.deepenSince) || r.deepenSince < 0) throw new TypeError('deepenSince must be a non-negative integer');
    out.push(encodePkt(`deepen-since ${r.deepenSince}`));
  }
  for (const ref of r.deepenNot) {
    if (!/^[^\u0000-\u0020\u007f]+$/.test(ref)) throw new TypeError(`invalid deepen-not ref: ${JSON.stringify(ref)}`);
    out.push(encodePkt(`deepen-not ${ref}`));
  }
  if (r.filter !== undefined) {
    try {
      out.push(encodePkt(`filter ${checkFilterSpec(r.filter)}`));
    } catch {
      throw new TypeError(`filter not allowed: ${JSON.stringify(r.filter)}`);
    }
  }
  out.push(FLUSH_PKT);
  for (const id of r.haves) out.push(encodePkt(`have ${checkId(id)}\n`));
  if (r.done) out.push(encodePkt('done\n'));
  else if (r.flush ?? r.haves.length > 0) out.push(FLUSH_PKT);
  return Buffer.concat(out);
}
