/** Raw smart-HTTP upload-pack requests for tests that look at the gateway's exact answer. */
import { encodePkt } from '@gitgate/protocol';

/** What the gateway answers (503) while the audit cannot be written. */
export const AUDIT_SENTENCE = 'gitgate: the audit log cannot be written right now, so nothing is served until it can; try again later\n';

/** One POST to git-upload-pack, the whole answer read. */
export async function postUploadPack(url: string, body: Buffer, v2: boolean): Promise<{ status: number; body: Buffer }> {
  const r = await fetch(`${url}/git-upload-pack`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-git-upload-pack-request', ...(v2 ? { 'Git-Protocol': 'version=2' } : {}) },
    body,
  });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
}

/** A v0 request for `want` with exactly these capabilities (and these haves), ending negotiation. */
export function v0Request(want: string, capabilities: string[], haves: string[] = []): Buffer {
  return Buffer.concat([encodePkt(`want ${want} ${capabilities.join(' ')}\n`), Buffer.from('0000'), ...haves.map((h) => encodePkt(`have ${h}\n`)), encodePkt('done\n')]);
}

/** A v2 fetch of `want` ending negotiation. */
export function v2Fetch(want: string): Buffer {
  return Buffer.concat([encodePkt('command=fetch\n'), Buffer.from('0001'), encodePkt('ofs-delta\n'), encodePkt(`want ${want}\n`), encodePkt('done\n'), Buffer.from('0000')]);
}

/** A v2 fetch of `want` with `haves` and no `done`: a negotiation round, which git ends with a pack only when ready. */
export function v2Round(want: string, haves: string[]): Buffer {
  return Buffer.concat([
    encodePkt('command=fetch\n'), Buffer.from('0001'), encodePkt('ofs-delta\n'), encodePkt(`want ${want}\n`),
    ...haves.map((h) => encodePkt(`have ${h}\n`)), Buffer.from('0000'),
  ]);
}
