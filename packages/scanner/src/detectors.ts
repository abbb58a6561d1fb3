/**
 * Built-in detectors that are code rather than one regex: Kubernetes Secret values, binary key
 * containers, and (path hint only) key files by name. Listed here so docs, `gitgate scan` and the
 * rule count see them next to the regex rules.
 */
import type { Confidence } from './rule.js';

/** The public face of a built-in detector. */
export interface DetectorInfo {
  id: string;
  type: string;
  description: string;
  confidence: Confidence;
  /** True when the detector only runs with a path hint (never in the rewrite). */
  pathHintOnly?: boolean;
}

/** Every value under `data` / `stringData` of a Kubernetes Secret that decodes to a secret. */
export const kubernetesSecretDetector: DetectorInfo = {
  id: 'kubernetes-secret',
  type: 'kubernetes-secret',
  description: 'Kubernetes Secret data/stringData value (base64 decoded, then judged)',
  confidence: 'high',
};

/** A PKCS#12 / PFX file: the whole content. */
export const pkcs12Detector: DetectorInfo = {
  id: 'private-key-pkcs12',
  type: 'private-key',
  description: 'PKCS#12 / PFX key store (whole content, recognised by its DER structure)',
  confidence: 'high',
};

/** A Java KeyStore or JCEKS holding a private or secret key entry: the whole content. */
export const jksDetector: DetectorInfo = {
  id: 'private-key-jks',
  type: 'private-key',
  description: 'Java KeyStore / JCEKS with a key entry (whole content; truststores are public)',
  confidence: 'high',
};

/** A bare DER private key (PKCS#8, encrypted PKCS#8, PKCS#1, DSA, SEC1): the whole content. */
export const derKeyDetector: DetectorInfo = {
  id: 'private-key-der',
  type: 'private-key',
  description: 'DER-encoded private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, DSA, SEC1 EC)',
  confidence: 'high',
};

/** With a path hint only: a file named like a key (`id_rsa`, `*.p12`, `*.jks`, `*.ppk`, `*.key`). */
export const keyFileByPathDetector: DetectorInfo = {
  id: 'key-file-by-path',
  type: 'private-key',
  description: 'File named like a private key (id_rsa, *.p12, *.jks, *.ppk, *.key): whole content; gitgate scan only',
  confidence: 'medium',
  pathHintOnly: true,
};

/** All built-in detectors. */
export const builtinDetectors: readonly DetectorInfo[] = Object.freeze([
  kubernetesSecretDetector,
  pkcs12Detector,
  jksDetector,
  derKeyDetector,
  keyFileByPathDetector,
]);
