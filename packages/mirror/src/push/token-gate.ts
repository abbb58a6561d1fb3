/**
 * Which tokens a push may turn back into secrets (invariant 9): only a token the vault holds, that is not
 * revoked, and that was found in this very repository; its value is read once per push and kept in memory
 * only while the push runs.
 */
import type { TokenInfo } from '@gitgate/vault';
import { MirrorError, codes } from '../errors.js';

/** The vault operations a push needs. */
export interface TokenSource {
  info(token: string): Promise<TokenInfo | undefined>;
  reveal(token: string): Promise<Buffer>;
}

export class TokenGate {
  readonly #repo: string;
  readonly #vault: TokenSource;
  readonly #secrets = new Map<string, Buffer>();

  constructor(repo: string, vault: TokenSource) {
    this.#repo = repo;
    this.#vault = vault;
  }

  /**
   * Resolves every token of `tokens`, found at `where` (a path or 'commit <id>'), or throws MirrorError
   * GITGATE_PUSH_REFUSED naming the first one that may not be restored here and why.
   */
  async admit(tokens: readonly string[], where: string): Promise<void> {
    for (const token of tokens) {
      if (this.#secrets.has(token)) continue;
      const info = await this.#vault.info(token);
      const refuse = (why: string): never => {
        throw new MirrorError(codes.pushRefused, `${where}: ${token} ${why}`, { data: { where, token } });
      };
      if (info === undefined) refuse('is not a token this gateway issued; push the file without it');
      if (info!.revokedAt !== null) refuse('was revoked; its value cannot be pushed any more');
      if (!info!.occurrences.some((o) => o.repo === this.#repo)) refuse('belongs to another repository; a token is restored only where it was found');
      this.#secrets.set(token, await this.#vault.reveal(token));
    }
  }

  /** The values admitted so far (canonical token → secret). */
  get secrets(): ReadonlyMap<string, Buffer> {
    return this.#secrets;
  }

  /** The tokens admitted so far, sorted (for the audit: tokens only, never a value). */
  restored(): string[] {
    return [...this.#secrets.keys()].sort();
  }

  /** Drops the values (the push is over). */
  clear(): void {
    for (const s of this.#secrets.values()) s.fill(0);
    this.#secrets.clear();
  }
}
