/**
 * Protocol v2 command requests (gitprotocol-v2, "Command Request"):
 *   command=<name> LF, capability lines, [delim-pkt, argument lines], flush-pkt.
 * In stateless-rpc over HTTP a body holds exactly one request.
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { DELIM_PKT, FLUSH_PKT, type ParsePktsOptions, encodePkt, parsePkts } from './pkt-line.js';
import { checkNonEmpty, isCapability, pktLine } from './pkt-text.js';

/** A parsed v2 request; each line without its trailing LF. */
export interface V2Request {
  command: string;
  /** Capability lines after the command, e.g. `agent=git/2.39.5`, `object-format=sha1`. */
  capabilities: string[];
  /** Argument lines after the delim-pkt, e.g. `want <oid>`, `ref-prefix refs/heads/`. */
  args: string[];
}

const COMMAND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Parses one v2 request body. The command name is checked for syntax only; the caller decides which
 * commands it serves. Throws ProtocolError: the pkt-line codes, or GITGATE_BAD_REQUEST for a missing
 * or invalid `command=`, a bad capability line, a stray special pkt, data after the final flush, or a
 * body that ends before it.
 */
export function parseV2Request(body: Buffer, opts: ParsePktsOptions = {}): V2Request {
  const pkts = parsePkts(body, opts);
  const first = pkts[0];
  if (first === undefined || first.kind !== 'data') {
    throw new ProtocolError(codes.badRequest, 'v2 request does not start with command=');
  }
  const commandLine = pktLine(first.data);
  const command = commandLine.startsWith('command=') ? commandLine.slice('command='.length) : undefined;
  if (command === undefined || !COMMAND_NAME.test(command)) {
    throw new ProtocolError(codes.badRequest, `v2 request starts with ${quoteInput(commandLine)}, not a valid command=`, {
      data: { line: truncateInput(commandLine) },
    });
  }
  const capabilities: string[] = [];
  const args: string[] = [];
  let section: 'capabilities' | 'args' = 'capabilities';
  for (let i = 1; i < pkts.length; i++) {
    const pkt = pkts[i]!;
    if (pkt.kind === 'flush') {
      if (i !== pkts.length - 1) throw new ProtocolError(codes.badRequest, 'v2 request has data after its flush-pkt');
      return { command, capabilities, args };
    }
    if (pkt.kind === 'delim') {
      if (section === 'args') throw new ProtocolError(codes.badRequest, 'v2 request has a second delim-pkt');
      section = 'args';
      continue;
    }
    if (pkt.kind === 'response-end') throw new ProtocolError(codes.badRequest, 'v2 request holds a response-end-pkt');
    const line = pktLine(pkt.data);
    checkNonEmpty(line);
    if (section === 'args') {
      args.push(line);
      continue;
    }
    if (!isCapability(line, true) || line.startsWith('command=') || line === 'command') {
      throw new ProtocolError(codes.badRequest, `invalid capability line ${quoteInput(line)}`, { data: { line: truncateInput(line) } });
    }
    capabilities.push(line);
  }
  throw new ProtocolError(codes.badRequest, 'v2 request ends without a flush-pkt');
}

/** Throws TypeError unless `line` fits on one pkt-line as text. */
function checkLine(line: string, what: string): void {
  if (line.length === 0 || /[\u0000-\u001f\u007f]/.test(line)) throw new TypeError(`invalid ${what} line: ${JSON.stringify(line)}`);
}

/**
 * Writes a v2 request as git does: command, capabilities, delim-pkt, arguments, flush-pkt; every line
 * LF-terminated. Throws TypeError on an empty line, a control character, or a line too long for a pkt.
 */
export function serializeV2Request(req: V2Request): Buffer {
  if (!COMMAND_NAME.test(req.command)) throw new TypeError(`invalid v2 command name: ${JSON.stringify(req.command)}`);
  const out: Buffer[] = [encodePkt(`command=${req.command}\n`)];
  for (const cap of req.capabilities) {
    checkLine(cap, 'capability');
    out.push(encodePkt(`${cap}\n`));
  }
  out.push(DELIM_PKT);
  for (const arg of req.args) {
    checkLine(arg, 'argument');
    out.push(encodePkt(`${arg}\n`));
  }
  out.push(FLUSH_PKT);
  return Buffer.concat(out);
}
