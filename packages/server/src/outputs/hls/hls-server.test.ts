/**
 * Server HLS end to end: ffmpeg publishes (or `tidecast push` replays a clip) over RTMP, and
 * ffprobe/ffmpeg read our playlists and segments over HTTP as the judge.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@tidecast/media';
import { runCommand } from '../../../../../e2e/support/run-command.js';
import { pushCommand } from '../../cli/push-command.js';
import type { TidecastServer } from '../../server.js';
import {
  makeTestClip,
  publishTestPattern,
  startTestServer,
} from '../../test-support/test-server.js';

const servers: TidecastServer[] = [];
let dir = '';
let clip = '';
/** Frames in the 2 s clip (25 fps video; AAC 1024-sample frames at 48 kHz). */
let clipVideo = 0;
let clipAudio = 0;

interface Packet {
  type: string;
  dts: number;
  key: boolean;
}

async function probe(url: string): Promise<Packet[]> {
  const { stdout, stderr } = await runCommand(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time,flags', '-of', 'csv', url],
    { timeoutMs: 30_000 },
  );
  expect(stderr).toBe('');
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('packet,'))
    .map((l) => {
      const [, type = '', dts = '', flags = ''] = l.split(',');
      return { type, dts: Number(dts), key: flags.includes('K') };
    });
}

async function decodeErrors(url: string): Promise<string> {
  const { stderr } = await runCommand('ffmpeg', ['-v', 'error', '-i', url, '-f', 'null', '-'], {
    timeoutMs: 60_000,
  });
  return stderr;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-hls-'));
  clip = join(dir, 'clip.flv');
  makeTestClip(clip, 2);
  const packets = await probe(clip);
  clipVideo = packets.filter((p) => p.type === 'video').length;
  clipAudio = packets.filter((p) => p.type === 'audio').length;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const HLS = { segmentMs: 1000, partMs: 300 };

async function push(rtmpPort: number, key: string): Promise<void> {
  const code = await pushCommand({
    positionals: [clip, `rtmp://127.0.0.1:${rtmpPort}/${key}`],
    flags: new Set(),
  });
  expect(code).toBe(0);
}

async function text(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** The playlist once it contains `marker` (polled every 100 ms, up to 10 s). */
async function playlistWith(
  url: string,
  marker: string,
): Promise<{ status: number; body: string }> {
  let playlist = await text(url);
  const until = Date.now() + 10_000;
  while (!playlist.body.includes(marker) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    playlist = await text(url);
  }
  return playlist;
}

/** EXT-X-PART URIs of segment `msn` in a media playlist (complete or the open one). */
function partsOfSegment(body: string, msn: number): string[] {
  const parsed = parseMediaPlaylist(body);
  const complete = parsed.segments[msn - parsed.mediaSequence];
  const parts = complete !== undefined ? complete.parts : (parsed.partialSegment?.parts ?? []);
  return parts.map((p) => p.uri);
}

async function waitEnded(url: string): Promise<string> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const res = await text(url);
    if (res.status === 200 && res.body.includes('#EXT-X-ENDLIST')) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ENDLIST in ${url}`);
}

describe('server HLS: ffprobe reads every frame', () => {
  it('fMP4 (LL-HLS) and TS playlists of a pushed clip hold every frame and decode cleanly', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS });
    await push(ports.rtmpPort, 'live/clip');
    for (const path of ['/live/clip.m3u8', '/live/clip.ts.m3u8']) {
      const playlist = await waitEnded(base + path);
      expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME:');
      const packets = await probe(base + path);
      const video = packets.filter((p) => p.type === 'video');
      expect(video.length).toBe(clipVideo);
      expect(video[0]?.key).toBe(true);
      // Continuous: every video dts step is one 25 fps frame.
      for (let i = 1; i < video.length; i++) {
        expect((video[i]?.dts ?? 0) - (video[i - 1]?.dts ?? 0)).toBeCloseTo(0.04, 2);
      }
      expect(packets.filter((p) => p.type === 'audio').length, path).toBe(clipAudio);
      expect(await decodeErrors(base + path)).toBe('');
    }
  });

  it('the parts of each fMP4 segment are the segment, byte for byte, and are immutable', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS });
    await push(ports.rtmpPort, 'live/parts');
    const playlist = await waitEnded(`${base}/live/parts.m3u8`);
    expect(playlist).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.3\n/);
    expect(playlist).toMatch(/#EXT-X-SERVER-CONTROL:.*CAN-BLOCK-RELOAD=YES/);
    const lines = playlist.split('\n');
    const segIndex = lines.findIndex((l) => l.endsWith('.m4s') && !l.startsWith('#'));
    const partUris = lines
      .slice(0, segIndex)
      .filter((l) => l.startsWith('#EXT-X-PART:'))
      .map((l) => /URI="([^"]+)"/.exec(l)?.[1] ?? '');
    for (const l of lines.slice(0, segIndex)) {
      const d = /#EXT-X-PART:DURATION=([\d.]+)/.exec(l);
      if (d !== null) expect(Number(d[1])).toBeLessThanOrEqual(0.3);
    }
    expect(partUris.length).toBeGreaterThan(1);
    const segment = new Uint8Array(
      await (await fetch(`${base}/live/${lines[segIndex] ?? ''}`)).arrayBuffer(),
    );
    const parts: Uint8Array[] = [];
    for (const uri of partUris) {
      const res = await fetch(`${base}/live/${uri}`);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('content-type')).toBe('video/mp4');
      parts.push(new Uint8Array(await res.arrayBuffer()));
    }
    expect(Buffer.concat(parts).equals(Buffer.from(segment))).toBe(true);
    const ts = await fetch(`${base}/live/${(lines[segIndex] ?? '').replace('.m4s', '.ts')}`);
    expect(ts.headers.get('content-type')).toBe('video/mp2t');
    const tsBytes = new Uint8Array(await ts.arrayBuffer());
    expect(tsBytes.length % 188).toBe(0);
    expect(tsBytes[0]).toBe(0x47);
  });

  it('a publisher restart within the grace period is one EXT-X-DISCONTINUITY and no lost frame', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS, publisherGraceMs: 3000 });
    await push(ports.rtmpPort, 'live/again');
    await push(ports.rtmpPort, 'live/again');
    for (const path of ['/live/again.m3u8', '/live/again.ts.m3u8']) {
      const playlist = await waitEnded(base + path);
      expect(playlist.match(/#EXT-X-DISCONTINUITY\n/g)?.length).toBe(1);
      const packets = await probe(base + path);
      expect(packets.filter((p) => p.type === 'video').length).toBe(2 * clipVideo);
      expect(await decodeErrors(base + path)).toBe('');
    }
  });

  it('records both variants to disk as VOD playlists that ffprobe reads completely', async () => {
    const recordDir = join(dir, 'rec');
    const { ports, base } = await startTestServer(servers, { hls: { ...HLS, recordDir } });
    await push(ports.rtmpPort, 'live/rec');
    await waitEnded(`${base}/live/rec.ts.m3u8`);
    const [epoch] = readdirSync(join(recordDir, 'live', 'rec'));
    const folder = join(recordDir, 'live', 'rec', epoch ?? '');
    const until = Date.now() + 5000;
    while (!readFileSync(join(folder, 'index.ts.m3u8'), 'utf8').includes('ENDLIST')) {
      if (Date.now() > until) throw new Error('recorded playlist never ended');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readFileSync(join(folder, 'index.m3u8'), 'utf8')).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    for (const name of ['index.m3u8', 'index.ts.m3u8']) {
      const packets = await probe(join(folder, name));
      expect(packets.filter((p) => p.type === 'video').length).toBe(clipVideo);
    }
  });
});

describe('server HLS: LL-HLS delivery directives', () => {
  it('blocks a playlist reload until the asked segment or part exists', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS });
    const publisher = publishTestPattern(ports.rtmpPort, 'live/ll', 8);
    try {
      const first = await playlistWith(`${base}/live/ll.m3u8`, '#EXTINF');
      const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(first.body)?.[1]);
      const segments = first.body
        .split('\n')
        .filter((l) => l.endsWith('.m4s') && !l.startsWith('#'));
      const next = sequence + segments.length; // the open segment
      const started = Date.now();
      const blocked = await text(`${base}/live/ll.m3u8?_HLS_msn=${next}`);
      expect(blocked.status).toBe(200);
      expect(blocked.headers.get('cache-control')).toBe('public, max-age=30');
      expect(blocked.body).toContain(`seg-${next}.m4s`);
      expect(Date.now() - started).toBeGreaterThan(50); // it waited for the segment to end
      const part = await text(`${base}/live/ll.m3u8?_HLS_msn=${next + 1}&_HLS_part=1`);
      expect(partsOfSegment(part.body, next + 1).length).toBeGreaterThanOrEqual(2);
      // The preload-hinted part is answered once it exists.
      const hint = /PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(part.body)?.[1] ?? '';
      const hinted = await fetch(`${base}/live/${hint}`);
      expect(hinted.status).toBe(200);
      expect((await hinted.arrayBuffer()).byteLength).toBeGreaterThan(100);
      // Delta update: old segments become one EXT-X-SKIP once the playlist is long enough.
      const skipped = await text(`${base}/live/ll.m3u8?_HLS_skip=YES`);
      expect(skipped.status).toBe(200);
    } finally {
      await publisher.catch(() => undefined);
    }
  });

  it('every preload-hinted part comes, also when a keyframe closes the segment first', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS });
    const publisher = publishTestPattern(ports.rtmpPort, 'live/hint', 8);
    try {
      let playlist = await playlistWith(`${base}/live/hint.m3u8`, '#EXT-X-PART:');
      // Follow the hints part after part across several segment boundaries (1 s segments,
      // 300 ms parts): each hinted request is held until its part exists, then answered.
      const firstOfSegment: string[] = [];
      for (let i = 0; i < 12; i++) {
        const hint = /PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(playlist.body)?.[1] ?? '';
        const hinted = await fetch(`${base}/live/${hint}`);
        expect(hinted.status, hint).toBe(200);
        expect((await hinted.arrayBuffer()).byteLength).toBeGreaterThan(100);
        playlist = await text(`${base}/live/hint.m3u8`);
        const parsed = parseMediaPlaylist(playlist.body);
        const all = [...parsed.segments, ...(parsed.partialSegment ? [parsed.partialSegment] : [])];
        const segment = all.find((s) => s.parts.some((p) => p.uri === hint));
        expect(segment, `${hint} listed`).toBeDefined();
        if (segment?.parts[0]?.uri === hint) firstOfSegment.push(hint);
      }
      // Some hint was issued in one segment and came true as the first part of the next.
      expect(firstOfSegment.length).toBeGreaterThanOrEqual(2);
    } finally {
      await publisher.catch(() => undefined);
    }
  });

  it('answers malformed and far-future directives with 400 and a stalled wait with 503', async () => {
    const { ports, base } = await startTestServer(servers, { hls: HLS, publisherGraceMs: 10_000 });
    await push(ports.rtmpPort, 'live/stall'); // then the publisher is gone, within its grace
    const playlist = await text(`${base}/live/stall.m3u8`);
    const parsed = parseMediaPlaylist(playlist.body);
    // The segment of the newest part: the open one if it has parts, else the last complete one.
    const lastMsn =
      parsed.mediaSequence +
      parsed.segments.length -
      ((parsed.partialSegment?.parts.length ?? 0) > 0 ? 0 : 1);
    for (const [query, reason] of [
      ['_HLS_msn=x', 'non-negative integer'],
      ['_HLS_msn=-1', 'non-negative integer'],
      ['_HLS_part=2', 'requires _HLS_msn'],
      ['_HLS_msn=1&_HLS_part=1.5', 'non-negative integer'],
      ['_HLS_skip=NO', "'YES' or 'v2'"],
      [`_HLS_msn=${lastMsn + 3}`, 'too far ahead'],
    ] as const) {
      const res = await text(`${base}/live/stall.m3u8?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toContain(reason);
    }
    const started = Date.now();
    const stalled = await text(`${base}/live/stall.m3u8?_HLS_msn=${lastMsn + 2}`);
    expect(stalled.status).toBe(503);
    expect(stalled.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900); // 3 target durations of 1 s
    const bad = await fetch(`${base}/live/stall/hls/zzzz9999/seg-0.ts`);
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { error: string }).error).toContain('restarted or ended');
    expect((await fetch(`${base}/live/nothing.m3u8`)).status).toBe(404);
    expect((await fetch(`${base}/live/stall.m3u8`, { method: 'POST' })).status).toBe(405);
  });
});
