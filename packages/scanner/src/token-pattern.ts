/** The shape of the gateway's own tokens, so the scanner never re-flags what it already replaced. */

/**
 * Matches a gateway token such as `[[TOKEN_github-pat_Q3K…]]` (type slug, then 16–64 base32 chars).
 * Global: reset `lastIndex` (or copy it with `new RegExp(TOKEN_PATTERN)`) before reusing it.
 */
export const TOKEN_PATTERN: RegExp = /\[\[TOKEN_[a-z0-9-]+_[A-Z2-7]{16,64}\]\]/g;
