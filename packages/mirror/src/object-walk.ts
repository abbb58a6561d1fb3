/** The one walk over "objects reachable from these tips and not from those": `rev-list --objects`, into a compact table. */
import { git } from '@gitgate/git';
import { ObjectTable } from './object-table.js';

/**
 * Every object reachable from `tips` and not from `exclude`, each once, in rev-list order, in `gitDir`
 * (`env` may point git at a quarantine's object directory). No timeout: the walk grows with the history.
 * Throws GitError when an object is missing.
 */
export async function walkNewObjects(gitDir: string, tips: readonly string[], exclude: Iterable<string>, env?: Readonly<Record<string, string>>): Promise<ObjectTable> {
  const table = new ObjectTable();
  if (tips.length === 0) return table;
  const input = [...new Set(tips)].join('\n') + '\n' + [...new Set(exclude)].map((id) => `^${id}`).join('\n') + '\n';
  await git('rev-list', '--objects', '--no-object-names', '--stdin').forEachLine({ gitDir, env, input, timeoutMs: 0 }, (id) => {
    table.add(id);
  });
  return table;
}
