/**
 * A `git fast-import` stream of a history past a small sync's size: `commits` commits on refs/heads/main,
 * each changing `files` small files (`src/m<f>/file<c mod 5>.txt`), plus the files `extra(c)` gives commit
 * `c` (path → content). Commit `c` is mark `:<c + 1>`.
 */
export function manyFilesHistory(commits: number, files: number, extra: (commit: number) => Record<string, string> = () => ({})): string {
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const chunks: string[] = [];
  for (let c = 0; c < commits; c++) {
    chunks.push(`commit refs/heads/main\nmark :${c + 1}\ncommitter Bob Tester <bob@example.test> ${1_700_000_000 + c * 60} +0000\n${data(`commit ${c}\n`)}`);
    if (c > 0) chunks.push(`from :${c}\n`);
    for (let f = 0; f < files; f++) chunks.push(`M 100644 inline src/m${f}/file${c % 5}.txt\n${data(`module ${f} version ${c}\n`)}`);
    for (const [path, content] of Object.entries(extra(c))) chunks.push(`M 100644 inline ${path}\n${data(content)}`);
  }
  return chunks.join('');
}
