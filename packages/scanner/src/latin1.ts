/** Bytes to a latin1 string (one char per byte, so string offsets are byte offsets). */

type Latin1Sliceable = { latin1Slice?: (start: number, end: number) => string };
// `Buffer.prototype.latin1Slice` is what `toString('latin1', …)` ends in; calling it directly
// skips the encoding dispatch and argument checks, which cost ~10% of a scan of small windows.
const direct = (Buffer.prototype as unknown as Latin1Sliceable).latin1Slice;

/** `bytes.toString('latin1', start, end)` for in-range offsets, without the generic dispatch. */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return direct !== undefined ? direct.call(bytes, start, end) : bytes.toString('latin1', start, end);
}
