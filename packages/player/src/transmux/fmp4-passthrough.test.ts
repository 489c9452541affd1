import { join } from 'node:path';
import { Mp4Fragmenter, FlvDemuxer } from '@tidecast/media';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeErrors,
  ffmpeg,
  probeFrames,
  readBytes,
  segmentsOf,
  tempDir,
  transmuxChunked,
  writeMp4,
} from './test-support/transmux-fixtures.js';

const dir = tempDir('tidecast-fmp4-pass-');
let flv: Uint8Array;
let ffmpegFmp4: Uint8Array;

/** Live fMP4 as the server's Fmp4Packager makes it: Mp4Fragmenter cutting before every frame. */
function serverFmp4(bytes: Uint8Array): Uint8Array {
  const fragmenter = new Mp4Fragmenter({ maxFragmentMs: 1, audioOnlyFragmentMs: 100 });
  const parts: Uint8Array[] = [];
  for (const event of new FlvDemuxer().push(bytes))
    parts.push(...fragmenter.push(event).map((c) => c.bytes));
  parts.push(...fragmenter.flush().map((c) => c.bytes));
  return Buffer.concat(parts);
}

beforeAll(() => {
  const src = join(dir, 'src.flv');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-f', 'flv', src],
  ]);
  flv = readBytes(src);
  const frag = join(dir, 'ff.mp4');
  ffmpeg([
    ...['-i', src, '-c', 'copy'],
    ...['-movflags', 'frag_every_frame+empty_moov+default_base_moof', '-f', 'mp4', frag],
  ]);
  ffmpegFmp4 = readBytes(frag);
});

describe('Transmuxer (fMP4 passthrough)', () => {
  it.each([1, 2])('passes server-style per-frame fMP4 through (split seed %i)', (seed) => {
    const input = serverFmp4(flv);
    const out = transmuxChunked(input, { format: 'fmp4' }, seed, 1500);
    expect(out.filter((o) => o.type === 'error' || o.type === 'warning')).toEqual([]);
    const init = out[0];
    expect(init?.type).toBe('init');
    expect(init?.type === 'init' && init.media.mimeType).toMatch(
      /^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/,
    );
    expect(init?.type === 'init' && init.media.video?.width).toBe(160);
    expect(init?.type === 'init' && init.media.audio?.sampleRate).toBe(48000);
    // Bytes pass through unchanged.
    const joined = Buffer.concat(
      out.flatMap((o) => (o.type === 'init' || o.type === 'segment' ? [o.bytes] : [])),
    );
    expect(joined.equals(Buffer.from(input))).toBe(true);
    const segments = segmentsOf(out);
    expect(segments.reduce((n, s) => n + s.videoFrames, 0)).toBe(50);
    expect(segments.filter((s) => s.keyframes > 0)).toHaveLength(2);
    expect(segments[0]?.startSec).toBeCloseTo(0, 1);
    expect(segments[segments.length - 1]?.endSec).toBeCloseTo(2, 1);
  });

  it('reads times and codecs of ffmpeg fMP4 (frag_every_frame)', () => {
    const out = transmuxChunked(ffmpegFmp4, { format: 'fmp4' }, 3, 700);
    expect(out.filter((o) => o.type === 'error')).toEqual([]);
    const file = join(dir, 'out.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    expect(probeFrames(file).video).toBe(50);
    const video = segmentsOf(out).filter((s) => s.videoFrames > 0);
    for (let i = 1; i < video.length; i++) {
      expect(video[i]?.startSec).toBeGreaterThanOrEqual(video[i - 1]?.endSec ?? Infinity);
    }
  });

  it('emits a repeated identical init segment only once', () => {
    const input = serverFmp4(flv);
    const once = transmuxChunked(Buffer.concat([input, input]), { format: 'fmp4' }, 4);
    expect(once.filter((o) => o.type === 'init')).toHaveLength(1);
  });

  it('reports a truncated stream and a non-MP4 stream as errors', () => {
    const input = serverFmp4(flv);
    const cut = transmuxChunked(input.subarray(0, input.length - 10), { format: 'fmp4' }, 5);
    expect(cut[cut.length - 1]?.type).toBe('error');
    const junk = transmuxChunked(new Uint8Array(100).fill(0), { format: 'fmp4' }, 6);
    expect(junk.some((o) => o.type === 'error')).toBe(true);
  });
});
