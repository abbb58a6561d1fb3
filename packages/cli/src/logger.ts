/** The process logger: winston, JSON (or text) lines on stderr. */
import winston from 'winston';
import type { Logger } from '@gitgate/log';

/** Creates the logger `gitgate serve` injects into every package. */
export function createLogger(level: string, format: 'json' | 'text'): Logger {
  const fmt = format === 'json'
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(winston.format.timestamp(), winston.format.printf((i) => {
      const { level: lv, message, timestamp, ...meta } = i;
      return `${String(timestamp)} ${lv} ${String(message)}${Object.keys(meta).length ? ' ' + JSON.stringify(meta) : ''}`;
    }));
  const w = winston.createLogger({ level, format: fmt, transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })] });
  return {
    debug: (m, meta) => w.debug(m, meta),
    info: (m, meta) => w.info(m, meta),
    warn: (m, meta) => w.warn(m, meta),
    error: (m, meta) => w.error(m, meta),
  };
}
