/**
 * git push over smart HTTP (gitprotocol-http, gitprotocol-pack "Pushing Data To a Server"): the
 * receive-pack ref advertisement and the POST that carries the commands and the pack. The gateway parses
 * the request itself, hands the push to the mirror (which translates, proves and pushes upstream), and
 * answers with report-status, on side-band 1 when the client asked for side-band-64k, with progress on
 * band 2. Nothing upstream (its ids, its URL) is ever said to the agent: an upstream commit id is a hash
 * over restored values, which would let the agent test guesses of a short secret offline.
 */
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { FLUSH_PKT, parseReceivePackRequest, receivePackAdvertisement, reportStatus, sidebandPkts } from '@gitgate/protocol';
import { PushRules, type PushOutcome, type PushSettings, type RepoMirror } from '@gitgate/mirror';
import type { AuditSink } from './audit-sink.js';
import { ServerError, codes } from './errors.js';
import type { PushApprovalApi } from './push-approval-api.js';
import { recordPushRefs, recordPushStart } from './push-audit.js';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';
import type { Identity } from './identity.js';

const ADVERTISEMENT = 'application/x-git-receive-pack-advertisement';
const RESULT = 'application/x-git-receive-pack-result';

/** What the push routes share with the other git routes. */
export interface PushRouteContext {
  agent: string;
  log: Logger;
  audit: AuditSink;
  metrics?: GatewayMetrics;
  /** Told how many ref updates of a push were refused (PushThrottle). */
  onRefused?: (count: number) => void;
  /** Where held pushes wait for approval (repositories with push.requireApproval). */
  approvals?: PushApprovalApi;
}

/** The part of a git session a push fills in (git-routes.ts records it as the session row). */
export interface PushSession {
  id: string;
  identity: Identity;
  clientAddress: string;
  userAgent: string;
  bytesSent: number;
  refsAdvertised?: number;
}

/** Capabilities offered to a pushing client: no push options, no push certificates, no report-status-v2. */
function capabilities(settings: PushSettings, agent: string): string[] {
  return ['report-status', 'side-band-64k', 'quiet', 'atomic', 'ofs-delta', ...(settings.deletes ? ['delete-refs'] : []), 'object-format=sha1', `agent=${agent}`];
}

/** info/refs?service=git-receive-pack: the served branches and tags (no HEAD, nothing peeled), with the push capabilities. */
export async function advertiseReceivePack(ctx: PushRouteContext, mirror: RepoMirror, settings: PushSettings, session: PushSession, res: ServerResponse): Promise<void> {
  const listing = await mirror.sanitized.snapshot();
  const refs = listing.refs.filter((r) => r.name.startsWith('refs/heads/') || r.name.startsWith('refs/tags/')).map((r) => ({ name: r.name, id: r.id }));
  session.refsAdvertised = refs.length;
  const body = receivePackAdvertisement(refs, capabilities(settings, ctx.agent));
  (res as Response).status(200).set({ 'Content-Type': ADVERTISEMENT, 'Cache-Control': 'no-cache, max-age=0, must-revalidate', Pragma: 'no-cache' });
  session.bytesSent = body.length;
  res.end(body);
}

/**
 * A git-receive-pack POST: parsed (a malformed request throws ProtocolError before any byte is written),
 * run through the mirror, recorded (one `push` row per ref, durable before the answer), answered.
 */
export async function receivePack(ctx: PushRouteContext, mirror: RepoMirror, settings: PushSettings, session: PushSession, body: Buffer, res: ServerResponse): Promise<void> {
  const request = parseReceivePackRequest(body);
  if (settings.requireApproval && !ctx.approvals) throw new ServerError(codes.notConfigured, 'this repository holds pushes for approval, but approvals are not configured on this gateway (auth mode oidc)');
  (res as Response).status(200).set({ 'Content-Type': RESULT, 'Cache-Control': 'no-cache' });
  if (request.commands.length === 0) {
    res.end();
    return;
  }
  const sideband = request.capabilities.includes('side-band-64k');
  const quiet = request.capabilities.includes('quiet');
  const send = (band: 1 | 2, bytes: Buffer): void => {
    const out = sideband ? sidebandPkts(band, bytes) : bytes;
    session.bytesSent += out.length;
    res.write(out);
  };
  const progress = (line: string): void => {
    if (sideband && !quiet) send(2, Buffer.from(line, 'utf8'));
  };
  const rules = new PushRules(settings);
  const base = { id: session.id, clientAddress: session.clientAddress, userAgent: session.userAgent };
  let outcome: PushOutcome;
  try {
    outcome = await mirror.receive({
      commands: request.commands, pack: request.pack, atomic: request.capabilities.includes('atomic'), rules: (q) => rules.decide(q), onProgress: progress,
      ...(settings.requireApproval ? { hold: { pusher: session.identity.subject } } : {}),
      // Who pushed what is on record before upstream has it.
      beforeUpstream: (planned) => recordPushStart(ctx, mirror.name, session.identity.subject, base, planned),
    });
    if (outcome.held !== undefined) await openPushRequest(ctx, mirror, session, outcome);
  } catch (e) {
    ctx.log.error('push failed', { repo: mirror.name, session: session.id, code: (e as { code?: string }).code, error: (e as Error).message?.slice(0, 300) });
    const reason = 'the gateway could not complete the push (upstream unavailable or an internal error); nothing was changed upstream unless a later fetch shows it';
    outcome = { refs: request.commands.map((c) => ({ ...c, ok: false, reason })), tokensRestored: [], commits: 0, error: true } as PushOutcome & { error: true };
  }
  // Refusals the push earned count against its identity; a failure of the gateway or upstream, or a held push, does not.
  if (!(outcome as { error?: true }).error) ctx.onRefused?.(outcome.refs.filter((r) => !r.ok && r.held === undefined).length);
  await recordPushRefs(ctx, mirror.name, session.identity.subject, { ...base, ...(outcome.held ? { pushRequestId: outcome.held } : {}) }, outcome);
  const status = reportStatus(outcome.refs.map((r) => ({ ref: r.ref, ok: r.ok, ...(r.ok ? {} : { reason: oneLine(r.reason ?? 'refused') }) })), outcome.unpackError);
  send(1, status);
  if (sideband) res.write(FLUSH_PKT);
  res.end();
}

/**
 * Opens the push request of a held push before the agent hears of it; when it cannot be opened the held
 * push is discarded and the error goes to the caller (every ref answered as failed).
 */
async function openPushRequest(ctx: PushRouteContext, mirror: RepoMirror, session: PushSession, outcome: PushOutcome): Promise<void> {
  const id = outcome.held!;
  const refs = outcome.refs.filter((r) => r.held === id).map((r) => ({ ref: r.ref, oldId: r.oldId, newId: r.newId }));
  try {
    await ctx.approvals!.hold(session.identity, { id, repo: mirror.name, refs, commits: outcome.commits, tokensRestored: outcome.tokensRestored });
  } catch (e) {
    await mirror.discardHeld(id);
    throw e;
  }
  ctx.log.info('push held for approval', { repo: mirror.name, session: session.id, requestId: id, refs: refs.length });
}

/** A reason on one report-status line (no newline; git shows it in parentheses). */
function oneLine(reason: string): string {
  return reason.replace(/[\r\n]+/g, ' ').slice(0, 900);
}
