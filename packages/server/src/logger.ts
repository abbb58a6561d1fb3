/** The shared logger interface (see @gitgate/log), re-exported for this package's callers. */
export { noopLogger } from '@gitgate/log';
export type { Logger } from '@gitgate/log';
