/** @gitgate/scanner: secret detection, bytes in, findings (byte spans) out. */
export { ScannerError, codes } from './errors.js';
export type { ScannerErrorCode } from './errors.js';
export type { Confidence, Finding, Rule } from './rule.js';
export { createScanner, DEFAULT_MAX_BYTES } from './scanner.js';
export type { Scanner, ScannerOptions } from './scanner.js';
export { defaultRules } from './default-rules.js';
export { TOKEN_PATTERN } from './token-pattern.js';
export { shannonEntropy } from './entropy.js';
export { SCANNER_ENGINE_VERSION } from './ruleset-version.js';
