/**
 * Node flags the gateway process runs with (bin/gitgate.js's shebang, the Docker ENTRYPOINT,
 * `npm start` and the benchmark's gateway child; a test keeps them equal).
 *
 * --max-semi-space-size=4: V8 doubles the young generation from 16 to 32 MiB (×3 for its
 * semi-spaces) once enough has survived scavenges since start, which the first sync of any sizeable
 * repository triggers; that alone is ~16–48 MiB of RSS that never comes back. Capped at 4 MiB the
 * sync of the 50k-object bench repository peaks 25–30 MiB lower at the same speed (docs/benchmarks.md).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
