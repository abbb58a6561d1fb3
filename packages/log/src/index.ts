/** @gitgate/log: the logger interface every gitgate library accepts, and its silent default. */

/** A structured logger: fixed lower-case message plus metadata. Never given a secret or bound value. */
export interface Logger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
}

const noop = (): void => {};

/** A logger that drops everything; the default when none is injected. */
export const noopLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
