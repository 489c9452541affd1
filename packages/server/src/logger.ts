import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * Structured JSON logs (one object per line on stdout by default). Components take a child
 * logger with their own bindings (`{ component: 'rtmp', conn: 12 }`) rather than a global.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { name: 'tidecast' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A logger that drops everything: the default for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
