import { fileURLToPath } from 'node:url';
import { runCommand } from './run-command.js';
import type { CommandResult } from './run-command.js';

/** The `tidecast` bin as users run it (compiled output; the global setup builds it). */
export const TIDECAST_BIN = fileURLToPath(
  new URL('../../packages/server/bin/tidecast.js', import.meta.url),
);

export function runTidecast(args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  return runCommand(process.execPath, [TIDECAST_BIN, ...args], {
    timeoutMs,
    maxOutputBytes: 256 * 1024 * 1024,
  });
}
