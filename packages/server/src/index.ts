export { createApp } from './app.js';
export type { AppOptions } from './app.js';
export { startGateway, repoDirName } from './gateway.js';
export type { Gateway, GatewayOptions, GatewayRepo } from './gateway.js';
export { gitRoutes, parseGitPath, wantsV2 } from './git-routes.js';
export type { GitRoutesOptions } from './git-routes.js';
export { ServerError, STATUS_BY_CODE, statusFor } from './errors.js';
export { noopLogger } from './logger.js';
export type { Logger } from './logger.js';
