/** Binary key containers (PKCS#12, JKS/JCEKS, DER private keys): the whole content is key material. */
import type { Detector, DetectScope } from './detector.js';
import { derKeyDetector, jksDetector, pkcs12Detector } from './detectors.js';
import { keyContainerKind } from './key-container.js';
import type { Finding } from './rule.js';

function detect(scope: DetectScope, found: Finding[]): boolean {
  const container = keyContainerKind(scope.bytes);
  if (container === undefined) return false;
  // The whole content is key material; nothing inside it needs its own span.
  const d = container === 'pkcs12' ? pkcs12Detector : container === 'jks' ? jksDetector : derKeyDetector;
  if (!scope.allowlisted(d.id, '')) found.push({ ruleId: d.id, type: d.type, start: 0, end: scope.bytes.length, confidence: d.confidence });
  return true;
}

/** Runs first on all content; a container settles it. */
export const keyContainers: Detector = { infos: [pkcs12Detector, jksDetector, derKeyDetector], stage: 'content', keywords: [], detect };
