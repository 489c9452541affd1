/**
 * Acceptance (issue 3, "codecs pass through"): HEVC (Enhanced RTMP and the legacy codec id 12),
 * AV1, Opus and MP3 published over RTMP reach every output intact. ffmpeg 5.1 cannot publish
 * the Enhanced RTMP codecs, so `tidecast push` (our RTMP client, paced in real time) publishes an
 * FLV built from an ffmpeg-encoded MP4 (support/enhanced-flv.ts); ffmpeg publishes the
 * H.264 + MP3 clip itself. The FLV outputs (HTTP, WebSocket, RTMP play) are read by our demuxer
 * (ffmpeg 5.1 cannot read them either) and must carry exactly the published frames; the fMP4
 * outputs are judged by ffmpeg: it reads the codecs named, decodes every frame without a
 * complaint, and its packets match the published frames.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlvTag, writeFlvHeader } from '@tidecast/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeMp4, enhancedCases, flvFromMp4 } from './support/enhanced-flv.js';
import { ffmpegDecodeErrors, probeWithFfprobe } from './support/ffprobe.js';
import { startLiveServer, waitForTracks } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';
import {
  concatBytes,
  demuxFlvPieces,
  dtsSteps,
  frameDifferences,
  framesOfFmp4,
  fromFirstKeyframe,
  ofKind,
} from './support/live-timeline.js';
import type { DemuxedFlv, TimedFrame } from './support/live-timeline.js';
import { RawViewer, probeLive } from './support/live-viewers.js';
import { makeClip, publishClip } from './support/media-clip.js';
import { RtmpTestClient } from './support/rtmp-test-client.js';
import { runTidecast } from './support/tidecast-cli.js';

const SECONDS = 2;

interface LiveCase {
  name: string;
  file: string;
  /** Codec names as our demuxer gives them (ffprobe's too, but for H.264: 'h264'). */
  video: string;
  audio: string;
  /** The published frames, as our demuxer reads the source FLV. */
  frames: TimedFrame[];
  publisher: 'tidecast push' | 'ffmpeg';
}

let dir = '';
const cases = new Map<string, LiveCase>();
const servers: LiveServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-live-codecs-'));
  // One GOP for the whole clip, so a viewer joining through the GOP cache gets every frame.
  for (const c of enhancedCases(SECONDS * 30 + 30)) {
    const mp4 = join(dir, `${c.name}.mp4`);
    await encodeMp4(mp4, c, SECONDS);
    const flv = flvFromMp4(new Uint8Array(await readFile(mp4)), c.legacy === true);
    const file = join(dir, `${c.name}.flv`);
    await writeFile(file, flv);
    const frames = demuxFlvPieces([flv]).frames;
    cases.set(c.name, {
      name: c.name,
      file,
      video: c.video,
      audio: c.audio,
      frames,
      publisher: 'tidecast push',
    });
  }
  const mp3 = join(dir, 'h264-mp3.flv');
  await makeClip(mp3, { video: true, audio: true, seconds: SECONDS, fps: 30, audioCodec: 'mp3' });
  cases.set('h264-mp3', {
    name: 'h264-mp3',
    file: mp3,
    video: 'avc',
    audio: 'mp3',
    frames: demuxFlvPieces([new Uint8Array(await readFile(mp3))]).frames,
    publisher: 'ffmpeg',
  });
}, 240_000);
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function liveCase(name: string): LiveCase {
  const c = cases.get(name);
  if (c === undefined) throw new Error(`no case ${name}`);
  return c;
}

/** The FLV a played RTMP stream amounts to: its audio, video and data messages as tags. */
function flvOfRtmp(client: RtmpTestClient): Uint8Array[] {
  const parts = [writeFlvHeader({ hasVideo: true, hasAudio: true })];
  for (const e of client.events) {
    if (e.type !== 'media') continue;
    parts.push(buildFlvTag(e.message.typeId, e.message.timestamp, [], e.message.payload));
  }
  return parts;
}

function expectFrames(label: string, got: readonly TimedFrame[], c: LiveCase, tolerance = 0) {
  const expected = fromFirstKeyframe(c.frames);
  for (const kind of ['video', 'audio'] as const) {
    const want = ofKind(expected, kind);
    const have = ofKind(got, kind);
    expect(want.length, `${c.name} ${kind} frames published`).toBeGreaterThan(SECONDS * 25);
    expect(frameDifferences(have, want, { toleranceMs: tolerance }), `${label} ${kind}`).toEqual(
      [],
    );
    expect(dtsSteps(have).min, `${label} ${kind} dts never goes back`).toBeGreaterThan(0);
  }
}

function expectFlv(label: string, flv: DemuxedFlv, c: LiveCase): void {
  expect(flv.problems, label).toEqual([]);
  expect(flv.tracks.map((t) => t.codec).sort(), `${label} codecs`).toEqual(
    [c.audio, c.video].sort(),
  );
  expectFrames(label, flv.frames, c);
}

/** ffmpeg on a whole fMP4 output: the codecs, no decoding complaint, the published frames. */
async function expectFmp4File(label: string, file: string, c: LiveCase): Promise<void> {
  expect(await ffmpegDecodeErrors(file), `${label}: ffmpeg decode`).toBe('');
  const probe = await probeWithFfprobe(file);
  expect(probe.streams.map((s) => s.codecName).sort(), `${label} codecs`).toEqual(
    [c.audio, c.video === 'avc' ? 'h264' : c.video].sort(),
  );
  expectFrames(label, framesOfFmp4(new Uint8Array(await readFile(file))), c, 1);
}

async function publishAndWatch(name: string): Promise<void> {
  const c = liveCase(name);
  const live = await startLiveServer({ publisherGraceMs: 500 });
  servers.push(live);
  const key = `live/${c.name}`;
  const publishing =
    c.publisher === 'ffmpeg'
      ? publishClip(live.rtmpUrl(key), c.file)
      : runTidecast(['push', c.file, live.rtmpUrl(key)]);
  await waitForTracks(live, key, { video: true, audio: true });

  const httpFlv = new RawViewer(live.httpUrl(key, 'flv'));
  const wsFlv = new RawViewer(live.wsUrl(key, 'flv'));
  const wsMp4 = new RawViewer(live.wsUrl(key, 'mp4'));
  const rtmp = await RtmpTestClient.play(live.ports.rtmpPort, key);
  const [published, httpMp4, ...ends] = await Promise.all([
    publishing,
    probeLive(live.httpUrl(key, 'mp4')),
    httpFlv.closed,
    wsFlv.closed,
    wsMp4.closed,
    rtmp.closed.then(() => ({ how: 'end' })),
  ]);
  expect(published.exitCode, published.stderr).toBe(0);
  for (const end of ends) expect(end).toMatchObject({ how: 'end' });

  expectFlv('HTTP-FLV', demuxFlvPieces(httpFlv.pieces), c);
  expectFlv('WS-FLV', demuxFlvPieces(wsFlv.pieces), c);
  expectFlv('RTMP play', demuxFlvPieces(flvOfRtmp(rtmp)), c);

  // HTTP fMP4 read live by ffprobe, which decodes every frame as it goes.
  expect(httpMp4.stderr, 'HTTP-fMP4: ffprobe errors').toBe('');
  expect(httpMp4.exitCode).toBe(0);
  expectFrames('HTTP-fMP4', httpMp4.frames, c, 1);
  expect(httpMp4.decoded.video, 'HTTP-fMP4 decoded video').toBe(
    ofKind(httpMp4.frames, 'video').length,
  );
  expect(httpMp4.decoded.audio, 'HTTP-fMP4 decoded audio').toBeGreaterThanOrEqual(
    ofKind(httpMp4.frames, 'audio').length - 1,
  );

  const wsFile = join(dir, `${c.name}.ws.mp4`);
  await writeFile(wsFile, concatBytes(wsMp4.pieces));
  await expectFmp4File('WS-fMP4', wsFile, c);
}

describe('codecs pass through the live server on every output', () => {
  it.each(['hevc-opus', 'av1-aac', 'hevc-legacy-id12-aac'])(
    '%s published by tidecast push',
    async (name) => {
      await publishAndWatch(name);
    },
    60_000,
  );

  it('h264-mp3 published by ffmpeg', async () => {
    await publishAndWatch('h264-mp3');
  }, 60_000);
});
