/** Reads a request body into memory with a hard size limit, inflating gzip (as git sends large bodies). */
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ServerError, codes } from './errors.js';

/**
 * Returns the decoded body. Throws ServerError GITGATE_BODY_TOO_LARGE past `limit` decoded bytes, and
 * GITGATE_BAD_ENCODING for an unknown Content-Encoding or a corrupt gzip stream.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let source: Readable = req;
  if (enc === 'gzip' || enc === 'x-gzip') source = req.pipe(createGunzip());
  else if (enc === 'deflate') source = req.pipe(createInflate());
  else if (enc !== 'identity') throw new ServerError(codes.badEncoding, `unsupported Content-Encoding ${enc.slice(0, 40)}`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        throw new ServerError(codes.bodyTooLarge, `request body is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ServerError) throw e;
    throw new ServerError(codes.badEncoding, 'request body could not be decoded', { cause: e });
  }
  return Buffer.concat(chunks);
}
