/**
 * The chain head as an external anchor (docs/audit.md, "Anchors"): the last row's seq, hash and time,
 * exported off the host so that a later chain without that row, or with another hash there, shows a
 * cut-off tail or a rewrite.
 */
import type { Database } from '@gitgate/db';
import type { ChainLink } from './hash-chain.js';
import { readHead } from './record-store.js';

/** The chain head to keep off the host (`gitgate audit anchor`): last row's seq, hash and time. */
export interface ChainHead {
  seq: number;
  hash: string;
  /** `at` of that row; null when no row remains (the head is then the purge anchor or genesis). */
  at: string | null;
}

/** The chain head of `db`: last row, else the purge anchor, else genesis (then `at` is null). */
export async function readChainHead(db: Database): Promise<ChainHead> {
  const head = await readHead(db);
  return { seq: head.seq, hash: head.hash, at: head.at ?? null };
}

/**
 * Parses anchors as `gitgate audit anchor` prints them: `<seq>:<hash>` optionally followed by
 * whitespace and the time, or a JSON object with `seq` and `hash`. Blank lines and lines starting
 * with '#' are skipped. Throws TypeError naming the 1-based line of the first malformed anchor.
 */
export function parseAnchors(text: string): ChainLink[] {
  const out: ChainLink[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let seq: unknown;
    let hash: unknown;
    if (line.startsWith('{')) {
      try {
        ({ seq, hash } = JSON.parse(line) as { seq?: unknown; hash?: unknown });
      } catch {
        // Reported below as malformed.
      }
    } else {
      const m = /^(\d{1,15}):([0-9a-f]{64})(\s.*)?$/.exec(line);
      if (m) {
        seq = Number(m[1]);
        hash = m[2];
      }
    }
    if (!Number.isSafeInteger(seq) || (seq as number) < 1 || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new TypeError(`anchor ${i + 1} is not <seq>:<64 hex hash> or {"seq":…,"hash":…}`);
    }
    out.push({ seq: seq as number, hash });
  });
  return out;
}
