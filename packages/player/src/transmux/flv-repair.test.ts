import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TransmuxOutput } from './transmux-types.js';
import {
  decodeErrors,
  demuxFlv,
  ffmpeg,
  muxFlv,
  probeFrames,
  readBytes,
  segmentsOf,
  tempDir,
  transmuxChunked,
  writeMp4,
} from './test-support/transmux-fixtures.js';
import type { FlvItem } from './test-support/transmux-fixtures.js';

const dir = tempDir('tidecast-flv-repair-');
const AAC_FRAME_S = 1024 / 44100;

function make(name: string, size: string): FlvItem[] {
  const file = join(dir, name);
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=2`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-ac', '2', '-f', 'flv', file],
  ]);
  return demuxFlv(readBytes(file));
}

function codes(out: readonly TransmuxOutput[]): string[] {
  return out.flatMap((o) => (o.type === 'warning' || o.type === 'error' ? [o.code] : []));
}

function run(
  items: readonly FlvItem[],
  name: string,
  seed = 1,
): { out: TransmuxOutput[]; file: string } {
  const out = transmuxChunked(muxFlv(items), { format: 'flv' }, seed);
  const file = join(dir, name);
  writeMp4(file, out);
  return { out, file };
}

const isAudio = (i: FlvItem): boolean => i.type === 'packet' && i.packet.kind === 'audio';
const isVideo = (i: FlvItem): boolean => i.type === 'packet' && i.packet.kind === 'video';

let small: FlvItem[];
let large: FlvItem[];

beforeAll(() => {
  small = make('small.flv', '160x120');
  large = make('large.flv', '320x240');
});

describe('FLV A/V repairs', () => {
  it('fills an audio gap with silent AAC frames and keeps audio continuous', () => {
    const items = small.filter(
      (i) =>
        !(
          i.type === 'packet' &&
          i.packet.kind === 'audio' &&
          i.packet.dts >= 600 &&
          i.packet.dts < 900
        ),
    );
    const dropped = small.length - items.length;
    expect(dropped).toBeGreaterThan(10);
    const { out, file } = run(items, 'gap.mp4');
    expect(codes(out)).toContain('AUDIO_GAP_FILLED');
    expect(decodeErrors(file)).toBe('');
    const frames = probeFrames(file);
    const segments = segmentsOf(out);
    const audioFrames = segments.reduce((n, s) => n + s.audioFrames, 0);
    expect(frames.audio).toBe(audioFrames);
    // Continuous: every decoded audio frame follows the previous by one frame length.
    for (let i = 1; i < frames.audioPts.length; i++) {
      expect((frames.audioPts[i] ?? 0) - (frames.audioPts[i - 1] ?? 0)).toBeCloseTo(AAC_FRAME_S, 3);
    }
    // The filled span covers the 300 ms hole within one frame.
    const kept = items.filter(isAudio).length;
    expect((audioFrames - kept + 1) * AAC_FRAME_S).toBeGreaterThan(0.3 - AAC_FRAME_S);
  });

  it('leaves gaps below audioGapFillMs alone', () => {
    const items = small.filter(
      (i) => !(isAudio(i) && i.type === 'packet' && i.packet.dts === 1000),
    );
    const out = transmuxChunked(muxFlv(items), { format: 'flv', audioGapFillMs: 100 }, 2);
    expect(codes(out)).not.toContain('AUDIO_GAP_FILLED');
  });

  it('drops overlapping (repeated) audio frames', () => {
    const items: FlvItem[] = [];
    for (const i of small) {
      items.push(i);
      if (
        i.type === 'packet' &&
        i.packet.kind === 'audio' &&
        i.packet.dts > 500 &&
        i.packet.dts < 700
      )
        items.push(i);
    }
    const { out, file } = run(items, 'overlap.mp4');
    expect(codes(out)).toContain('AUDIO_OVERLAP');
    expect(decodeErrors(file)).toBe('');
    const reference = run(small, 'reference.mp4').out;
    const count = (o: TransmuxOutput[]): number =>
      segmentsOf(o).reduce((n, s) => n + s.audioFrames, 0);
    expect(count(out)).toBe(count(reference));
  });

  it('starts at the first keyframe when the stream joins mid-GOP', () => {
    let videoSeen = 0;
    const items = small.filter((i) => {
      if (i.type === 'track') return true;
      if (i.packet.kind === 'video') videoSeen++;
      return videoSeen > 5; // frames 0..4 (and the audio among them) never arrive
    });
    const { out, file } = run(items, 'midgop.mp4');
    const segments = segmentsOf(out);
    const video = segments.filter((s) => s.videoFrames > 0);
    expect(video).toHaveLength(25);
    // The second GOP (1 s in, plus the encoder's start offset) is the first that arrives whole.
    const key = items.find((i) => isVideo(i) && i.type === 'packet' && i.packet.keyframe);
    const firstVideoSec = key?.type === 'packet' ? key.packet.dts / key.packet.timescale : NaN;
    expect(firstVideoSec).toBeGreaterThanOrEqual(1);
    expect(video[0]?.keyframes).toBe(1);
    expect(video[0]?.startSec).toBeCloseTo(firstVideoSec, 3);
    expect(codes(out)).toContain('WAIT_KEYFRAME');
    // Audio does not start before the picture. It leaves at once while the keyframe is held for
    // its duration, so the first segment is audio: at most half an AAC frame early.
    const first = segments[0];
    expect(first?.audioFrames).toBe(1);
    expect(first?.startSec).toBeGreaterThanOrEqual(firstVideoSec - AAC_FRAME_S / 2);
    expect(first?.startSec).toBeLessThan(firstVideoSec + AAC_FRAME_S);
    expect(decodeErrors(file)).toBe('');
    expect(probeFrames(file).video).toBe(25);
  });

  it('makes repeated and backward video dts strictly increasing', () => {
    const items = small.map((i, index) => {
      if (i.type !== 'packet' || i.packet.kind !== 'video') return i;
      const n = small.slice(0, index).filter(isVideo).length;
      if (n === 10 || n === 11) return { ...i, packet: { ...i.packet, dts: i.packet.dts - 80 } }; // pts stays
      return i;
    });
    const { out, file } = run(items, 'dts.mp4');
    expect(codes(out)).toContain('VIDEO_DTS_FIXED');
    expect(decodeErrors(file)).toBe('');
    expect(probeFrames(file).video).toBe(50);
    const starts = segmentsOf(out)
      .filter((s) => s.videoFrames > 0)
      .map((s) => s.startSec);
    for (let i = 1; i < starts.length; i++)
      expect(starts[i]).toBeGreaterThan(starts[i - 1] ?? Infinity);
  });

  it('rebases a timestamp reset (publisher restart) onto a continuing timeline', () => {
    const restarted = small.map((i) =>
      i.type === 'packet'
        ? { ...i, packet: { ...i.packet, dts: i.packet.dts, pts: i.packet.pts } }
        : i,
    );
    const second = small
      .filter((i) => i.type === 'packet')
      .map((i) => (i.type === 'packet' ? { ...i, packet: { ...i.packet } } : i));
    const { out } = run([...restarted, ...second], 'reset.mp4');
    expect(codes(out)).toContain('TIMESTAMP_JUMP');
    const video = segmentsOf(out).filter((s) => s.videoFrames > 0);
    expect(video).toHaveLength(100);
    for (let i = 1; i < video.length; i++) {
      expect(video[i]?.startSec).toBeGreaterThan(video[i - 1]?.startSec ?? Infinity);
    }
    expect(video[video.length - 1]?.endSec).toBeCloseTo(4, 1);
  });

  it('emits a new init segment when the video configuration changes', () => {
    const shift = 2100;
    const second = large.map((i) =>
      i.type === 'packet'
        ? { ...i, packet: { ...i.packet, dts: i.packet.dts + shift, pts: i.packet.pts + shift } }
        : i,
    );
    const { out } = run([...small, ...second], 'switch.mp4');
    const inits = out.filter((o) => o.type === 'init');
    expect(inits).toHaveLength(2);
    const sizes = inits.map((o) => (o.type === 'init' ? o.media.video?.width : 0));
    expect(sizes).toEqual([160, 320]);
    // Each init is followed by a fragment that opens with a keyframe.
    out.forEach((o, index) => {
      if (o.type !== 'init') return;
      const next = out.slice(index + 1).find((x) => x.type === 'segment' && x.videoFrames > 0);
      expect(next?.type === 'segment' && next.keyframes).toBe(1);
    });
    expect(codes(out)).toContain('CODEC_CHANGED');
  });
});
