/** Remembers the outcome of tokenizing short places within one rewrite. */
import type { PlaceTokenizer, Tokenized } from './place-tokenizer.js';

/** Longest place remembered, and how many bytes of places are kept before starting over. */
const MEMO_PLACE_BYTES = 4096;
const MEMO_TOTAL_BYTES = 4 << 20;

/**
 * Remembers the outcome for short places seen before within one rewrite: the same identities sign many
 * commits and a directory keeps its names across most versions of its tree, so most header and name
 * scans become one Map lookup. Only what one sync holds in memory anyway (never written anywhere).
 */
export function memoizedTokenizer(tokenize: PlaceTokenizer): PlaceTokenizer {
  const seen = new Map<string, Tokenized | null>();
  let bytes = 0;
  return (content, form) => {
    if (content.length > MEMO_PLACE_BYTES) return tokenize(content, form);
    const key = form + '\0' + content.toString('latin1');
    const known = seen.get(key);
    if (known === null) return { content, secrets: [] };
    if (known !== undefined) return known;
    const r = tokenize(content, form);
    if (bytes > MEMO_TOTAL_BYTES) {
      seen.clear();
      bytes = 0;
    }
    seen.set(key, r.secrets.length === 0 ? null : r);
    bytes += key.length;
    return r;
  };
}
