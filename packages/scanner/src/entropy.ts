/** Shannon entropy, the cheap "does this look random" signal that separates secrets from placeholders. */

/** Returns the Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  // Summed in a fixed order (by count), so anagrams score bit-identically against a threshold.
  for (const n of [...counts.values()].sort((a, b) => a - b)) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
