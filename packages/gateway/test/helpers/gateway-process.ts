/**
 * Runs a gateway as its own process, for tests that kill it: `node gateway-process.js '<GatewayOptions JSON>'`.
 * Prints `listening <url>` once it serves; never exits on its own.
 */
import { startGateway, type GatewayOptions } from '../../src/index.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions;
const gw = await startGateway(opts);
process.stdout.write(`listening ${gw.url}\n`);
