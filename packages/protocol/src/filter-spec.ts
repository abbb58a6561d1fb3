/**
 * Partial-clone filter specs a client may request (git rev-list --filter, gitprotocol-v2 "filter").
 * Only filters that select a subset of what a full clone gets are allowed; `sparse:oid=` (reads a blob
 * the client names) and `object:type=` are refused, as is anything newer this code does not know.
 */
import { ProtocolError, codes, quoteInput, truncateInput } from './errors.js';

/** Most sub-filters accepted in one `combine:` spec. */
const MAX_COMBINED = 16;

const SINGLE: RegExp[] = [
  /^blob:none$/,
  // git_parse_ulong: decimal with an optional k/m/g unit, any case.
  /^blob:limit=[0-9]{1,15}[kKmMgG]?$/,
  /^tree:[0-9]{1,10}$/,
];

function isSingleAllowed(spec: string): boolean {
  return SINGLE.some((re) => re.test(spec));
}

/** Decodes %XX escapes as git's url_decode does for combine: sub-filters; undefined when malformed. */
function percentDecode(text: string): string | undefined {
  if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** True when `spec` is an allowed filter spec. */
export function isFilterAllowed(spec: string): boolean {
  if (isSingleAllowed(spec)) return true;
  if (!spec.startsWith('combine:')) return false;
  const parts = spec.slice('combine:'.length).split('+');
  if (parts.length > MAX_COMBINED) return false;
  return parts.every((part) => {
    const decoded = percentDecode(part);
    // Nested combine: is refused: git's own client never sends it.
    return decoded !== undefined && isSingleAllowed(decoded);
  });
}

/**
 * Returns `spec` unchanged when it is blob:none, blob:limit=<n>[kmg], tree:<n>, or combine: of those
 * ('+'-joined, URL-encoded as git sends them); otherwise throws ProtocolError GITGATE_FILTER_NOT_ALLOWED.
 */
export function checkFilterSpec(spec: string): string {
  if (!isFilterAllowed(spec)) {
    throw new ProtocolError(codes.filterNotAllowed, `filter ${quoteInput(spec)} is not allowed`, {
      data: { filter: truncateInput(spec) },
    });
  }
  return spec;
}
