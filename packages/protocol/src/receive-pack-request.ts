/**
 * The git-receive-pack request body of a push over smart HTTP (gitprotocol-pack "Reference Update
 * Request and Packfile Transfer", gitprotocol-http "Smart Service git-receive-pack"):
 *   [shallow <id>...], <old> <new> <ref>\0<caps>, <old> <new> <ref>..., flush,
 *   [push options..., flush (when the client sent push-options)], then the pack (absent when every
 *   command deletes). Checked against git 2.39's builtin/receive-pack.c (read_head_info, queue_command,
 *   read_push_options, update) and the bytes git 2.39 sends (test/recorded/push-*.request).
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { ZERO_ID, checkObjectId } from './object-id.js';
import { DEFAULT_MAX_PKTS, MAX_PKT_DATA, type Pkt, pktFromRaw, rawPktAt } from './pkt-line.js';
import { decodeUtf8, isCapability, pktLine } from './pkt-text.js';
import { refNameProblem } from './ref-format.js';

/** One ref update: `oldId` is ZERO_ID when the ref is created, `newId` ZERO_ID when it is deleted. */
export interface RefUpdateCommand { oldId: string; newId: string; ref: string }

/** A parsed git-receive-pack POST body. */
export interface ReceivePackRequest {
  commands: RefUpdateCommand[];
  /** Capabilities the client sent after NUL on its first command, in order (e.g. 'report-status', 'side-band-64k', 'atomic', 'quiet', 'agent=git/2.39.5', 'object-format=sha1'). */
  capabilities: string[];
  /** Ids of leading `shallow <id>` lines (a push from a shallow clone). */
  shallow: string[];
  /** push-option lines (only present when the client sent the 'push-options' capability): between the commands' flush and the next flush. */
  pushOptions: string[];
  /** Everything after the command list (and push options): the pack, starting with 'PACK', or empty when every command deletes. A view of the body, not a copy. */
  pack: Buffer;
}

/** Default bound on the commands of one push. */
const DEFAULT_MAX_COMMANDS = 1000;

/** Longest ref name quoted in an error message. */
const MAX_QUOTED_REF = 200;

const PACK_SIGNATURE = Buffer.from('PACK', 'latin1');
/** 'PACK', a 4-byte version and a 4-byte object count. */
const PACK_HEADER_LENGTH = 12;

function badRequest(message: string, line?: string): ProtocolError {
  return line === undefined
    ? new ProtocolError(codes.badRequest, message)
    : new ProtocolError(codes.badRequest, `${message}: ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
}

/** Reads the pkt-lines at the head of a body whose tail (the pack) is not pkt-lines. */
class PktCursor {
  offset = 0;
  private count = 0;

  constructor(private readonly body: Buffer) {}

  /** The next pkt, or undefined at the end of the body. Throws the pkt-line codes on a bad frame. */
  next(): Pkt | undefined {
    const { body, offset } = this;
    if (offset === body.length) return undefined;
    if (++this.count > DEFAULT_MAX_PKTS) {
      throw new ProtocolError(codes.requestTooLarge, `push request has more than ${DEFAULT_MAX_PKTS} pkt-lines`, { data: { maxPkts: DEFAULT_MAX_PKTS } });
    }
    const raw = rawPktAt(body, offset, MAX_PKT_DATA);
    this.offset += raw.length;
    return pktFromRaw(raw);
  }

  /** The next data pkt of a section that ends with a flush-pkt; null at that flush. */
  nextInSection(section: string): Buffer | null {
    const pkt = this.next();
    if (pkt === undefined) throw badRequest(`push request ends before the flush-pkt after its ${section}`);
    if (pkt.kind === 'flush') return null;
    // git's reader ends the command list at a delim or response-end too, then reads a pack from what
    // follows; no client sends them, so they are refused rather than guessed at.
    if (pkt.kind !== 'data') throw badRequest(`unexpected ${pkt.kind}-pkt in the ${section} of a push`);
    return pkt.data;
  }
}

/**
 * Parses the capability list after the first command's NUL. git finds features by substring, and its
 * client starts the list with a space; runs of spaces and a trailing space (libgit2) are skipped as git
 * skips them. Refuses, as git does, an object-format other than sha1 (git dies "unsupported object
 * format"), and on purpose `push-cert` (signed pushes are not offered).
 */
function parseCapabilities(data: Buffer): string[] {
  const text = pktLine(data);
  const caps: string[] = [];
  for (const cap of text.split(' ')) {
    if (cap === '') continue;
    if (!isCapability(cap, false)) throw badRequest('invalid capability in the first push command', cap);
    const key = cap.split('=', 1)[0];
    if (key === 'push-cert') throw new ProtocolError(codes.featureNotOffered, 'signed pushes are not offered');
    if (key === 'object-format' && cap !== 'object-format=sha1') {
      throw new ProtocolError(codes.featureNotOffered, `object format ${quoteInput(cap.slice(14))} is not supported: this gateway serves sha1 repositories only`);
    }
    caps.push(cap);
  }
  return caps;
}

/**
 * Parses `<old> <new> <ref>` (the part before any NUL). As git, the ref is the rest of the line; a LF
 * before the NUL is part of it (git chomps only the pkt's last byte), so it fails the ref check.
 * Ids must be 40 lowercase hex digits (git also takes uppercase: refused on purpose, as for fetch).
 */
function parseCommand(text: string): RefUpdateCommand {
  const m = /^([^ ]*) ([^ ]*) (.*)$/s.exec(text);
  if (m === null) throw badRequest('expected "<old-id> <new-id> <ref>" in a push command', text);
  const oldId = checkObjectId(m[1]!, text);
  const newId = checkObjectId(m[2]!, text);
  const ref = m[3]!;
  // git 2.39 refuses a one-level refs/<x> even when deleting it (git 2.41 allows that delete).
  const problem = refNameProblem(ref, false);
  if (problem !== undefined) {
    const quoted = JSON.stringify(ref.length > MAX_QUOTED_REF ? `${ref.slice(0, MAX_QUOTED_REF)}...` : ref);
    throw new ProtocolError(codes.badRefName, `invalid ref name ${quoted}: ${problem}`, { data: { ref: ref.slice(0, MAX_QUOTED_REF) } });
  }
  if (oldId === ZERO_ID && newId === ZERO_ID) {
    // git answers it as "deleting a non-existent ref"; no client sends it.
    throw badRequest('a push command with a zero old and new id', text);
  }
  return { oldId, newId, ref };
}

/** Reads shallow lines and commands up to the flush-pkt into `req`. */
function readCommands(cursor: PktCursor, req: ReceivePackRequest, maxCommands: number): void {
  const refs = new Set<string>();
  for (let data = cursor.nextInSection('commands'); data !== null; data = cursor.nextInSection('commands')) {
    const nul = data.indexOf(0);
    // As git, the pkt's one trailing LF is chomped; with a NUL it ends the capability list.
    const head = nul >= 0 ? data.subarray(0, nul) : data.subarray(0, data.at(-1) === 0x0a ? -1 : data.length);
    const text = decodeUtf8(head);
    if (text.startsWith('shallow ') && nul < 0) {
      // git reads shallow lines anywhere in the list; its client sends them first.
      req.shallow.push(checkObjectId(text.slice(8), text));
      continue;
    }
    if (text === 'push-cert') throw new ProtocolError(codes.featureNotOffered, 'signed pushes are not offered');
    if (nul >= 0) {
      // git reads features on every command line; its client writes them on the first only.
      if (req.commands.length > 0) throw badRequest('capabilities are only allowed on the first push command', text);
      req.capabilities = parseCapabilities(data.subarray(nul + 1));
    }
    if (req.commands.length >= maxCommands) {
      throw new ProtocolError(codes.requestTooLarge, `push has more than ${maxCommands} ref updates`, { data: { maxCommands } });
    }
    const command = parseCommand(text);
    if (refs.has(command.ref)) throw badRequest('a ref is named twice in one push', command.ref.slice(0, MAX_QUOTED_REF));
    refs.add(command.ref);
    req.commands.push(command);
  }
}

/** Checks the bytes after the command list against what the commands need. */
function checkPack(req: ReceivePackRequest): void {
  const { pack } = req;
  if (req.commands.every((c) => c.newId === ZERO_ID)) {
    // git reads no pack for a delete-only push and ignores what follows; bytes there are refused on purpose.
    if (pack.length > 0) throw new ProtocolError(codes.badPack, 'a push that only deletes refs carries no pack, but bytes follow its commands');
    return;
  }
  if (pack.length < PACK_HEADER_LENGTH || !pack.subarray(0, 4).equals(PACK_SIGNATURE)) {
    throw new ProtocolError(codes.badPack, 'a push that creates or updates refs must send a pack after its commands');
  }
  const version = pack.readUInt32BE(4);
  // index-pack and unpack-objects accept pack versions 2 and 3 only.
  if (version !== 2 && version !== 3) throw new ProtocolError(codes.badPack, `pack version ${version} is not supported`, { data: { version } });
}

/**
 * Parses a git-receive-pack POST body (gitprotocol-pack "Reference Update Request and Packfile
 * Transfer"). Accepts what git 2.39 accepts: shallow lines, a LF or none after each line, a capability
 * list with leading, repeated or trailing spaces, an empty command list (git's client sends nothing
 * then; the answer is "nothing to do"). Throws ProtocolError: the pkt-line codes; GITGATE_BAD_OBJECT_ID
 * for an id that is not 40 lowercase hex digits; GITGATE_BAD_REF_NAME for a name git answers with
 * "funny refname" (the whole push is refused, git refuses that ref only); GITGATE_FEATURE_NOT_OFFERED
 * for a signed push or an object format other than sha1; GITGATE_REQUEST_TOO_LARGE for more than
 * `maxCommands` (default 1000) commands; GITGATE_BAD_PACK when a pack is missing or its header is not
 * PACK version 2 or 3, or when bytes follow a delete-only list; GITGATE_BAD_REQUEST for the rest: a
 * malformed line, capabilities on a later command, a zero-to-zero command, a ref named twice, a
 * delim or response-end pkt, a body that ends before a section's flush. Throws TypeError on a bad
 * `maxCommands`.
 */
export function parseReceivePackRequest(body: Buffer, opts: { maxCommands?: number } = {}): ReceivePackRequest {
  const maxCommands = opts.maxCommands ?? DEFAULT_MAX_COMMANDS;
  if (!Number.isInteger(maxCommands) || maxCommands < 1) throw new TypeError('maxCommands must be a positive integer');
  const req: ReceivePackRequest = { commands: [], capabilities: [], shallow: [], pushOptions: [], pack: body.subarray(0, 0) };
  const cursor = new PktCursor(body);
  readCommands(cursor, req, maxCommands);
  if (req.commands.length > 0 && req.capabilities.includes('push-options')) {
    // git reads push options only when it advertised them; the caller refuses a capability it did not offer.
    for (let data = cursor.nextInSection('push options'); data !== null; data = cursor.nextInSection('push options')) {
      req.pushOptions.push(pktLine(data));
    }
  }
  req.pack = body.subarray(cursor.offset);
  checkPack(req);
  return req;
}
