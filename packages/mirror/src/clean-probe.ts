/** Whether a blob is clean: the question a scan thread answers for the main thread (scan-pool.ts). */
import { replaceSecrets, type Finding, type Scanner, type ScanHint } from '@gitgate/scanner';

const EVERY_FINDING: ScanHint = Object.freeze({ kind: 'unknown' });

/**
 * True when `scanner` finds nothing in `content` at any layer `replaceSecrets` decodes (UTF-16, gzip,
 * zip, tar): the blob's default form is then the blob itself and no name selects otherwise. Content the
 * scanner cannot scan is not clean (the main thread settles it, and withholds it).
 */
export function isClean(scanner: Scanner, content: Buffer): boolean {
  let found = false;
  const note = (r: Finding[]): Finding[] => {
    if (r.length > 0) found = true;
    return r;
  };
  const probe: Scanner = {
    ...scanner,
    scan: (bytes, hint) => note(scanner.scan(bytes, hint)),
    select: (bytes, findings, hint) => note(scanner.select(bytes, findings, hint)),
  };
  try {
    replaceSecrets(probe, content, () => {
      found = true;
      return '';
    }, EVERY_FINDING);
  } catch {
    return false;
  }
  return !found;
}
