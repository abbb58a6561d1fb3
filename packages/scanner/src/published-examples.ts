/**
 * Values published as examples or as public-by-design keys in widely vendored code and docs: a
 * repository holding one hands nothing to a reader who has not already got it from the public
 * source. Kept as SHA-256 digests (hex) so this repository holds no secret-shaped literal; a
 * candidate is hashed only when its length is one of the listed values' lengths.
 *
 * - Google API keys in firebase/firebase-android-sdk's test fixtures (Firebase API keys identify a
 *   project and are not secret by design); gitleaks's gcp-api-key rule allowlists the same keys.
 * - The example passwords of NuGet's nuget.config documentation (`ClearTextPassword`).
 * - The Algolia search-only key bundled in yarnpkg/berry's CLI (yarnpkg/berry issue 6201).
 */
import { createHash } from 'node:crypto';

/** Digests of the published values (see the module comment for their sources). */
export const PUBLISHED_EXAMPLE_DIGESTS: ReadonlySet<string> = new Set([
  // firebase-android-sdk test fixtures (39-char Google API keys)
  '2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4',
  '3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682',
  'e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9',
  'a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6',
  '0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c',
  'eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1',
  '37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619',
  '8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1',
  '49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0',
  '27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045',
  'dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614',
  '4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583',
  'ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d',
  '3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665',
  'a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41',
  // NuGet docs, nuget.config ClearTextPassword examples (14 and 11 chars)
  'a0702bc91d699f600970f4dc4992b13ede1a29d49fa0942dd4bed2b5e4b1016e',
  'dba72c00f41f4e4c435e2491a5e1ce0140c7b5a6a498dc4847396b5e6368970c',
  // yarnpkg/berry's Algolia search-only key (32 hex)
  '2f21fd9c81678e396751af8b2472e2bd209ff5ce38da144052fb6c024485982f',
]);

/** The lengths of the listed values: a candidate of another length is not hashed. */
export const PUBLISHED_EXAMPLE_LENGTHS: ReadonlySet<number> = new Set([39, 14, 11, 32]);

/** SHA-256 hex digest of a value (UTF-8). */
export function exampleDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `secret` is one of the published values `digests` lists (default: the built-in list). */
export function isPublishedExample(
  secret: string,
  digests: ReadonlySet<string> = PUBLISHED_EXAMPLE_DIGESTS,
  lengths: ReadonlySet<number> = PUBLISHED_EXAMPLE_LENGTHS,
): boolean {
  return lengths.has(secret.length) && digests.has(exampleDigest(secret));
}
