import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_CONFIG } from '../config.js';
import type { TidecastServer } from '../server.js';
import { makeTestClip, startTestServer } from '../test-support/test-server.js';
import { DEFAULT_HTTP_TIMEOUTS } from './http-app.js';

/** Small limits so the test runs in seconds; the defaults are 10 s / 15 s / 5 s. */
const TIMEOUTS = { headersMs: 1_000, requestMs: 1_500, keepAliveMs: 500 };
const VIEW_MS = 5_000;

const servers: TidecastServer[] = [];
let dir = '';
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-timeouts-'));
  const clip = join(dir, 'clip.flv');
  makeTestClip(clip, 1.2);
  const started = await startTestServer(servers, {
    httpTimeouts: TIMEOUTS,
    demo: { enabled: true, file: clip, app: 'live', stream: 'demo' },
  });
  port = started.ports.httpPort;
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a raw socket, optionally writes `send`, and resolves with ms until the server closed it. */
function closedAfter(
  send: string | undefined,
  limitMs: number,
): Promise<{ ms: number; reply: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = connect(port, '127.0.0.1', () => {
      if (send !== undefined) socket.write(send);
    });
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', () => undefined);
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${limitMs} ms`));
    }, limitMs);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ ms: performance.now() - start, reply });
    });
  });
}

/** Bytes received per second over `ms` from an HTTP-FLV response; `ended` if it stopped early. */
function watchHttp(path: string, ms: number): Promise<{ perSecond: number[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const perSecond = new Array<number>(Math.ceil(ms / 1000)).fill(0);
    const start = performance.now();
    let ended = false;
    const req = get({ host: '127.0.0.1', port, path }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        const slot = Math.floor((performance.now() - start) / 1000);
        if (slot < perSecond.length) perSecond[slot] = (perSecond[slot] ?? 0) + chunk.length;
      });
      res.on('close', () => (ended = true));
    });
    req.on('error', () => (ended = true));
    setTimeout(() => {
      const result = { perSecond, ended };
      req.destroy();
      resolve(result);
    }, ms);
  });
}

function watchWs(path: string, ms: number): Promise<{ perSecond: number[]; closed: boolean }> {
  return new Promise((resolve) => {
    const perSecond = new Array<number>(Math.ceil(ms / 1000)).fill(0);
    const start = performance.now();
    let closed = false;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.on('message', (data: Buffer) => {
      const slot = Math.floor((performance.now() - start) / 1000);
      if (slot < perSecond.length) perSecond[slot] = (perSecond[slot] ?? 0) + data.length;
    });
    ws.on('close', () => (closed = true));
    ws.on('error', () => (closed = true));
    setTimeout(() => {
      const result = { perSecond, closed };
      ws.terminate();
      resolve(result);
    }, ms);
  });
}

describe('HTTP connection timeouts', () => {
  it('reaps idle sockets while long-lived media responses and WebSockets keep streaming', async () => {
    const [idle, partial, keptAlive, flv, mp4, wsFlv] = await Promise.all([
      // Connects and never says a word: gone after headersMs (+ the sweep interval).
      closedAfter(undefined, 4_000),
      // Starts a request and stalls mid-headers: 408 after headersMs.
      closedAfter('GET /api/server HTTP/1.1\r\nHost: x\r\n', 4_000),
      // A finished keep-alive request: the idle connection goes after keepAliveMs.
      closedAfter('GET /api/server HTTP/1.1\r\nHost: x\r\n\r\n', 4_000),
      watchHttp('/live/demo.flv', VIEW_MS),
      watchHttp('/live/demo.mp4', VIEW_MS),
      watchWs('/live/demo.flv', VIEW_MS),
    ]);
    expect(idle.ms).toBeGreaterThan(TIMEOUTS.headersMs * 0.8);
    expect(idle.ms).toBeLessThan(TIMEOUTS.headersMs + 1_500);
    expect(partial.ms).toBeLessThan(TIMEOUTS.headersMs + 1_500);
    expect(partial.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(keptAlive.reply).toMatch(/^HTTP\/1\.1 200/);
    expect(keptAlive.ms).toBeLessThan(TIMEOUTS.keepAliveMs + 1_500);
    // Media kept flowing well past every limit, through to the last second.
    for (const viewer of [flv, mp4]) {
      expect(viewer.ended).toBe(false);
      expect(viewer.perSecond.every((bytes) => bytes > 0)).toBe(true);
    }
    expect(wsFlv.closed).toBe(false);
    expect(wsFlv.perSecond.every((bytes) => bytes > 0)).toBe(true);
  });

  it('defaults to 10 s headers, 15 s request and 5 s keep-alive', () => {
    expect(DEFAULT_CONFIG.httpTimeouts).toEqual(DEFAULT_HTTP_TIMEOUTS);
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({
      headersMs: 10_000,
      requestMs: 15_000,
      keepAliveMs: 5_000,
    });
  });
});
