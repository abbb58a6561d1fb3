/** @gitgate/protocol: git wire protocol parsing and writing for upload-pack (pkt-line, side-band, v0/v1, v2) and receive-pack (push). */
export { ProtocolError, codes } from './errors.js';
export type { ProtocolErrorCode } from './errors.js';
export {
  MAX_PKT_DATA, DEFAULT_MAX_PKTS, FLUSH_PKT, DELIM_PKT, RESPONSE_END_PKT, encodePkt, parsePkts,
} from './pkt-line.js';
export type { Pkt, RawPkt, PktParseOptions, ParsePktsOptions } from './pkt-line.js';
export { PktReader } from './pkt-reader.js';
export { ZERO_ID, isObjectId } from './object-id.js';
export { MAX_SIDEBAND_PAYLOAD, sidebandPkts, progressMessage, errorPkt } from './side-band.js';
export { isFilterAllowed } from './filter-spec.js';
export { parseV2Request, serializeV2Request } from './v2-request.js';
export type { V2Request } from './v2-request.js';
export { parseLsRefsArgs, serializeLsRefsArgs } from './v2-ls-refs.js';
export type { LsRefsArgs } from './v2-ls-refs.js';
export { MAX_DEEPEN, parseFetchArgs, serializeFetchArgs } from './v2-fetch.js';
export type { FetchArgs } from './v2-fetch.js';
export { lsRefsResponse, v0AdvertisedRefs, listedIds } from './ref-listing.js';
export type { RefListing, ServedRef } from './ref-listing.js';
export { v2Advertisement } from './v2-advertisement.js';
export type { V2AdvertisementOptions } from './v2-advertisement.js';
export { parseV0Request, serializeV0Request } from './v0-request.js';
export type { V0Request } from './v0-request.js';
export { parseV0Advertisement, serializeV0Advertisement } from './v0-advertisement.js';
export type { V0Advertisement, SerializeV0AdvertisementOptions } from './v0-advertisement.js';
export { parseReceivePackRequest } from './receive-pack-request.js';
export type { ReceivePackRequest, RefUpdateCommand } from './receive-pack-request.js';
export { receivePackAdvertisement } from './receive-pack-advertisement.js';
export { reportStatus } from './report-status.js';
export type { RefStatus } from './report-status.js';
