import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeErrors,
  ffmpeg,
  moofTrackIds,
  probeFrames,
  probePackets,
  readBytes,
  segmentsOf,
  tempDir,
  transmuxChunked,
  writeMp4,
} from './test-support/transmux-fixtures.js';

const dir = tempDir('tidecast-flv-transmux-');
const SRC = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2'];
const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'];

function make(name: string, args: readonly string[]): Uint8Array {
  const file = join(dir, name);
  ffmpeg([...args, '-f', 'flv', file]);
  return readBytes(file);
}

let av: Uint8Array;
let videoOnly: Uint8Array;
let audioOnly: Uint8Array;
let bframes: Uint8Array;

beforeAll(() => {
  av = make('av.flv', [...SRC, ...TONE, ...X264, '-bf', '0', '-c:a', 'aac', '-ac', '2']);
  videoOnly = make('v.flv', [...SRC, ...X264, '-bf', '0']);
  audioOnly = make('a.flv', [...TONE, '-c:a', 'aac', '-ac', '1']);
  bframes = make('b.flv', [...SRC, ...TONE, ...X264, '-bf', '2', '-c:a', 'aac']);
});

describe('Transmuxer (FLV)', () => {
  it.each([1, 2, 3])('remuxes H.264+AAC into clean per-frame fMP4 (split seed %i)', (seed) => {
    const out = transmuxChunked(av, { format: 'flv' }, seed);
    expect(out.filter((o) => o.type === 'error')).toEqual([]);
    const inits = out.filter((o) => o.type === 'init');
    expect(inits).toHaveLength(1);
    const init = inits[0];
    expect(init?.type === 'init' && init.media.mimeType).toMatch(
      /^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/,
    );
    const file = join(dir, `av-${seed}.mp4`);
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    const segments = segmentsOf(out);
    const video = segments.filter((s) => s.videoFrames > 0);
    const audio = segments.filter((s) => s.audioFrames > 0);
    // One fragment per video frame (2 s at 25 fps), the first a keyframe.
    expect(video).toHaveLength(50);
    expect(video.every((s) => s.videoFrames === 1 && s.audioFrames === 0)).toBe(true);
    expect(video[0]?.keyframes).toBe(1);
    const frames = probeFrames(file);
    expect(frames.video).toBe(50);
    // Audio that ends (mostly) before the first video frame is dropped so both start together.
    const packets = probePackets(join(dir, 'av.flv'));
    const halfFrame = 1024 / 44100 / 2;
    const kept = packets.audioDts.filter((t) => t + halfFrame >= packets.firstVideoDts).length;
    expect(kept).toBeLessThan(packets.audio);
    expect(frames.audio).toBe(kept);
    // Audio does not wait for video: every AAC frame is its own audio-only fragment.
    expect(audio).toHaveLength(kept);
    expect(audio.every((s) => s.audioFrames === 1 && s.videoFrames === 0)).toBe(true);
    expect(segments).toHaveLength(video.length + audio.length);
    // The same in the bytes: one moof per segment, one traf each (track 1 video, 2 audio).
    const moofs = segments.flatMap((s) => moofTrackIds(s.bytes));
    expect(moofs).toHaveLength(50 + kept);
    expect(moofs.filter((ids) => ids.length === 1 && ids[0] === 1)).toHaveLength(50);
    expect(moofs.filter((ids) => ids.length === 1 && ids[0] === 2)).toHaveLength(kept);
    // Each track's fragments follow one another end to start, in output order.
    for (const track of [video, audio]) {
      for (let i = 1; i < track.length; i++) {
        expect(track[i]?.startSec).toBeCloseTo(track[i - 1]?.endSec ?? NaN, 6);
      }
    }
    // In output order audio leads video by at most the video frame held back (40 ms) plus the
    // AAC frame just sent, and never trails it by a whole AAC frame (ffmpeg interleaves by dts).
    const aacSec = 1024 / 44100;
    let videoEnd: number | undefined;
    let audioEnd: number | undefined;
    for (const s of segments) {
      if (s.videoFrames > 0) videoEnd = s.endSec;
      else audioEnd = s.endSec;
      if (videoEnd === undefined || audioEnd === undefined) continue;
      expect(audioEnd - videoEnd).toBeLessThan(0.04 + aacSec + 0.001);
      expect(videoEnd - audioEnd).toBeLessThan(aacSec);
    }
  });

  it('reports segment times in seconds from the samples', () => {
    const segments = segmentsOf(transmuxChunked(av, { format: 'flv' }, 9));
    const video = segments.filter((s) => s.videoFrames > 0);
    for (let i = 1; i < video.length; i++) {
      const prev = video[i - 1];
      const cur = video[i];
      expect(cur && prev && cur.startSec).toBeGreaterThan(prev?.startSec ?? Infinity);
    }
    const last = video[video.length - 1];
    expect(last?.endSec).toBeCloseTo(2, 1);
  });

  it('handles video-only input', () => {
    const out = transmuxChunked(videoOnly, { format: 'flv' }, 4);
    const init = out.find((o) => o.type === 'init');
    expect(init?.type === 'init' && init.media.audio).toBeUndefined();
    const file = join(dir, 'v.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    expect(probeFrames(file).video).toBe(50);
    expect(segmentsOf(out)).toHaveLength(50);
  });

  it('handles audio-only input with ~60 ms fragments', () => {
    const out = transmuxChunked(audioOnly, { format: 'flv' }, 5);
    const init = out.find((o) => o.type === 'init');
    expect(init?.type === 'init' && init.media.mimeType).toBe('audio/mp4; codecs="mp4a.40.2"');
    const file = join(dir, 'a.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    const segments = segmentsOf(out);
    expect(segments.slice(0, -1).every((s) => s.audioFrames === 3)).toBe(true);
    const total = segments.reduce((n, s) => n + s.audioFrames, 0);
    expect(total).toBe(probePackets(join(dir, 'a.flv')).audio);
    expect(out.filter((o) => o.type === 'warning')).toEqual([]);
  });

  it('keeps B-frame composition offsets (decodes every frame, in presentation order)', () => {
    const out = transmuxChunked(bframes, { format: 'flv' }, 6);
    const file = join(dir, 'b.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    const frames = probeFrames(file);
    expect(frames.video).toBe(50);
    const sorted = [...frames.videoPts].sort((a, b) => a - b);
    expect(frames.videoPts).toEqual(sorted);
    expect(new Set(frames.videoPts).size).toBe(50);
  });
});
