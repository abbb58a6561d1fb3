#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=4
// The flags above are GATEWAY_NODE_FLAGS (src/node-flags.ts); a test keeps the two equal.
import { run } from '../dist/src/main.js';

run();
