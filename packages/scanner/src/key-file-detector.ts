/** With a path hint only: a file named like a private key is one, unless it is public, a placeholder or sanitized. */
import type { Detector, DetectScope } from './detector.js';
import { keyFileByPathDetector } from './detectors.js';
import { isKeyFile } from './path-rules.js';
import { looksPublic } from './pem-text.js';
import type { Finding } from './rule.js';
import { placeholders } from './rules/placeholders.js';
import { tokenSpans } from './token-spans.js';

function detect(scope: DetectScope, found: Finding[]): boolean {
  const { bytes, path } = scope;
  if (path === undefined || !isKeyFile(path) || bytes.length < 32) return false;
  const text = bytes.toString('latin1');
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b; // a Keynote document, not a key
  // A short file of placeholder text (`<paste your key here>`) is documentation, not a key.
  const placeholder = bytes.length < 200 && placeholders.some((p) => p.test(text.trim()));
  // A key file whose secret part the gateway already replaced (a .ppk keeps its public lines) is sanitized.
  const sanitized = tokenSpans(text).length > 0;
  if (!zip && !placeholder && !sanitized && !looksPublic(text.trim())) {
    const d = keyFileByPathDetector;
    if (!scope.allowlisted(d.id, '', path)) found.push({ ruleId: d.id, type: d.type, start: 0, end: bytes.length, confidence: d.confidence });
  }
  return false;
}

/** `gitgate scan` only: the rewrite never passes a path. */
export const keyFileByPath: Detector = { infos: [keyFileByPathDetector], stage: 'path', keywords: [], detect };
