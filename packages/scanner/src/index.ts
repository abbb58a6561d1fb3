/** @gitgate/scanner: secret detection, bytes in, findings (byte spans) out. */
export { ScannerError, codes } from './errors.js';
export type { ScannerErrorCode } from './errors.js';
export type { AllowlistEntry, Confidence, DecodedCheck, Finding, Rule, ScanHint } from './rule.js';
export { createScanner, DEFAULT_MAX_BYTES, DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_OVERLAP, DEFAULT_MAX_DECODE_DEPTH } from './scanner.js';
export type { Scanner, ScannerOptions } from './scanner.js';
export { defaultRules, ruleFamilies } from './default-rules.js';
export { builtinDetectors } from './detectors.js';
export type { DetectorInfo } from './detectors.js';
export { compileCustomRules, compileAllowlistConfig, compileScannerConfig } from './custom-rules.js';
export { globToRegExp, isKeyFile, isLockfile } from './path-rules.js';
export { keyContainerKind } from './key-container.js';
export type { KeyContainerKind } from './key-container.js';
export { createKeywordAutomaton } from './keyword-automaton.js';
export type { KeywordAutomaton, KeywordHits } from './keyword-automaton.js';
export { TOKEN_PATTERN } from './token-pattern.js';
export { shannonEntropy } from './entropy.js';
export { SCANNER_ENGINE_VERSION } from './ruleset-version.js';
