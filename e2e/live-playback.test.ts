/**
 * Acceptance (issue 3): ffmpeg publishes over RTMP and every output plays it back — RTMP,
 * HTTP-FLV and HTTP fMP4 judged by ffprobe (which also decodes every frame), WS-FLV and WS-fMP4
 * by in-process clients. Each clip is a single GOP, so the GOP cache hands a viewer that joins
 * right after the publish starts every frame from the first keyframe on: the viewer must get
 * exactly the frames in the clip (sizes, keyframes, timestamps, composition offsets).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBoxes } from '@tidecast/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeWithFfprobe } from './support/ffprobe.js';
import { startLiveServer, waitForTracks } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';
import {
  concatBytes,
  demuxFlvPieces,
  dtsSteps,
  frameDifferences,
  framesOfFmp4,
  fromFirstKeyframe,
  fromProbePackets,
  ofKind,
} from './support/live-timeline.js';
import type { TimedFrame } from './support/live-timeline.js';
import { RawViewer, probeLive } from './support/live-viewers.js';
import type { LiveProbe } from './support/live-viewers.js';
import { makeClip, publishClip } from './support/media-clip.js';
import type { ClipOptions } from './support/media-clip.js';

type Kinds = { video: boolean; audio: boolean };

let dir = '';
const clips = new Map<string, { file: string; frames: TimedFrame[] }>();
const servers: LiveServer[] = [];

const CLIPS: Record<string, ClipOptions> = {
  // 3 s at 15 fps: 45 video frames (B-frames: pts != dts), ~130 AAC frames.
  av: { video: true, audio: true, seconds: 3, bframes: 2 },
  video: { video: true, audio: false, seconds: 3 },
  audio: { video: false, audio: true, seconds: 3 },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-live-'));
  await Promise.all(
    Object.entries(CLIPS).map(async ([name, options]) => {
      const file = join(dir, `${name}.flv`);
      await makeClip(file, options);
      const probe = await probeWithFfprobe(file);
      const frames = fromProbePackets(probe.packets);
      clips.set(name, { file, frames });
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function clip(name: string): { file: string; frames: TimedFrame[] } {
  const c = clips.get(name);
  if (c === undefined) throw new Error(`no clip ${name}`);
  return c;
}

function expectAllFrames(
  label: string,
  got: readonly TimedFrame[],
  source: readonly TimedFrame[],
  kinds: Kinds,
  toleranceMs = 0,
): void {
  for (const kind of ['video', 'audio'] as const) {
    const expected = kinds[kind] ? ofKind(fromFirstKeyframe(source), kind) : [];
    const actual = ofKind(got, kind);
    expect(frameDifferences(actual, expected, { toleranceMs }), `${label} ${kind}`).toEqual([]);
    if (actual.length > 1) {
      const steps = dtsSteps(actual);
      expect(steps.min, `${label} ${kind} dts never goes back`).toBeGreaterThan(0);
    }
  }
}

function expectProbe(label: string, probe: LiveProbe, source: TimedFrame[], kinds: Kinds): void {
  expect(probe.stderr, `${label}: ffprobe errors`).toBe('');
  expect(probe.exitCode, label).toBe(0);
  expectAllFrames(label, probe.frames, source, kinds, 1);
  // Every packet decoded (audio: the AAC decoder may hold back its final frame).
  if (kinds.video)
    expect(probe.decoded.video, `${label} decoded video`).toBe(
      ofKind(probe.frames, 'video').length,
    );
  if (kinds.audio)
    expect(probe.decoded.audio, `${label} decoded audio`).toBeGreaterThanOrEqual(
      ofKind(probe.frames, 'audio').length - 1,
    );
}

async function publishAndWatch(name: string, kinds: Kinds): Promise<void> {
  const live = await startLiveServer({ publisherGraceMs: 500 });
  servers.push(live);
  const { file, frames: source } = clip(name);
  expect(ofKind(source, 'video').length).toBe(kinds.video ? 45 : 0);
  const key = `live/${name}`;
  const publishing = publishClip(live.rtmpUrl(key), file);
  await waitForTracks(live, key, kinds);
  const wsFlv = new RawViewer(live.wsUrl(key, 'flv'));
  const wsMp4 = new RawViewer(live.wsUrl(key, 'mp4'));
  const [published, rtmp, httpFlv, httpMp4, wsFlvEnd, wsMp4End] = await Promise.all([
    publishing,
    probeLive(live.rtmpUrl(key)),
    probeLive(live.httpUrl(key, 'flv')),
    probeLive(live.httpUrl(key, 'mp4')),
    wsFlv.closed,
    wsMp4.closed,
  ]);
  expect(published.exitCode, published.stderr).toBe(0);

  expectProbe('RTMP', rtmp, source, kinds);
  expectProbe('HTTP-FLV', httpFlv, source, kinds);
  expectProbe('HTTP-fMP4', httpMp4, source, kinds);

  // WS-FLV: ended normally (1000) after the grace period; every tag demuxes.
  expect(wsFlvEnd).toMatchObject({ how: 'end', code: 1000 });
  const flv = demuxFlvPieces(wsFlv.pieces);
  expect(flv.problems).toEqual([]);
  expect(flv.tracks.map((t) => t.kind).sort()).toEqual(
    (['audio', 'video'] as const).filter((k) => kinds[k]),
  );
  expectAllFrames('WS-FLV', flv.frames, source, kinds);

  // WS-fMP4: init segment (ftyp + moov) as the first message, then moof + mdat fragments.
  expect(wsMp4End).toMatchObject({ how: 'end', code: 1000 });
  expect(readBoxes(wsMp4.pieces[0] ?? new Uint8Array(0)).map((b) => b.type)).toEqual([
    'ftyp',
    'moov',
  ]);
  for (const piece of wsMp4.pieces.slice(1)) {
    expect(readBoxes(piece).map((b) => b.type)).toEqual(['moof', 'mdat']);
  }
  expectAllFrames('WS-fMP4', framesOfFmp4(concatBytes(wsMp4.pieces)), source, kinds, 1);
}

describe('live playback of an ffmpeg publish over every output', () => {
  it('H.264 (with B-frames) + AAC', async () => {
    await publishAndWatch('av', { video: true, audio: true });
  });

  it('H.264 video only', async () => {
    await publishAndWatch('video', { video: true, audio: false });
  });

  it('AAC audio only', async () => {
    await publishAndWatch('audio', { video: false, audio: true });
  });
});
