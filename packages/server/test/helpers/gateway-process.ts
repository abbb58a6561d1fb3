/**
 * A gateway in a process of its own, for tests that kill it (SIGKILL): GatewayOptions as JSON in the
 * first argument; prints the gateway's URL on one line once it listens.
 */
import { startGateway, type GatewayOptions } from '../../src/index.js';

const gw = await startGateway(JSON.parse(process.argv[2]!) as GatewayOptions);
process.stdout.write(`${gw.url}\n`);
