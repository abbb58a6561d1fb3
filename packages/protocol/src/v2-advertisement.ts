/**
 * The protocol v2 capability advertisement served at GET info/refs?service=git-upload-pack
 * (gitprotocol-v2 "Capability Advertisement", gitprotocol-http "Smart Clients").
 */
import { FLUSH_PKT, encodePkt } from './pkt-line.js';

/** What the gateway offers in v2. Commands it leaves out (object-info, bundle-uri) are never offered. */
export interface V2AdvertisementOptions {
  /** The `agent=` value, e.g. `gitgate/0.1.0`. */
  agent: string;
  /** ls-refs features, e.g. `['unborn']`; empty advertises plain `ls-refs`. */
  lsRefs: string[];
  /** fetch features, e.g. `['shallow', 'wait-for-done', 'filter']`; empty advertises plain `fetch`. */
  fetch: string[];
  /** Defaults to sha1, which git always advertises. */
  objectFormat?: 'sha1';
  /** Advertise `server-option`. */
  serverOption?: boolean;
  /**
   * Prefix `# service=git-upload-pack` and a flush-pkt. git http-backend 2.39 omits them for v2 (and
   * git clients accept both forms); GitHub sends them. Default false, matching http-backend.
   */
  serviceHeader?: boolean;
}

const TOKEN = /^[\u0021-\u007e]+$/;

function checkToken(value: string, what: string): void {
  if (!TOKEN.test(value)) throw new TypeError(`invalid ${what}: ${JSON.stringify(value)}`);
}

/**
 * Builds the whole v2 info/refs body, byte-compatible with git http-backend for the same capabilities:
 * version 2, agent, ls-refs, fetch, [server-option], object-format, flush. Throws TypeError on a value
 * with spaces or control characters.
 */
export function v2Advertisement(opts: V2AdvertisementOptions): Buffer {
  checkToken(opts.agent, 'agent');
  for (const f of opts.lsRefs) checkToken(f, 'ls-refs feature');
  for (const f of opts.fetch) checkToken(f, 'fetch feature');
  if (opts.objectFormat !== undefined && opts.objectFormat !== 'sha1') throw new TypeError('objectFormat must be sha1');
  const withValue = (key: string, values: string[]): string => (values.length > 0 ? `${key}=${values.join(' ')}\n` : `${key}\n`);
  const out: Buffer[] = [];
  if (opts.serviceHeader === true) out.push(encodePkt('# service=git-upload-pack\n'), FLUSH_PKT);
  out.push(encodePkt('version 2\n'), encodePkt(`agent=${opts.agent}\n`), encodePkt(withValue('ls-refs', opts.lsRefs)));
  out.push(encodePkt(withValue('fetch', opts.fetch)));
  if (opts.serverOption === true) out.push(encodePkt('server-option\n'));
  out.push(encodePkt(`object-format=${opts.objectFormat ?? 'sha1'}\n`), FLUSH_PKT);
  return Buffer.concat(out);
}
