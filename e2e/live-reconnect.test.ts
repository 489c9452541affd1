/**
 * Acceptance (issue 3): a publisher that goes away and comes back within the grace period.
 * Viewers keep their connections and get the new publisher's frames right after the old
 * one's, on one continuous timeline (the hub offsets the newcomer's timestamps).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegDecodeErrors } from './support/ffprobe.js';
import { sleep, startLiveServer, waitFor, waitForTracks } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';
import {
  concatBytes,
  demuxFlvPieces,
  dtsSteps,
  frameDifferences,
  framesOfFmp4,
  fromFirstKeyframe,
  ofKind,
  probeFrames,
} from './support/live-timeline.js';
import type { TimedFrame } from './support/live-timeline.js';
import { FlvViewer, RawViewer, probeLive } from './support/live-viewers.js';
import { makeClip, publishClip, readClipTags } from './support/media-clip.js';
import type { ClipTag } from './support/media-clip.js';
import { PacedPublisher } from './support/paced-publisher.js';
import { RtmpTestClient } from './support/rtmp-test-client.js';

let dir = '';
let clipA = '';
let clipB = '';
let sourceA: TimedFrame[] = [];
let tagsA: ClipTag[] = [];
let tagsB: ClipTag[] = [];
const servers: LiveServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-reconnect-'));
  clipA = join(dir, 'a.flv');
  clipB = join(dir, 'b.flv');
  await Promise.all([
    makeClip(clipA, { video: true, audio: true, seconds: 2, fps: 15, gop: 15 }),
    // The second publisher uses another resolution: viewers need its new sequence header.
    makeClip(clipB, { video: true, audio: true, seconds: 1.4, fps: 15, gop: 15, size: '160x90' }),
  ]);
  sourceA = await probeFrames(clipA);
  [tagsA, tagsB] = await Promise.all([readClipTags(clipA), readClipTags(clipB)]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/**
 * The viewer got A's frames as sent, then B's frames as sent shifted by one offset; the
 * timeline never goes back and has no hole longer than `maxStepMs`.
 */
function expectBothPublishers(
  label: string,
  frames: readonly TimedFrame[],
  a: readonly TimedFrame[],
  b: readonly TimedFrame[],
  toleranceMs: number,
  maxStepMs = 250,
): void {
  // B's frames follow A's on one timeline, shifted by the offset the hub chose.
  const firstB = ofKind(frames, 'video')[ofKind(a, 'video').length]?.dts ?? Number.NaN;
  const offsetMs = firstB - (ofKind(b, 'video')[0]?.dts ?? 0);
  for (const kind of ['video', 'audio'] as const) {
    const got = ofKind(frames, kind);
    const fromA = ofKind(a, kind).length;
    expect(
      frameDifferences(got.slice(0, fromA), ofKind(a, kind), { toleranceMs }),
      `${label} A ${kind}`,
    ).toEqual([]);
    expect(
      frameDifferences(got.slice(fromA), ofKind(b, kind), { toleranceMs, offsetMs }),
      `${label} B ${kind} (offset ${offsetMs} ms)`,
    ).toEqual([]);
    const steps = dtsSteps(ofKind(frames, kind));
    expect(steps.min, `${label} ${kind} dts increases`).toBeGreaterThan(0);
    expect(steps.max, `${label} ${kind} no hole in the timeline`).toBeLessThanOrEqual(maxStepMs);
  }
}

describe('publisher reconnect within the grace period', () => {
  it('ffmpeg A ends, ffmpeg B starts: RTMP, HTTP-FLV, WS-FLV and WS-fMP4 viewers stay and continue', async () => {
    const live = await startLiveServer({ publisherGraceMs: 2_000 });
    servers.push(live);
    const key = 'live/re';
    const first = publishClip(live.rtmpUrl(key), clipA);
    await waitForTracks(live, key, { video: true, audio: true });
    const wsFlv = new RawViewer(live.wsUrl(key, 'flv'));
    const wsMp4 = new RawViewer(live.wsUrl(key, 'mp4'));
    const probes = Promise.all([probeLive(live.rtmpUrl(key)), probeLive(live.httpUrl(key, 'flv'))]);
    expect((await first).exitCode).toBe(0);
    // A is gone (it unpublished): the stream waits in its grace period, viewers attached.
    await waitFor('grace period', () => (live.stats(key)?.publishing === false ? true : undefined));
    expect(live.stats(key)?.viewerCount).toBe(4);
    const second = publishClip(live.rtmpUrl(key), clipA);
    await waitFor('B publishing', () => (live.stats(key)?.publishing === true ? true : undefined));
    expect(live.stats(key)?.reconnects).toBe(1);
    expect((await second).exitCode).toBe(0);
    const [[rtmp, httpFlv], flvEnd, mp4End] = await Promise.all([
      probes,
      wsFlv.closed,
      wsMp4.closed,
    ]);

    for (const [label, probe] of [
      ['RTMP', rtmp],
      ['HTTP-FLV', httpFlv],
    ] as const) {
      expect(probe.stderr, `${label} ffprobe`).toBe('');
      expect(probe.exitCode).toBe(0);
      expect(probe.decoded.video, `${label} decoded video`).toBe(60);
      expectBothPublishers(label, probe.frames, fromFirstKeyframe(sourceA), sourceA, 1);
    }
    // One connection each from A's first frame to B's last, then a normal close.
    expect(flvEnd).toMatchObject({ how: 'end', code: 1000 });
    expect(mp4End).toMatchObject({ how: 'end', code: 1000 });
    const flv = demuxFlvPieces(wsFlv.pieces);
    expect(flv.problems).toEqual([]);
    const joined = fromFirstKeyframe(sourceA);
    expectBothPublishers('WS-FLV', flv.frames, joined, sourceA, 0);
    expectBothPublishers('WS-fMP4', framesOfFmp4(concatBytes(wsMp4.pieces)), joined, sourceA, 1);
  });

  it('A drops its connection without unpublishing; B (new resolution) takes over', async () => {
    const live = await startLiveServer({ publisherGraceMs: 3_000 });
    servers.push(live);
    const key = 'live/drop';
    const a = await RtmpTestClient.publish(live.ports.rtmpPort, key);
    const viewers = [
      new FlvViewer(live.httpUrl(key, 'flv'), { keepBytes: true }),
      new FlvViewer(live.wsUrl(key, 'flv')),
    ];
    await Promise.all(viewers.map((v) => v.raw.opened));
    await waitFor('viewers', () => (live.stats(key)?.viewerCount === 2 ? true : undefined));
    const pubA = new PacedPublisher(a, tagsA, { maxTags: 30 });
    pubA.start();
    await pubA.done;
    a.socket.destroy(); // no FCUnpublish / deleteStream: the TCP connection just ends
    await waitFor('grace period', () => (live.stats(key)?.publishing === false ? true : undefined));
    await sleep(500);
    const b = await RtmpTestClient.publish(live.ports.rtmpPort, key);
    const pubB = new PacedPublisher(b, tagsB);
    pubB.start();
    await pubB.done;
    await b.end('drop');
    const ends = await Promise.all(viewers.map((v) => v.raw.closed));

    for (const [i, viewer] of viewers.entries()) {
      const label = i === 0 ? 'HTTP-FLV' : 'WS-FLV';
      expect(ends[i], label).toMatchObject({ how: 'end' });
      expect(viewer.problems, label).toEqual([]);
      expect(viewer.tracks, `${label}: 2 tracks of A, then B's new video track`).toBe(3);
      expectBothPublishers(label, viewer.frames, pubA.sent, pubB.sent, 0);
    }
    // The HTTP-FLV body (both publishers, one connection) decodes as one FLV file.
    const body = join(dir, 'drop.flv');
    await writeFile(body, concatBytes(viewers[0]?.raw.pieces ?? []));
    expect(await ffmpegDecodeErrors(body)).toBe('');
  });
});
