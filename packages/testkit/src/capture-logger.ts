/** A logger for tests that keeps every line, with its level and metadata, and as text for `include` checks. */

/** One logged line. */
export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  meta?: object;
}

/** A logger (the @gitgate/log shape) and what it captured. */
export interface CaptureLogger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
  lines: CapturedLine[];
  /** Every line as `level msg {meta JSON}`, one per line. */
  text(): string;
}

/** A fresh capturing logger. */
export function captureLogger(): CaptureLogger {
  const lines: CapturedLine[] = [];
  const at = (level: CapturedLine['level']) => (msg: string, meta?: object): void => {
    lines.push({ level, msg, meta });
  };
  return {
    lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'),
    text: () => lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.meta ?? {})}`).join('\n'),
  };
}
