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

/**
 * Environment the gateway process runs with, from the same places as GATEWAY_NODE_FLAGS (the bin
 * shebang through `env -S`, the image's ENV, `npm start`, the benchmark's gateway child).
 *
 * MALLOC_ARENA_MAX=1: glibc gives each thread that allocates its own malloc arena, and memory freed
 * in one stays mapped. A large sync allocates from the scan threads and the pack thread (zlib states,
 * buffers) as well as the main one: git/git's cold sync peaked at 301–312 MiB with the default
 * arenas and at 270 MiB with one, at the same speed (docs/benchmarks.md, "Session 10").
 */
export const GATEWAY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };
