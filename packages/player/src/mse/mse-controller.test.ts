import { describe, it, expect } from 'vitest';
import { PlayerError } from '../errors.js';
import { MseController } from './mse-controller.js';
import type { MseControllerOptions, SegmentTiming } from './mse-controller.js';
import {
  FakeEnvironment,
  FakeMediaSource,
  FakeVideo,
  fakeSegment,
} from './test-support/fake-mse.js';
import type { FakeSourceBuffer } from './test-support/fake-mse.js';

const AVC = 'video/mp4; codecs="avc1.64001f,mp4a.40.2"';
const HEVC = 'video/mp4; codecs="hvc1.1.6.L93.B0,mp4a.40.2"';
const INIT = new Uint8Array(8);

interface Rig {
  env: FakeEnvironment;
  video: FakeVideo;
  mse: MseController;
  errors: PlayerError[];
  sb: () => FakeSourceBuffer;
}

function rig(options: Partial<MseControllerOptions> = {}, env = new FakeEnvironment()): Rig {
  FakeMediaSource.supported = new Set([AVC, HEVC]);
  const video = new FakeVideo(env);
  const errors: PlayerError[] = [];
  const mse = new MseController(
    video as unknown as HTMLVideoElement,
    { backBufferSec: 10, evictIntervalMs: 0, environment: env, ...options },
    (e) => errors.push(e),
  );
  const sb = (): FakeSourceBuffer => {
    const buffer = video.attached?.buffers[0];
    if (buffer === undefined) throw new Error('no SourceBuffer');
    return buffer;
  };
  return { env, video, mse, errors, sb };
}

/** A `sec`-long segment starting at `start`; keyframes every `gop` seconds. */
function segment(start: number, sec: number, gop: number, size = 100): [Uint8Array, SegmentTiming] {
  const key = Math.abs(start / gop - Math.round(start / gop)) < 1e-9 ? 1 : 0;
  return [
    fakeSegment(start, start + sec, size),
    { startSec: start, endSec: start + sec, keyframes: key },
  ];
}

/** Appends [from, to) in 1 s segments while the playhead follows `lag` seconds behind. */
async function play(
  r: Rig,
  from: number,
  to: number,
  lag: number,
  gop = 2,
  size = 100,
): Promise<string[]> {
  const outcomes: string[] = [];
  for (let t = from; t < to; t++) {
    r.video.currentTime = Math.max(0, t - lag);
    outcomes.push(await r.mse.appendSegment(...segment(t, 1, gop, size)));
  }
  return outcomes;
}

describe('MseController open', () => {
  it('attaches a MediaSource through an object URL and marks it live', async () => {
    const r = rig();
    await r.mse.open();
    expect(r.video.src).toBe('blob:fake/1');
    expect(r.video.attached?.readyState).toBe('open');
    expect(r.video.attached?.duration).toBe(Infinity);
    expect(r.mse.managed).toBe(false);
  });

  it('falls back to ManagedMediaSource and disables remote playback for it', async () => {
    const env = new FakeEnvironment();
    env.MediaSource = undefined;
    env.ManagedMediaSource = FakeMediaSource;
    const r = rig({}, env);
    await r.mse.open();
    expect(r.mse.managed).toBe(true);
    expect(r.video.disableRemotePlayback).toBe(true);
  });

  it('rejects with a fatal NO_MSE error without any MediaSource', async () => {
    const env = new FakeEnvironment();
    env.MediaSource = undefined;
    const r = rig({}, env);
    const error = await r.mse.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlayerError);
    expect(error).toMatchObject({ code: 'NO_MSE', fatal: true });
  });
});

describe('MseController appends', () => {
  it('refuses unsupported codecs with a fatal error naming the mime type', async () => {
    const r = rig();
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: 'video/mp4; codecs="av01.0.08M.08"' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'UNSUPPORTED_CODEC', fatal: true });
    expect(r.errors[0]?.message).toContain('av01.0.08M.08');
    expect(await r.mse.appendSegment(...segment(0, 1, 2))).toBe('dropped');
    expect(r.errors).toHaveLength(1);
  });

  it('creates one SourceBuffer, appends media and switches codecs with changeType', async () => {
    const r = rig();
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    expect(await r.mse.appendSegment(...segment(0, 1, 2))).toBe('appended');
    await r.mse.appendInit(INIT, { mimeType: AVC }); // same codecs: no changeType
    await r.mse.appendInit(INIT, { mimeType: HEVC });
    expect(await r.mse.appendSegment(...segment(1, 1, 1))).toBe('appended');
    expect(r.video.attached?.buffers).toHaveLength(1);
    expect(r.sb().log.filter((l) => l.startsWith('changeType'))).toEqual([`changeType ${HEVC}`]);
    expect(r.mse.bufferedRanges()).toEqual([[0, 2]]);
    expect(r.mse.bufferedStart()).toBe(0);
    expect(r.mse.bufferedEnd()).toBe(2);
    expect(r.errors).toEqual([]);
  });

  it('applies timestampOffset in order with the appends', async () => {
    const r = rig();
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    await r.mse.setTimestampOffset(100);
    await r.mse.appendSegment(...segment(0, 1, 2));
    expect(r.mse.bufferedRanges()).toEqual([[100, 101]]);
  });

  it('turns a SourceBuffer append error into one fatal MSE error', async () => {
    const r = rig();
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    r.sb().failNextAppend = true;
    expect(await r.mse.appendSegment(...segment(0, 1, 2))).toBe('dropped');
    expect(await r.mse.appendSegment(...segment(1, 1, 2))).toBe('dropped');
    expect(r.errors.map((e) => [e.code, e.fatal])).toEqual([['MSE', true]]);
  });

  it("reports the media element's error as fatal", async () => {
    const r = rig();
    await r.mse.open();
    r.video.dispatchEvent(new Event('error'));
    expect(r.errors.map((e) => e.code)).toEqual(['MSE']);
    expect(r.mse.failed).toBe(true);
  });
});

describe('MseController eviction and quota', () => {
  it('keeps backBufferSec behind the playhead, cutting only at keyframes', async () => {
    const r = rig({ backBufferSec: 10 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    await play(r, 0, 40, 1);
    const start = r.mse.bufferedStart();
    // Playhead at 38 -> keep from 28 back; keyframes every 2 s.
    expect(start).toBeGreaterThanOrEqual(26);
    expect(start).toBeLessThanOrEqual(28);
    expect(start % 2).toBe(0);
    expect(r.mse.bufferedEnd()).toBe(40);
    expect(r.mse.evictionCount).toBeGreaterThan(0);
  });

  it('on a real QuotaExceededError evicts to ~2 s behind the playhead and retries', async () => {
    const r = rig({ backBufferSec: 1000 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    r.sb().capacityBytes = 2000; // 20 one-second segments
    const outcomes = await play(r, 0, 30, 1);
    expect(outcomes.every((o) => o === 'appended')).toBe(true);
    expect(r.mse.quotaExceededCount).toBeGreaterThan(0);
    expect(r.mse.bufferedStart()).toBeGreaterThan(0);
    // Never removed the GOP under the playhead (29).
    expect(r.mse.bufferedStart()).toBeLessThanOrEqual(27);
    expect(r.errors).toEqual([]);
  });

  it('maxBufferBytes exercises the same path without a real quota', async () => {
    const r = rig({ backBufferSec: 1000, maxBufferBytes: 1500 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    const outcomes = await play(r, 0, 30, 1);
    expect(outcomes.every((o) => o === 'appended')).toBe(true);
    expect(r.mse.quotaExceededCount).toBeGreaterThan(0);
    expect(r.mse.heldBytes).toBeLessThanOrEqual(1500);
    expect(r.mse.bufferedEnd() - r.mse.bufferedStart()).toBeLessThanOrEqual(15);
  });

  it('still full: a non-fatal QUOTA error, the segment dropped, then waits for a keyframe', async () => {
    const r = rig({ backBufferSec: 1000, maxBufferBytes: 350 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    // The playhead stays at 0: nothing behind it may be evicted.
    r.video.currentTime = 0;
    const outcomes: string[] = [];
    for (let t = 0; t < 6; t++) outcomes.push(await r.mse.appendSegment(...segment(t, 1, 2)));
    expect(outcomes).toEqual(['appended', 'appended', 'appended', 'dropped', 'dropped', 'dropped']);
    expect(r.errors.every((e) => e.code === 'QUOTA' && !e.fatal)).toBe(true);
    expect(r.errors.length).toBeGreaterThan(0);
    // Playback moved on: the keyframe at 6 makes room (evict to 2 s behind 5.5) and is appended;
    // the P-frame segment at 7 follows, and nothing from before the drop is appended out of turn.
    r.video.currentTime = 5.5;
    expect(await r.mse.appendSegment(...segment(6, 1, 2))).toBe('appended');
    expect(await r.mse.appendSegment(...segment(7, 1, 2))).toBe('appended');
    expect(r.mse.droppedSegments).toBe(3);
    expect(r.mse.failed).toBe(false);
  });

  it('drops non-keyframe segments after a quota drop until a keyframe arrives', async () => {
    const r = rig({ backBufferSec: 1000, maxBufferBytes: 250 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    r.video.currentTime = 0;
    await r.mse.appendSegment(...segment(0, 1, 4));
    await r.mse.appendSegment(...segment(1, 1, 4));
    expect(await r.mse.appendSegment(...segment(2, 1, 4))).toBe('dropped'); // full
    r.video.currentTime = 100; // everything behind may go now
    expect(await r.mse.appendSegment(...segment(3, 1, 4))).toBe('dropped'); // P-frame: waits
    expect(await r.mse.appendSegment(...segment(4, 1, 4))).toBe('appended'); // keyframe
    expect(r.sb().log.filter((l) => l.startsWith('append')).length).toBe(4); // init + 0, 1, 4
  });

  it('keeps appending audio fragments while video waits for a keyframe (audio-only never waits)', async () => {
    const r = rig({ backBufferSec: 1000, maxBufferBytes: 250 });
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    r.video.currentTime = 0;
    const audio = (start: number): [Uint8Array, SegmentTiming] => [
      fakeSegment(start, start + 1, 100),
      { startSec: start, endSec: start + 1, keyframes: 0, videoFrames: 0 },
    ];
    await r.mse.appendSegment(...audio(0));
    await r.mse.appendSegment(...audio(1));
    expect(await r.mse.appendSegment(...audio(2))).toBe('dropped'); // full
    r.video.currentTime = 100;
    expect(await r.mse.appendSegment(...audio(3))).toBe('appended');
    expect(await r.mse.appendSegment(...audio(4))).toBe('appended');
  });
});

describe('MseController teardown', () => {
  it('detaches: revokes the URL, clears src, reloads, and settles queued work quietly', async () => {
    const r = rig();
    await r.mse.open();
    await r.mse.appendInit(INIT, { mimeType: AVC });
    r.sb().autoFinish = false;
    const pending = r.mse.appendSegment(...segment(0, 1, 2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const ms = r.video.attached;
    r.mse.destroy();
    await expect(pending).resolves.toBe('dropped');
    expect(r.env.revoked).toEqual(['blob:fake/1']);
    expect(r.video.src).toBe('');
    expect(r.video.loads).toBe(1);
    expect(ms?.readyState).toBe('closed');
    expect(ms?.buffers).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.mse.bufferedRanges()).toEqual([]);
    expect(await r.mse.appendSegment(...segment(1, 1, 2))).toBe('dropped');
  });

  it('open() resolves when destroyed before sourceopen', async () => {
    const r = rig();
    const opening = r.mse.open();
    r.mse.destroy();
    await expect(opening).resolves.toBeUndefined();
    expect(r.errors).toEqual([]);
  });
});
