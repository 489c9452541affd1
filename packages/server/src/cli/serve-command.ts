/**
 * `tidecast serve` (also what plain `tidecast` runs): load and validate the config, start the
 * server, and on SIGINT/SIGTERM stop accepting, end viewers cleanly and return. A second
 * signal while stopping exits at once.
 */
import { ConfigError } from '../config.js';
import { SERVE_FLAGS_HELP, loadConfig } from '../config-sources.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import { CliError, EXIT_USAGE } from './cli-errors.js';

export const SERVE_USAGE = `Usage: tidecast [serve] [options]

Starts the live server: RTMP ingest and RTMP / HTTP-FLV / WS-FLV / fMP4 playback, the JSON API
and /metrics, with the demo stream live/demo unless --no-demo.

Options:
${SERVE_FLAGS_HELP}
`;

export interface ServeOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolves when the server should stop; default: the first SIGINT or SIGTERM. */
  until?: Promise<string>;
}

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function serveCommand(
  args: readonly string[],
  options: ServeOptions = {},
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  let config;
  try {
    config = await loadConfig({ args, env: options.env ?? process.env });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT_USAGE);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const server = createServer(config, { logger });
  // Register before starting so a signal during start-up is not lost.
  const until = options.until ?? nextSignal();
  let ports;
  try {
    ports = await server.start();
  } catch (error) {
    await server.stop();
    const why = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot start: ${why}`, 1, { cause: error });
  }
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    { ...ports, host: config.host },
    `listening: rtmp://${shown}:${ports.rtmpPort}/APP/STREAM  http://${shown}:${ports.httpPort}/`,
  );
  const signal = await until;
  logger.info({ signal }, 'stopping');
  const force = (): void => {
    logger.warn('second signal: exiting now');
    process.exit(1);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  try {
    await server.stop();
  } finally {
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
  }
  logger.info('stopped');
  logger.flush();
  return 0;
}
