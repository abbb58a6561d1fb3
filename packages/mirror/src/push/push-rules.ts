/**
 * Which ref updates of a push a repository accepts (issue 13, docs/architecture.md invariant 9): only
 * branches and tags matching its configured globs (ref-glob.ts), creations and fast-forwards by
 * default; force pushes, moved tags and deletions only where the settings allow them. Pure: no I/O.
 */
import { compileRefGlob } from './ref-glob.js';

/** A repository's push settings as configured (cli validates them). */
export interface PushSettings {
  /** Branch-name globs under refs/heads/ ('agent/*', 'agent/**'); a leading '+' also allows a force push (non-fast-forward) to matching branches. */
  branches: readonly string[];
  /** Tag-name globs under refs/tags/ that may be created (default none). A leading '+' allows moving an existing tag. */
  tags?: readonly string[];
  /** Whether matching refs may be deleted (default false). */
  deletes?: boolean;
  /** Whether a push is held until approvers allow it (held-push.ts) instead of going upstream at once (default false). */
  requireApproval?: boolean;
}

/** One ref update of a push: ids as the agent sent them (sanitized), 40 or 64 hex digits, zeros for none. */
export interface RefUpdateQuery { ref: string; oldId: string; newId: string; /** undefined when not yet known */ fastForward?: boolean }

/** Whether an update may proceed; `reason` is the sentence for report-status (`ng <ref> <reason>`). */
export type RefDecision = { ok: true } | { ok: false; reason: string };

interface CompiledGlob {
  re: RegExp;
  /** A leading '+': force pushes (branches) or moving (tags) allowed. */
  force: boolean;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO_ID = /^0+$/;
const OK: RefDecision = Object.freeze({ ok: true });

function compileAll(globs: readonly string[] | undefined, what: string): CompiledGlob[] {
  if (globs === undefined) return [];
  if (!Array.isArray(globs)) throw new TypeError(`${what} must be an array of globs`);
  return globs.map((g: unknown, i) => {
    if (typeof g !== 'string') throw new TypeError(`${what}[${i}] must be a string`);
    const force = g.startsWith('+');
    try {
      return { re: compileRefGlob(force ? g.slice(1) : g), force };
    } catch (e) {
      throw new TypeError(`${what}[${i}]: ${(e as Error).message}`);
    }
  });
}

/** What git-check-ref-format refuses (the protocol parser refuses these first). */
function isValidRefName(ref: string): boolean {
  if (ref === '' || ref === '@' || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.includes('//')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref) || ref.includes('..') || ref.includes('@{')) return false;
  return ref.split('/').every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'));
}

const deny = (reason: string): RefDecision => ({ ok: false, reason });

/** A repository's push rules, compiled once from its settings. */
export class PushRules {
  readonly #branches: CompiledGlob[];
  readonly #tags: CompiledGlob[];
  readonly #deletes: boolean;
  /** The branch globs as configured (without '+'), for the refusal sentence. */
  readonly #branchList: string;

  /** Compiles `settings`. Throws TypeError on a malformed setting or a glob refGlobProblem refuses. */
  constructor(settings: PushSettings) {
    if (typeof settings !== 'object' || settings === null) throw new TypeError('push settings must be an object');
    if (!Array.isArray(settings.branches)) throw new TypeError('branches must be an array of globs');
    this.#branches = compileAll(settings.branches, 'branches');
    this.#tags = compileAll(settings.tags, 'tags');
    if (settings.deletes !== undefined && typeof settings.deletes !== 'boolean') throw new TypeError('deletes must be a boolean');
    this.#deletes = settings.deletes === true;
    if (settings.requireApproval !== undefined && typeof settings.requireApproval !== 'boolean') throw new TypeError('requireApproval must be a boolean');
    this.#branchList = settings.branches.map((g) => g.replace(/^\+/, '')).join(', ');
  }

  /**
   * Whether this update may proceed. Only refs/heads/* and refs/tags/* can ever be allowed. A zero
   * `oldId` is a creation, a zero `newId` a deletion; `fastForward: false` on an existing branch is a
   * force push. With `fastForward` undefined everything else is decided: ask again once it is known.
   */
  decide(q: RefUpdateQuery): RefDecision {
    const { ref, oldId, newId } = q;
    if (typeof ref !== 'string' || !isValidRefName(ref)) return deny('is not a valid ref name');
    if (!OBJECT_ID.test(oldId) || !OBJECT_ID.test(newId)) return deny('the update does not name valid object ids');
    const creates = ZERO_ID.test(oldId);
    const deletes = ZERO_ID.test(newId);
    if (creates && deletes) return deny('the update neither creates, moves nor deletes the ref');
    if (ref.startsWith('refs/heads/')) {
      const matching = this.#branches.filter((g) => g.re.test(ref.slice('refs/heads/'.length)));
      if (matching.length === 0) return deny(`${ref} is outside the branches this gateway accepts pushes to (${this.#branchList || 'none'})`);
      if (deletes) return this.#deletes ? OK : deny('deleting refs is not allowed here');
      if (!creates && q.fastForward === false && !matching.some((g) => g.force)) return deny('force push (non-fast-forward) is not allowed for this branch');
      return OK;
    }
    if (ref.startsWith('refs/tags/')) {
      if (this.#tags.length === 0) return deny('pushing tags is not allowed here');
      const matching = this.#tags.filter((g) => g.re.test(ref.slice('refs/tags/'.length)));
      if (matching.length === 0) return deny(`${ref} is outside the tags this gateway accepts pushes to`);
      if (deletes) return this.#deletes ? OK : deny('deleting refs is not allowed here');
      if (!creates && !matching.some((g) => g.force)) return deny('moving an existing tag is not allowed here');
      return OK;
    }
    return deny('only branches (refs/heads/) and tags (refs/tags/) can be pushed here');
  }
}
