/** Errors of the protocol package: every malformed or refused wire message throws ProtocolError. */
import { defineError, codesOf, errorClass } from '@gitgate/errors';

/** The declared errors of this package: code, HTTP status and default message, once each. */
export const protocolErrors = {
  /** A pkt-line header is not 4 hex digits, is 0003, exceeds 65520, or the body ends mid-pkt. */
  pktMalformed: defineError('GITGATE_PKT_MALFORMED', 400, 'malformed pkt-line'),
  /** A data pkt is longer than the reader's `maxData` limit. */
  pktTooLong: defineError('GITGATE_PKT_TOO_LONG', 400, 'pkt-line too long'),
  /** A request holds more pkts than `maxPkts`. */
  requestTooLarge: defineError('GITGATE_REQUEST_TOO_LARGE', 413, 'request holds too many pkt-lines'),
  /** An object id is not exactly 40 lowercase hex digits. */
  badObjectId: defineError('GITGATE_BAD_OBJECT_ID', 400, 'not an object id'),
  /** A request is structurally wrong: missing command, bad line, bad number, conflicting options. */
  badRequest: defineError('GITGATE_BAD_REQUEST', 400, 'malformed request'),
  /** A v2 fetch or ls-refs argument this package does not know. */
  unknownArgument: defineError('GITGATE_UNKNOWN_ARGUMENT', 400, 'unknown argument'),
  /** A filter spec outside blob:none, blob:limit, tree:<n> and combine: of those. */
  filterNotAllowed: defineError('GITGATE_FILTER_NOT_ALLOWED', 400, 'filter not allowed'),
  /** A pushed ref name that git's check-ref-format refuses (git answers `ng <ref> funny refname`). */
  badRefName: defineError('GITGATE_BAD_REF_NAME', 400, 'invalid ref name'),
  /** A push feature the gateway never offers: signed pushes (push-cert), an object format other than sha1. */
  featureNotOffered: defineError('GITGATE_FEATURE_NOT_OFFERED', 400, 'feature not offered'),
  /** The bytes after a push's command list are not what the commands need: no pack, a bad pack header, or bytes after a delete-only list. */
  badPack: defineError('GITGATE_BAD_PACK', 400, 'missing or malformed pack'),
  /** A v0/v1 ref advertisement (git's output) that does not have the expected shape. */
  badAdvertisement: defineError('GITGATE_BAD_ADVERTISEMENT', 500, 'malformed ref advertisement'),
};

/** A malformed or refused git wire message. `code` is stable; `data` holds structured, truncated details. */
export class ProtocolError extends errorClass('ProtocolError', protocolErrors) {}

/** Stable error codes of this package, and one of them as a type. */
export const codes = codesOf(protocolErrors);
export type ProtocolErrorCode = (typeof codes)[keyof typeof codes];

/** Longest piece of client input echoed into a message or `data`. */
const MAX_QUOTED = 100;

/**
 * Shortens client input to 100 characters so an error never reflects a large (or secret-bearing)
 * request back into logs and responses.
 */
export function truncateInput(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

/** Quotes client input for an error message: truncated, and JSON-escaped so control bytes stay visible. */
export function quoteInput(text: string): string {
  return JSON.stringify(truncateInput(text));
}
