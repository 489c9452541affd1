/**
 * Tidecast's live server for the bench: the one place that knows how to build and start it.
 * Loaded from the compiled package (run `npx tsc -b` first) so both servers run as plain
 * JavaScript; the import is dynamic so the bench still runs (NMS only) before it exists.
 */
import { readFileSync } from 'node:fs';
import { member } from './server-adapter.js';
import type { BenchServer } from './server-adapter.js';

const SERVER_JS = new URL('../../packages/server/dist/server.js', import.meta.url);
const CONFIG_JS = new URL('../../packages/server/dist/config.js', import.meta.url);
const PACKAGE_JSON = new URL('../../packages/server/package.json', import.meta.url);

function port(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`tidecast: start() gave no ${what}`);
  }
  return value;
}

/** Environment variable with `viewer.mergeWriteMs` for the fan-out bench's Tidecast (--merge-write-ms). */
export const MERGE_WRITE_ENV = 'FANOUT_TIDECAST_MERGE_WRITE_MS';

/** The fan-out bench's settings over the defaults: merged writes when the runner asked for them. */
export function fanoutTidecastSettings(): Record<string, unknown> {
  const ms = process.env[MERGE_WRITE_ENV];
  return ms === undefined || ms === '' ? {} : { viewer: { mergeWriteMs: Number(ms) } };
}

/** `extra` settings go over the bench defaults (e.g. `hls` for the HLS latency bench). */
export async function createTidecastServer(
  extra: Record<string, unknown> = {},
): Promise<BenchServer> {
  const serverModule: unknown = await import(SERVER_JS.href);
  const configModule: unknown = await import(CONFIG_JS.href);
  const createServer = member(serverModule, 'createServer');
  const configFromObject = member(configModule, 'configFromObject');
  if (typeof createServer !== 'function') throw new Error('tidecast: no createServer export');
  if (typeof configFromObject !== 'function') throw new Error('tidecast: no configFromObject');
  const pkg: unknown = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  // Validated over the defaults (GOP cache on, 4 MiB per-viewer queue) like a JSON config file.
  const config: unknown = (configFromObject as (raw: unknown) => unknown)({
    host: '127.0.0.1',
    rtmpPort: 0,
    httpPort: 0,
    logLevel: 'warn',
    demo: { enabled: false },
    ...extra,
  });
  // No logger passed: createServer's default is silent (NMS is set to 'warn', which it never
  // reaches in a clean run either).
  const server: unknown = (createServer as (config: unknown) => unknown)(config);
  const call = (name: string): Promise<unknown> => {
    const fn = member(server, name);
    if (typeof fn !== 'function') throw new Error(`tidecast: server has no ${name}()`);
    return Promise.resolve((fn as () => unknown).call(server));
  };
  return {
    name: 'tidecast',
    version: String(member(pkg, 'version')),
    async start() {
      const ports = await call('start');
      return {
        rtmpPort: port(member(ports, 'rtmpPort'), 'rtmpPort'),
        httpPort: port(member(ports, 'httpPort'), 'httpPort'),
      };
    },
    async stop() {
      await call('stop');
    },
  };
}

/** Whether the compiled server is there (the bench skips Tidecast with a note if not). */
export function tidecastAvailable(): boolean {
  try {
    readFileSync(SERVER_JS);
    return true;
  } catch {
    return false;
  }
}
