import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readBoxes } from '@tidecast/media';
import { runCommand } from '../../../e2e/support/run-command.js';
import { pushCommand } from './cli/push-command.js';
import type { ApiStream } from './http/api.js';
import type { TidecastServer } from './server.js';
import { makeTestClip, publishTestPattern, startTestServer } from './test-support/test-server.js';
import type { StartedServer } from './test-support/test-server.js';

const servers: TidecastServer[] = [];
let dir = '';
let clip = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-server-'));
  clip = join(dir, 'clip.flv');
  makeTestClip(clip, 1.2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function startServer(extra: Record<string, unknown> = {}): Promise<StartedServer> {
  return startTestServer(servers, extra);
}

const publish = publishTestPattern;

async function streamInfo(base: string, key: string): Promise<ApiStream | undefined> {
  const res = await fetch(`${base}/api/streams/${key}`);
  return res.status === 200 ? ((await res.json()) as ApiStream) : undefined;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const live = (base: string, key: string) => () =>
  streamInfo(base, key).then((s) => (s?.video !== null && s?.video !== undefined ? s : undefined));

function probePackets(url: string): ReturnType<typeof runCommand> {
  return runCommand(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time,flags', '-of', 'csv', url],
    { timeoutMs: 30_000 },
  );
}

describe('outputs and control (real sockets, real ffmpeg)', () => {
  it('serves RTMP play, HTTP fMP4 and WS fMP4, with API stats and metrics', async () => {
    const { ports, base } = await startServer();
    const publishing = publish(ports.rtmpPort, 'live/o', 4);
    await waitFor('stream', live(base, 'live/o'));
    const rtmp = probePackets(`rtmp://127.0.0.1:${ports.rtmpPort}/live/o`);
    const mp4 = probePackets(`${base}/live/o.mp4`);
    const wsMessages = new Promise<Uint8Array[]>((resolve, reject) => {
      const out: Uint8Array[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/live/o.mp4`);
      ws.on('message', (data: Buffer) => out.push(new Uint8Array(data)));
      ws.on('close', () => resolve(out));
      ws.on('error', reject);
    });
    // Every viewer connected (ffprobe can take a while to start on a busy machine).
    const info = await waitFor('three viewers', () =>
      streamInfo(base, 'live/o').then((s) => ((s?.viewers.total ?? 0) >= 3 ? s : undefined)),
    );
    expect(info).toMatchObject({
      key: 'live/o',
      app: 'live',
      stream: 'o',
      live: true,
      video: { codec: 'avc', width: 320, height: 180 },
      audio: { codec: 'aac', sampleRate: 44100 },
    });
    expect(info?.bitrateIn).toBeGreaterThan(0);
    expect(info?.viewers.total).toBeGreaterThanOrEqual(2);
    expect(info?.viewers['fmp4-ws']).toBe(1);
    const list = (await (await fetch(`${base}/api/streams`)).json()) as { streams: ApiStream[] };
    expect(list.streams.map((s) => s.key)).toEqual(['live/o']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/tidecast_stream_publishing\{stream="live\/o"\} 1/);
    expect(metrics).toMatch(/tidecast_viewers\{stream="live\/o",protocol="fmp4-ws"\} 1/);

    const [pub, rtmpResult, mp4Result, messages] = await Promise.all([
      publishing,
      rtmp,
      mp4,
      wsMessages,
    ]);
    expect(pub.exitCode, pub.stderr).toBe(0);
    for (const result of [rtmpResult, mp4Result]) {
      expect(result.exitCode, result.stderr).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines.filter((l) => l.startsWith('packet,video')).length).toBeGreaterThan(40);
      expect(lines.filter((l) => l.startsWith('packet,audio')).length).toBeGreaterThan(40);
    }
    // WS fMP4: the init segment (ftyp + moov) first, then moof/mdat fragments.
    expect(messages.length).toBeGreaterThan(10);
    const first = readBoxes(messages[0] ?? new Uint8Array(0)).map((b) => b.type);
    expect(first).toEqual(['ftyp', 'moov']);
    const second = readBoxes(messages[1] ?? new Uint8Array(0)).map((b) => b.type);
    expect(second.slice(0, 2)).toEqual(['moof', 'mdat']);
  });

  it('kicks a publisher on DELETE /api/streams/APP/STREAM', async () => {
    const { ports, base } = await startServer();
    const publishing = publish(ports.rtmpPort, 'live/k', 15);
    await waitFor('stream', live(base, 'live/k'));
    const del = await fetch(`${base}/api/streams/live/k`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ kicked: 'live/k' });
    const started = Date.now();
    const result = await publishing;
    expect(Date.now() - started).toBeLessThan(5_000); // ffmpeg lost its connection at once
    expect(result.exitCode).not.toBe(0);
    await waitFor('stream gone', async () =>
      (await streamInfo(base, 'live/k')) ? undefined : true,
    );
  });

  it('stops gracefully: HTTP-FLV ends cleanly, WebSocket closes 1001, RTMP publisher dropped', async () => {
    const { server, ports, base } = await startServer();
    const publishing = publish(ports.rtmpPort, 'live/s', 15);
    await waitFor('stream', live(base, 'live/s'));
    const res = await fetch(`${base}/live/s.flv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/x-flv');
    expect(res.headers.get('cache-control')).toMatch(/no-cache/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const body = (async () => {
      let bytes = 0;
      for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).length;
      return bytes;
    })();
    const wsClose = new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/live/s.flv`);
      ws.on('close', (code) => resolve(code));
      ws.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopping = Date.now();
    await server.stop();
    expect(Date.now() - stopping).toBeLessThan(3_000);
    expect(await body).toBeGreaterThan(10_000); // the stream ended without a network error
    expect(await wsClose).toBe(1001);
    expect((await publishing).exitCode).not.toBe(0);
    await expect(fetch(`${base}/api/server`)).rejects.toThrow();
  });

  it('loops a demo clip as live/demo and pushes a file with `tidecast push`', async () => {
    const { ports, base } = await startServer({ demo: { enabled: true, file: clip } });
    const demo = await waitFor('demo', live(base, 'live/demo'));
    expect(demo).toMatchObject({ live: true, video: { width: 160, height: 90 } });
    const code = await pushCommand({
      positionals: [clip, `rtmp://127.0.0.1:${ports.rtmpPort}/live/pushed`],
      flags: new Set(),
    });
    expect(code).toBe(0);
    // Pushed in real time: its frames reached the hub before the publisher left (grace period).
    const pushed = await streamInfo(base, 'live/pushed');
    expect(pushed?.frames).toBeGreaterThan(40);
    // The demo is still looping past its 1.2 s clip length.
    const later = await streamInfo(base, 'live/demo');
    expect(later?.live).toBe(true);
    expect(later?.frames ?? 0).toBeGreaterThan(demo.frames);
  });

  it('refuses a second publisher of the same key (BadName) and keeps the first', async () => {
    const { ports, base } = await startServer();
    const first = publish(ports.rtmpPort, 'live/b', 4);
    await waitFor('stream', live(base, 'live/b'));
    const second = await publish(ports.rtmpPort, 'live/b', 1);
    expect(second.exitCode).not.toBe(0);
    expect((await streamInfo(base, 'live/b'))?.live).toBe(true);
    expect((await first).exitCode).toBe(0);
  });
});
