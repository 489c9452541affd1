/**
 * A real Tidecast server inside the test process (port 0, 127.0.0.1, no demo), plus the small
 * polling helpers the live end-to-end tests share.
 */
import { readdir } from 'node:fs/promises';
import { configFromObject } from '../../packages/server/src/config.js';
import { createServer } from '../../packages/server/src/server.js';
import type { ServerPorts, TidecastServer } from '../../packages/server/src/server.js';
import type { ApiServer, ApiStream } from '../../packages/server/src/http/api.js';
import type { StreamStats } from '../../packages/server/src/hub/stream-stats.js';

export interface LiveServer {
  readonly server: TidecastServer;
  readonly ports: ServerPorts;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** `rtmp://127.0.0.1:PORT/KEY` */
  rtmpUrl(key: string): string;
  /** `http://127.0.0.1:PORT/KEY.ext` */
  httpUrl(key: string, ext: 'flv' | 'mp4'): string;
  /** `ws://127.0.0.1:PORT/KEY.ext` */
  wsUrl(key: string, ext: 'flv' | 'mp4'): string;
  /** Hub counters of a stream, straight from the registry (undefined once it is gone). */
  stats(key: string): StreamStats | undefined;
  stop(): Promise<void>;
}

/** Starts a server; `overrides` is a partial config object (as in a JSON config file). */
export async function startLiveServer(
  overrides: Record<string, unknown> = {},
): Promise<LiveServer> {
  const config = configFromObject({
    host: '127.0.0.1',
    rtmpPort: 0,
    httpPort: 0,
    demo: { enabled: false },
    ...overrides,
  });
  const server = createServer(config);
  const ports = await server.start();
  const base = `http://127.0.0.1:${ports.httpPort}`;
  return {
    server,
    ports,
    base,
    rtmpUrl: (key) => `rtmp://127.0.0.1:${ports.rtmpPort}/${key}`,
    httpUrl: (key, ext) => `${base}/${key}.${ext}`,
    wsUrl: (key, ext) => `ws://127.0.0.1:${ports.httpPort}/${key}.${ext}`,
    stats: (key) => server.registry.get(key)?.stats(),
    stop: () => server.stop(),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export async function apiStream(live: LiveServer, key: string): Promise<ApiStream | undefined> {
  const res = await fetch(`${live.base}/api/streams/${key}`);
  return res.status === 200 ? ((await res.json()) as ApiStream) : undefined;
}

/** `GET /api/server`; throws unless it answers 200 with the server's ports. */
export async function apiServer(live: LiveServer): Promise<ApiServer> {
  const res = await fetch(`${live.base}/api/server`);
  if (res.status !== 200) throw new Error(`GET /api/server answered ${res.status}`);
  const body = (await res.json()) as ApiServer;
  if (body.rtmpPort !== live.ports.rtmpPort || body.httpPort !== live.ports.httpPort) {
    throw new Error(`GET /api/server reports other ports: ${JSON.stringify(body)}`);
  }
  return body;
}

/** Waits until the API lists `key` with the given tracks described. */
export function waitForTracks(
  live: LiveServer,
  key: string,
  kinds: { video: boolean; audio: boolean },
  timeoutMs = 10_000,
): Promise<ApiStream> {
  return waitFor(
    `tracks of ${key}`,
    async () => {
      const s = await apiStream(live, key);
      if (s === undefined) return undefined;
      if (kinds.video && s.video === null) return undefined;
      if (kinds.audio && s.audio === null) return undefined;
      return s;
    },
    timeoutMs,
  );
}

/** Open file descriptors of this process (Linux), to see sockets the server still holds. */
export async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}
