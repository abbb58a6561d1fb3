// Figures of scripts/bench-precision.mjs for one repository cloned through the gateway: blob-version
// bytes, findings from the vault (each located in its upstream object through the id map and the
// sanitized clone), their verdicts and kinds, and the share of objects rewritten.
import { alignTokens, classifyValue, fingerprint, judge, lineAround, maskedLine } from './precision-judge.mjs';
import { idMap, occurrences, reachableObjects, readObjects, resolvePaths } from './precision-git.mjs';

/** Objects read per cat-file batch (bounds memory on histories with thousands of findings). */
const CHUNK = 400;

/**
 * Locates each vault occurrence of `repo` in its upstream object and judges it. Returns one finding
 * per occurrence: `{ rule, path, commitId, token, line, masked, fingerprint, kind, verdict, reason }`;
 * `line` is 0 and `kind` 'unlocated' when the object could not be aligned with its sanitized form.
 */
export async function locateFindings({ dataDir, repo, upstreamGitDir, cloneGitDir, judgements }) {
  const occ = await occurrences(dataDir, repo);
  const map = await idMap(dataDir, repo);
  const names = [...new Set(occ.filter((o) => o.path !== '').map((o) => `${o.commitId}:${o.path}`))];
  const resolved = resolvePaths(upstreamGitDir, names);
  const objectOf = (o) => (o.path === '' ? o.commitId : resolved.get(`${o.commitId}:${o.path}`));
  const out = [];
  for (let i = 0; i < occ.length; i += CHUNK) {
    const part = occ.slice(i, i + CHUNK);
    const ids = [...new Set(part.map(objectOf).filter(Boolean))];
    const up = readObjects(upstreamGitDir, ids);
    const sanitizedIds = ids.map((id) => map.get(id)?.sanitized).filter(Boolean);
    const san = readObjects(cloneGitDir, sanitizedIds);
    const spans = new Map();
    for (const id of ids) {
      const s = san.get(map.get(id)?.sanitized);
      spans.set(id, up.has(id) && s ? alignTokens(up.get(id), s) : null);
    }
    for (const o of part) out.push(asFinding(o, objectOf(o), up, spans, judgements));
  }
  return out;
}

/** One occurrence as a finding: its line in the upstream object, masked, its kind and its verdict. */
function asFinding(o, objectId, up, spans, judgements) {
  const path = o.path === '' ? '(commit or tag)' : o.path;
  const span = spans.get(objectId)?.find((s) => s.token === o.token);
  const base = { rule: o.rule, path, commitId: o.commitId, token: o.token };
  if (!span) {
    const f = { ...base, line: 0, masked: '(not located: object not aligned)', fingerprint: '', kind: 'unlocated' };
    return withVerdict(f, judgements);
  }
  const around = lineAround(up.get(objectId), span.start, span.end);
  const f = {
    ...base,
    line: around.line,
    masked: maskedLine(around),
    fingerprint: fingerprint(around.value),
    kind: classifyValue({ path: o.path, ...around }) ?? 'literal',
  };
  return withVerdict(f, judgements);
}

/** Code kinds: a finding whose value is one of these is false without a judgement (code is never a secret). */
const CODE_KINDS = new Set(['identifier', 'member', 'call', 'reference']);

function withVerdict(f, judgements) {
  const j = judge(f, judgements);
  if (j) return { ...f, verdict: j.verdict, reason: j.reason };
  if (CODE_KINDS.has(f.kind)) return { ...f, verdict: 'false', reason: `the value is code or a reference (${f.kind}), never a secret` };
  return { ...f, verdict: 'unjudged', reason: '' };
}

/**
 * MB of blob versions and object counts of everything reachable from heads and tags upstream, and
 * how many commits and tags carry a signature (the rewrite drops it, so those are rewritten anyway).
 */
export function upstreamSize(upstreamGitDir) {
  const { objects } = reachableObjects(upstreamGitDir);
  const blobs = objects.filter((o) => o.type === 'blob');
  const bytes = blobs.reduce((n, o) => n + o.size, 0);
  let signed = 0;
  const headered = objects.filter((o) => o.type === 'commit' || o.type === 'tag').map((o) => o.id);
  for (let i = 0; i < headered.length; i += 4 * CHUNK) {
    for (const raw of readObjects(upstreamGitDir, headered.slice(i, i + 4 * CHUNK)).values()) {
      if (/\ngpgsig(?:-sha256)? |-----BEGIN (?:PGP|SSH) SIGNATURE-----/.test(raw.toString('latin1'))) signed++;
    }
  }
  return { objects: objects.length, blobs: blobs.length, bytes, mb: bytes / 1e6, signed };
}

/** Objects whose sanitized id differs from the upstream id, by type, from the gateway's id map. */
export async function rewrittenObjects(dataDir, repo) {
  const map = await idMap(dataDir, repo);
  const byType = {};
  let n = 0;
  for (const [up, { sanitized, type }] of map) {
    if (up === sanitized) continue;
    n++;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return { rewritten: n, byType };
}

/** The figures of one repository from its findings, size and rewrite counts. */
export function summarize({ name, size, rewrite, findings }) {
  const byRule = {};
  const falseByRule = {};
  const kinds = { identifier: 0, member: 0, call: 0, reference: 0, literal: 0, unlocated: 0 };
  let judgedFalse = 0;
  let judgedTrue = 0;
  let unjudged = 0;
  for (const f of findings) {
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    kinds[f.kind]++;
    if (f.verdict === 'true') judgedTrue++;
    else {
      falseByRule[f.rule] = (falseByRule[f.rule] ?? 0) + 1;
      if (f.verdict === 'false') judgedFalse++;
      else unjudged++;
    }
  }
  const falseN = judgedFalse + unjudged;
  return {
    name, mb: size.mb, objects: size.objects, blobs: size.blobs,
    findings: findings.length, tokens: new Set(findings.map((f) => f.token)).size,
    sites: new Set(findings.map((f) => `${f.rule}\0${f.path}\0${f.masked}`)).size,
    byRule, falseByRule, judgedTrue, judgedFalse, unjudged, falseFindings: falseN,
    falsePerMb: size.mb > 0 ? falseN / size.mb : 0,
    inCode: kinds.identifier + kinds.member + kinds.call + kinds.reference, kinds,
    signed: size.signed, rewritten: rewrite.rewritten, rewrittenShare: size.objects > 0 ? rewrite.rewritten / size.objects : 0, rewrittenByType: rewrite.byType,
  };
}

/** Totals over the set and the two targets, each met or missed. */
export function totals(rows) {
  const mb = rows.reduce((n, r) => n + r.mb, 0);
  const falseFindings = rows.reduce((n, r) => n + r.falseFindings, 0);
  const inCode = rows.reduce((n, r) => n + r.inCode, 0);
  const objects = rows.reduce((n, r) => n + r.objects, 0);
  const rewritten = rows.reduce((n, r) => n + r.rewritten, 0);
  const falsePerMb = mb > 0 ? falseFindings / mb : 0;
  return {
    mb, findings: rows.reduce((n, r) => n + r.findings, 0), falseFindings, falsePerMb, inCode,
    rewrittenShare: objects > 0 ? rewritten / objects : 0,
    targets: {
      falsePerMb: { target: '≤ 0.05 false findings per MB', met: falsePerMb <= 0.05 },
      inCode: { target: '0 findings in identifiers, member expressions, calls or references', met: inCode === 0 },
    },
  };
}
