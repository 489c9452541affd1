import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FlvDemuxer } from '@tidecast/media';
import type { DemuxEvent, MediaPacket } from '@tidecast/media';
import { runCommand } from '../../../e2e/support/run-command.js';
import type { TidecastServer } from './server.js';
import { publishTestPattern, startTestServer } from './test-support/test-server.js';
import type { StartedServer } from './test-support/test-server.js';

const servers: TidecastServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function startServer(extra: Record<string, unknown> = {}): Promise<StartedServer> {
  return startTestServer(servers, extra);
}

const publish = publishTestPattern;

async function waitForStream(base: string, key: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(`${base}/api/streams/${key}`);
    if (res.status === 200) {
      const body = (await res.json()) as { video: unknown };
      if (body.video !== null) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stream ${key} never appeared`);
}

interface WsResult {
  events: DemuxEvent[];
  closeCode: number;
  messages: number;
}

function readWs(url: string): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const demuxer = new FlvDemuxer();
    const events: DemuxEvent[] = [];
    let messages = 0;
    ws.on('message', (data: Buffer) => {
      messages++;
      events.push(...demuxer.push(new Uint8Array(data)));
    });
    ws.on('close', (code) => resolve({ events, closeCode: code, messages }));
    ws.on('error', reject);
  });
}

function packetsOf(events: DemuxEvent[], kind: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) => (e.type === 'packet' && e.packet.kind === kind ? [e.packet] : []));
}

describe('tidecast server (real sockets, real ffmpeg)', () => {
  it('plays an ffmpeg RTMP publish over HTTP-FLV (ffprobe) and WS-FLV', async () => {
    const { ports, base } = await startServer();
    const publishing = publish(ports.rtmpPort, 'live/t', 4);
    await waitForStream(base, 'live/t');
    const ws = readWs(`ws://127.0.0.1:${ports.httpPort}/live/t.flv`);
    const probe = runCommand(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'packet=codec_type,dts_time,flags',
        '-of',
        'csv',
        `${base}/live/t.flv`,
      ],
      { timeoutMs: 30_000 },
    );
    const [pub, probed, wsResult] = await Promise.all([publishing, probe, ws]);
    expect(pub.exitCode, pub.stderr).toBe(0);

    expect(probed.exitCode, probed.stderr).toBe(0);
    const lines = probed.stdout.trim().split('\n');
    const video = lines.filter((l) => l.startsWith('packet,video'));
    const audio = lines.filter((l) => l.startsWith('packet,audio'));
    // Joined ~0.5 s in with the GOP cache: well over 2.5 s of 25 fps video arrives.
    expect(video.length).toBeGreaterThan(60);
    expect(audio.length).toBeGreaterThan(80);
    expect(video[0]).toMatch(/K/); // starts at a keyframe (GOP cache)
    expect(probed.stderr.trim()).toBe('');

    expect(wsResult.closeCode).toBe(1000); // end of stream after the grace period
    expect(wsResult.events.filter((e) => e.type === 'error')).toEqual([]);
    const tracks = wsResult.events.flatMap((e) => (e.type === 'track' ? [e.track.kind] : []));
    expect(tracks.sort()).toEqual(['audio', 'video']);
    const wsVideo = packetsOf(wsResult.events, 'video');
    expect(wsVideo.length).toBeGreaterThan(60);
    expect(wsVideo[0]?.keyframe).toBe(true);
    const steps = wsVideo.slice(1).map((p, i) => p.dts - (wsVideo[i]?.dts ?? 0));
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(Math.max(...steps)).toBeLessThanOrEqual(80); // every frame, no gaps
  });

  it('answers unknown streams, odd URLs and the API with JSON', async () => {
    const { base, ports } = await startServer();
    const missing = await fetch(`${base}/live/nope.flv`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
    expect(await missing.json()).toMatchObject({ error: expect.any(String), stream: 'live/nope' });
    for (const path of [
      '/live/%zz.flv',
      '/live/..%2F..%2Fx.flv',
      '/live/a%00.flv',
      `/live/${'x'.repeat(4000)}.flv`,
    ]) {
      const res = await fetch(`${base}${path}`);
      expect([400, 404]).toContain(res.status);
      expect(await res.json()).toMatchObject({ error: expect.any(String) });
    }
    const head = await fetch(`${base}/live/nope.mp4`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await (await fetch(`${base}/api/streams`)).json()).toEqual({ streams: [] });
    const info = (await (await fetch(`${base}/api/server`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      name: 'tidecast',
      rtmpPort: ports.rtmpPort,
      httpPort: ports.httpPort,
      streams: 0,
      viewers: 0,
      rtmp: { connections: 0, waitingPlayers: 0 },
    });
    const del = await fetch(`${base}/api/streams/live/nope`, { method: 'DELETE' });
    expect(del.status).toBe(404);
    const post = await fetch(`${base}/api/streams`, { method: 'POST' });
    expect(post.status).toBe(405);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await metrics.text();
    expect(text).toMatch(/# TYPE tidecast_streams gauge\ntidecast_streams 0\n/);
    expect(text).toMatch(/\ntidecast_rtmp_connections 0\n/);
    expect(text).toMatch(/\ntidecast_rtmp_waiting_players 0\n/);
    // WebSocket to an unknown stream: refused with a 404 before the upgrade.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/live/nope.flv`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(404);
  });

  it('closes only a connection that sends garbage; the server stays up', async () => {
    const { ports, base } = await startServer();
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(ports.rtmpPort, '127.0.0.1', () => {
        const junk = new Uint8Array(1537 + 4096);
        junk[0] = 3; // a valid C0, then random C1 and random chunk bytes
        for (let i = 1; i < junk.length; i++) junk[i] = (i * 7919) % 251;
        socket.write(junk);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(true));
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 12_000);
    });
    expect(closed).toBe(true);
    expect((await fetch(`${base}/api/server`)).status).toBe(200);
  });
});
