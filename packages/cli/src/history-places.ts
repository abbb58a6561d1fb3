/**
 * `gitgate scan --history` as a second source of the rewrite's engine: each commit, tag and tree goes
 * through the same per-object policy the gateway applies (rewriteCommit, rewriteTag, rewriteTree from
 * @gitgate/mirror), so the dry run reports a secret in every place the rewrite tokenizes — messages,
 * identities and other headers, a tag's name, tree entry names — and nothing the rewrite would not.
 */
import { randomBytes } from 'node:crypto';
import {
  MirrorError, createPlaceTokenizer, rewriteCommit, rewriteTag, rewriteTree,
  type HeaderedContext, type ObjectOutcome, type RawObject, type TakenSecret, type TreeContext,
} from '@gitgate/mirror';
import type { Scanner } from '@gitgate/scanner';
import { createTokenMinter } from '@gitgate/vault';

/** Where a place of an object is reported: `(commit message)`, `(tag header)`, `(tree entry name)`… */
export interface PlaceWhere {
  path: string;
  commit: string;
}

/** What the history scan is told about each object's places. */
export interface PlaceSink {
  /** A commit or tag message (signature block excluded), to scan and report with positions. */
  message(content: Buffer, where: PlaceWhere): void;
  /** A secret the policy took out of a header or an entry name of `raw`. */
  secret(raw: Buffer, secret: TakenSecret, where: PlaceWhere): void;
  /** A place the rewrite would withhold (it could not be scanned). */
  withheld(where: PlaceWhere, bytes: number, reason: string): void;
}

/**
 * Returns a function that runs the rewrite's policy over one commit, tag or tree and reports to `sink`.
 * Ids are not mapped (nothing is written); tokens come from a throw-away key and are never shown.
 */
export function historyPolicy(scanner: Scanner, sink: PlaceSink): (obj: RawObject) => void {
  const tokenize = createPlaceTokenizer(scanner, createTokenMinter(randomBytes(32)));
  const headered = (kind: 'commit' | 'tag', id: string): HeaderedContext => ({
    tokenize,
    tokenizeMessage: (bytes) => {
      sink.message(bytes, { path: `(${kind} message)`, commit: id });
      return { content: bytes, secrets: [] };
    },
    mapId: (oid) => oid,
  });
  const tree: TreeContext = { tokenize, entryId: () => undefined };
  const report = (raw: Buffer, r: ObjectOutcome, where: PlaceWhere): void => {
    for (const s of r.secrets) sink.secret(raw, s, where);
    if (r.withheld > 0) sink.withheld(where, raw.length, 'a header could not be scanned for secrets');
  };
  return (obj) => {
    if (obj.type === 'commit' || obj.type === 'tag') {
      const r = (obj.type === 'commit' ? rewriteCommit : rewriteTag)(obj.content, obj.id, headered(obj.type, obj.id));
      report(obj.content, r, { path: `(${obj.type} header)`, commit: obj.id });
    } else if (obj.type === 'tree') {
      const where = { path: '(tree entry name)', commit: obj.id };
      try {
        report(obj.content, rewriteTree(obj.content, obj.id, tree), where);
      } catch (e) {
        // An entry name that cannot be scanned, or tokenized names that collide: the sync fails on it.
        if (!(e instanceof MirrorError)) throw e;
        sink.withheld(where, obj.content.length, e.message);
      }
    }
  };
}
