/**
 * The policy for the headers of commits and tags (gitformat-commit, fsck.c fsck_ident): every value a
 * client can read is scanned, and a secret becomes a token written so the object stays valid.
 *   tree, parent, object (an id), a tag's type (an object type): structure, mapped by the rewriter
 *   author, committer, tagger: `Name <email> <date>`; name, email and date scanned apart, so a
 *                     token (no `<`, `>` or newline in it) never moves the delimiters
 *   a tag's tag name: the ref-safe form (`TOKEN_<type>_<id>`), as the ref that names the tag gets
 *   anything else (encoding, extra headers, their continuation lines): the whole header, key included,
 *                     scanned as the text git means (continuations unfolded), then folded back
 * A header that cannot be scanned is replaced by a fixed stand-in (identities, the tag name) or
 * dropped (fail closed, deterministic).
 */
import { foldHeaderValue, headerValue, unfoldHeaderValue, type ObjectHeader } from '@gitgate/objects';
import { tokenizePieces, type PlaceTokenizer } from './place-tokenizer.js';
import type { TakenSecret } from './tokenize.js';

export interface HeaderOutcome {
  /** The header to write (the same object when nothing changed), or null to drop it. */
  header: ObjectHeader | null;
  secrets: TakenSecret[];
  /** True when the header could not be scanned and was replaced or dropped. */
  withheld: boolean;
}

const IDENTITY_KEYS = new Set(['author', 'committer', 'tagger']);
const ID_KEYS = new Set(['tree', 'parent', 'object']);
const OBJECT_TYPES = new Set(['commit', 'tree', 'blob', 'tag']);
const HEX_ID = /^[0-9a-fA-F]{40}$/;
const WELL_FORMED_DATE = /^[0-9]{1,20} [+-][0-9]{4}$/;
const LT = 0x3c;
const GT = 0x3e;
const NL = 0x0a;
const SPACE = 0x20;

/**
 * True for a header the rewriter maps rather than scans: an id header holding exactly one object id,
 * or a tag's `type` naming an object type. Anything else in those keys is scanned like free text.
 */
export function isStructuralHeader(objectType: 'commit' | 'tag', h: ObjectHeader): boolean {
  if (ID_KEYS.has(h.key)) return HEX_ID.test(headerValue(h).toString('latin1'));
  return objectType === 'tag' && h.key === 'type' && OBJECT_TYPES.has(headerValue(h).toString('latin1'));
}

/**
 * Scans one non-structural header of a commit or tag and returns it with every secret tokenized
 * (byte-exact when there is none). Never throws for what the scanner throws: such a header is withheld.
 */
export function rewriteHeader(objectType: 'commit' | 'tag', h: ObjectHeader, tokenize: PlaceTokenizer): HeaderOutcome {
  if (IDENTITY_KEYS.has(h.key)) return rewriteIdentity(h, tokenize);
  if (objectType === 'tag' && h.key === 'tag') return rewriteValue(h, tokenize);
  return rewriteWhole(h, tokenize);
}

/** `Name <email> <date>`: the three parts apart, with the spaces around the delimiters kept. */
function rewriteIdentity(h: ObjectHeader, tokenize: PlaceTokenizer): HeaderOutcome {
  const v = headerValue(h);
  const lt = v.indexOf(LT);
  const gt = lt < 0 ? -1 : v.indexOf(GT, lt + 1);
  // Not an identity git could read (or spread over lines): scanned whole, which never adds a delimiter.
  if (lt < 0 || gt < 0 || v.indexOf(NL) >= 0 || v.subarray(0, lt).indexOf(GT) >= 0) return rewriteWhole(h, tokenize);
  let nameEnd = lt;
  while (nameEnd > 0 && v[nameEnd - 1] === SPACE) nameEnd--;
  let dateStart = gt + 1;
  while (dateStart < v.length && v[dateStart] === SPACE) dateStart++;
  const prefix = h.raw.subarray(0, h.raw.length - v.length);
  const name = v.subarray(0, nameEnd);
  const email = v.subarray(lt + 1, gt);
  const date = v.subarray(dateStart);
  // A well-formed date (digits, a space, a zone) is structure; only an odd one is scanned.
  const pieces = WELL_FORMED_DATE.test(date.toString('latin1')) ? [name, email] : [name, email, date];
  let r;
  try {
    // One scanner call for the parts (tokenizePieces), each tokenized within itself.
    r = tokenizePieces(pieces, 'text', tokenize);
  } catch {
    return { header: { key: h.key, raw: Buffer.from(`${h.key} gitgate <withheld> 0 +0000`, 'latin1') }, secrets: [], withheld: true };
  }
  if (r === null) return { header: h, secrets: [], withheld: false };
  const [n, e, d = date] = r.pieces as [Buffer, Buffer, Buffer?];
  const raw = Buffer.concat([prefix, n, v.subarray(nameEnd, lt + 1), e, v.subarray(gt, dateStart), d]);
  return { header: { key: h.key, raw }, secrets: r.secrets, withheld: false };
}

/** A tag's name: only the value, in the ref-safe form. */
function rewriteValue(h: ObjectHeader, tokenize: PlaceTokenizer): HeaderOutcome {
  const v = headerValue(h);
  let r;
  try {
    r = tokenize(unfoldHeaderValue(v), 'ref');
  } catch {
    return { header: { key: h.key, raw: Buffer.from(`${h.key} gitgate-withheld`, 'latin1') }, secrets: [], withheld: true };
  }
  if (r.secrets.length === 0) return { header: h, secrets: [], withheld: false };
  const raw = Buffer.concat([h.raw.subarray(0, h.raw.length - v.length), foldHeaderValue(r.content)]);
  return { header: { key: h.key, raw }, secrets: r.secrets, withheld: false };
}

/** Key and value as one text; a token in the key keeps it one word (a token has no space or newline). */
function rewriteWhole(h: ObjectHeader, tokenize: PlaceTokenizer): HeaderOutcome {
  let r;
  try {
    r = tokenize(unfoldHeaderValue(h.raw), 'text');
  } catch {
    return { header: null, secrets: [], withheld: true };
  }
  if (r.secrets.length === 0) return { header: h, secrets: [], withheld: false };
  const raw = foldHeaderValue(r.content);
  let keyEnd = 0;
  while (keyEnd < raw.length && raw[keyEnd] !== SPACE && raw[keyEnd] !== NL) keyEnd++;
  return { header: { key: raw.toString('latin1', 0, keyEnd), raw }, secrets: r.secrets, withheld: false };
}
