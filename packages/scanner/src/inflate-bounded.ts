/** Raw DEFLATE decoding (RFC 1951) under a decode budget. Inflation is fixed by the spec, so zlib's version cannot change its output. */
import { inflateRawSync } from 'node:zlib';
import type { DecodeBudget } from './decode-limits.js';
import { ScannerError, codes } from './errors.js';

/**
 * Inflates the raw DEFLATE stream at the start of `input`, decoding no more than the budget allows for
 * a container of `compressed` bytes that has decoded `already` bytes so far, and charges the budget.
 * Returns the data and how many input bytes the stream used.
 * @throws ScannerError `GITGATE_SCAN_CORRUPT` on a broken or truncated stream, or a limit's code.
 */
export function inflateBounded(input: Buffer, budget: DecodeBudget, compressed: number, already: number): { data: Buffer; consumed: number } {
  const allowance = budget.allowance(compressed, already);
  if (allowance <= 0) budget.charge(1, compressed, already + 1);
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = inflateRawSync(input, { info: true, maxOutputLength: allowance }) as unknown as typeof result;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      budget.charge(allowance + 1, compressed, already + allowance + 1);
    }
    throw new ScannerError(codes.corrupt, 'a deflate stream does not decode', { cause: err, data: { compressed } });
  }
  budget.charge(result.buffer.length, compressed, already + result.buffer.length);
  return { data: result.buffer, consumed: result.engine.bytesWritten };
}
