/**
 * The Kubernetes `kind: Secret` detector: every value under `data` (base64, decoded) and `stringData`
 * of a Secret manifest (kubernetes-secret.ts finds them) is judged; a secret one is a finding, and a
 * value judged not secret overrules what a rule saw of its encoded text.
 */
import type { Detector, DetectScope } from './detector.js';
import { kubernetesSecretDetector } from './detectors.js';
import { shannonEntropy } from './entropy.js';
import { keyContainerKind } from './key-container.js';
import { kubernetesSecretValues } from './kubernetes-secret.js';
import { onlyPublicPem } from './pem-text.js';
import type { Finding } from './rule.js';
import { placeholders } from './rules/placeholders.js';

/** Names under which a short Kubernetes Secret value is still a credential. */
const SECRET_KEY_NAME = /pass|pwd|secret|token|key|cred|auth|private|cert|signature|salt|seed/i;
/**
 * Keys of a Secret that name where and what a service is, not how to get in: the service-binding
 * entries (`type: postgresql`, `provider: bitnami`, `host`, `port`, `database`, `username`). Their
 * plain words are not secrets; a value that hides one (a URI with a password) is still caught by
 * the rescan.
 */
const DESCRIPTIVE_KEY = /^(?:type|provider|host|hostname|port|database|db|dbname|name|namespace|username|user|region|scheme|protocol|driver|engine|version|sslmode|ssl-mode|tls)$/i;
/** A plain word, host name or number: what a descriptive key holds. */
const PLAIN_WORD = /^[A-Za-z0-9][\w.:-]{0,252}$/;
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const KIND_MARK = Buffer.from('kind', 'latin1');

/** Judges one Secret value; returns whether it is a secret. */
function valueIsSecret(scope: DetectScope, key: string, value: Buffer): boolean {
  if (keyContainerKind(value) !== undefined) return true;
  if (scope.scanDecoded(value, scope.depth + 1).length > 0) return true;
  const text = value.toString('latin1');
  const trimmed = text.trim();
  // Checked after the rescan: a whole config file holding a password is not a placeholder.
  if (placeholders.some((p) => p.test(trimmed))) return false;
  if (DESCRIPTIVE_KEY.test(key) && PLAIN_WORD.test(trimmed)) return false;
  if (onlyPublicPem(text)) return false;
  if (trimmed.length >= 8 && shannonEntropy(trimmed) >= 2.5) return true;
  return SECRET_KEY_NAME.test(key) && trimmed.length >= 4;
}

function detect(scope: DetectScope, found: Finding[]): boolean {
  const { bytes, rs, re } = scope;
  const kind = bytes.indexOf(KIND_MARK, rs);
  if (kind < 0 || kind >= re) return false;
  const d = kubernetesSecretDetector;
  const t = scope.text();
  const notSecret: number[] = [];
  for (const v of kubernetesSecretValues(t)) {
    const raw = t.slice(v.start, v.end);
    let value: Buffer;
    if (v.encoded) {
      const compact = raw.replace(/\s+/g, '');
      if (!STRICT_BASE64.test(compact)) continue; // a template or a typo: not base64, nothing decoded
      value = Buffer.from(compact, 'base64');
    } else value = Buffer.from(raw, 'latin1');
    if (value.length === 0 || !valueIsSecret(scope, v.key, value)) {
      // The detector decoded the value and found no secret: a rule that saw only the
      // base64 text (the generic rule sees `password: Y2hhbmdlbWU=`) is overruled.
      notSecret.push(rs + v.start, rs + v.end);
      continue;
    }
    if (scope.allowlisted(d.id, raw)) continue;
    found.push({ ruleId: d.id, type: d.type, start: rs + v.start, end: rs + v.end, confidence: d.confidence, ...(v.encoded ? { via: 'base64' } : {}) });
  }
  for (let i = 0; i < notSecret.length; i += 2) {
    for (let j = found.length - 1; j >= 0; j--) {
      if (found[j]!.start >= notSecret[i]! && found[j]!.end <= notSecret[i + 1]!) found.splice(j, 1);
    }
  }
  return false;
}

/** Runs on a region where the keyword `secret` was seen and `kind` occurs. */
export const kubernetesSecret: Detector = { infos: [kubernetesSecretDetector], stage: 'region', keywords: ['secret'], detect };
