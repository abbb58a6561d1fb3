/** Shannon entropy, the cheap "does this look random" signal that separates secrets from placeholders. */

// Reused between calls (scans are synchronous, so calls never interleave).
const counts = new Int32Array(256);

/** Returns the Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let wide: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 256) counts[c]!++;
    else (wide ??= new Map()).set(c, (wide.get(c) ?? 0) + 1);
  }
  let bits = 0;
  // Summed in a fixed order (by char code), so anagrams score bit-identically against a threshold.
  for (let c = 0; c < 256; c++) {
    const k = counts[c]!;
    if (k === 0) continue;
    counts[c] = 0;
    const p = k / n;
    bits -= p * Math.log2(p);
  }
  if (wide !== undefined) {
    for (const c of [...wide.keys()].sort((a, b) => a - b)) {
      const p = wide.get(c)! / n;
      bits -= p * Math.log2(p);
    }
  }
  return bits;
}
