/** Arguments of the v2 `ls-refs` command (gitprotocol-v2, "ls-refs"). */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';
import { checkRefArgument } from './pkt-text.js';

/** Parsed ls-refs arguments. */
export interface LsRefsArgs {
  symrefs: boolean;
  peel: boolean;
  unborn: boolean;
  /** `ref-prefix <prefix>` values in request order. */
  refPrefixes: string[];
}

/**
 * Parses ls-refs argument lines (`symrefs`, `peel`, `unborn`, `ref-prefix <prefix>`).
 * Throws ProtocolError GITGATE_UNKNOWN_ARGUMENT for any other line, GITGATE_BAD_REQUEST for an empty
 * or malformed prefix.
 */
export function parseLsRefsArgs(args: string[]): LsRefsArgs {
  const out: LsRefsArgs = { symrefs: false, peel: false, unborn: false, refPrefixes: [] };
  for (const line of args) {
    if (line === 'symrefs') out.symrefs = true;
    else if (line === 'peel') out.peel = true;
    else if (line === 'unborn') out.unborn = true;
    else if (line.startsWith('ref-prefix ')) out.refPrefixes.push(checkRefArgument(line.slice('ref-prefix '.length), line));
    else {
      throw new ProtocolError(codes.unknownArgument, `unknown ls-refs argument ${quoteInput(line)}`, {
        data: { command: 'ls-refs', line: truncateInput(line) },
      });
    }
  }
  return out;
}

/** Writes ls-refs arguments in the order git 2.39 sends them: peel, symrefs, unborn, ref-prefix lines. */
export function serializeLsRefsArgs(a: LsRefsArgs): string[] {
  const out: string[] = [];
  if (a.peel) out.push('peel');
  if (a.symrefs) out.push('symrefs');
  if (a.unborn) out.push('unborn');
  for (const prefix of a.refPrefixes) {
    if (!/^[^\u0000-\u0020\u007f]+$/.test(prefix)) throw new TypeError(`invalid ref prefix: ${JSON.stringify(prefix)}`);
    out.push(`ref-prefix ${prefix}`);
  }
  return out;
}
