/**
 * Keyword prefilter: decides which rules are worth running on a piece of content. A rule's
 * regex runs only if one of its keywords occurs in the ASCII-lower-cased content. This
 * implementation is one `includes` per distinct keyword; it is the seam where a single-pass
 * Aho-Corasick automaton goes when the rule set grows past a few dozen rules.
 */

/**
 * Decodes bytes as latin1 with A–Z folded to a–z and every other byte untouched, so char
 * offsets stay byte offsets and non-ASCII bytes can never fold into an ASCII keyword.
 */
export function asciiLowerCase(content: Buffer): string {
  const folded = Buffer.from(content);
  for (let i = 0; i < folded.length; i++) {
    const b = folded[i]!;
    if (b >= 0x41 && b <= 0x5a) folded[i] = b | 0x20;
  }
  return folded.toString('latin1');
}

/** A compiled prefilter: given lower-cased content, the indices of the rules that may match. */
export interface KeywordPrefilter {
  candidates(lowerContent: string): number[];
}

/** Builds a prefilter over each rule's keyword list (index i of the result refers to `keywordLists[i]`). */
export function createKeywordPrefilter(keywordLists: readonly (readonly string[])[]): KeywordPrefilter {
  // Distinct keywords are searched once per scan even when several rules share them.
  const distinct = [...new Set(keywordLists.flat())];
  return {
    candidates(lowerContent: string): number[] {
      const present = new Set<string>();
      for (const k of distinct) if (lowerContent.includes(k)) present.add(k);
      const out: number[] = [];
      keywordLists.forEach((list, i) => {
        if (list.some((k) => present.has(k))) out.push(i);
      });
      return out;
    },
  };
}
