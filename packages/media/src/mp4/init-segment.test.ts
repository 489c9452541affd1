import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { AudioTrack, TrackInfo, VideoTrack } from '../types.js';
import { buildInitSegment, mp4Timescale } from './init-segment.js';
import { ffprobe, useTempDir } from '../test-support/ffmpeg.js';
import { expectOnlyMediaError } from '../test-support/fuzz.js';

const dir = useTempDir('tidecast-init-');

/** Containers this test descends into; sample entries are opened after their fixed fields. */
const CONTAINERS: Record<string, number> = {
  moov: 8, trak: 8, mdia: 8, minf: 8, stbl: 8, mvex: 8, dinf: 8, stsd: 16,
  avc1: 86, hvc1: 86, av01: 86, mp4a: 36, Opus: 36,
}; // prettier-ignore

interface Box {
  type: string;
  path: string;
  start: number;
  size: number;
}

/** Every box, depth first, with its slash-separated path. */
function walk(bytes: Uint8Array, from = 0, to = bytes.length, prefix = ''): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  for (let at = from; at < to;) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    expect(size).toBeGreaterThanOrEqual(8);
    expect(at + size).toBeLessThanOrEqual(to);
    const path = prefix + type;
    out.push({ type, path, start: at, size });
    const skip = CONTAINERS[type];
    if (skip !== undefined) out.push(...walk(bytes, at + skip, at + size, `${path}/`));
    at += size;
  }
  return out;
}

function fields(bytes: Uint8Array, path: string, index = 0): DataView {
  const found = walk(bytes).filter((b) => b.path === path)[index];
  if (found === undefined) throw new Error(`no ${path}`);
  return new DataView(bytes.buffer, bytes.byteOffset + found.start, found.size);
}

const avc: VideoTrack = {
  kind: 'video',
  codec: 'avc',
  codecString: 'avc1.42c00d',
  width: 320,
  height: 240,
  sarNum: 1,
  sarDen: 1,
  timescale: 1000,
  // avcC with one Baseline SPS and one PPS (values need not decode for structure tests).
  config: new Uint8Array([
    1, 0x42, 0xc0, 0x0d, 0xff, 0xe1, 0, 4, 0x67, 0x42, 0xc0, 0x0d, 1, 0, 2, 0x68, 0xce,
  ]),
};

const aac: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 44100,
  channels: 2,
  timescale: 1000,
  config: new Uint8Array([0x12, 0x10]), // AAC LC, 44.1 kHz, stereo
};

describe('buildInitSegment', () => {
  it('lays out ftyp + moov with one trak per track and an mvex', () => {
    const bytes = buildInitSegment([avc, aac]);
    const paths = walk(bytes).map((b) => b.path);
    expect(paths.filter((p) => !p.includes('/'))).toEqual(['ftyp', 'moov']);
    for (const want of [
      'moov/mvhd',
      'moov/trak/tkhd',
      'moov/trak/mdia/mdhd',
      'moov/trak/mdia/hdlr',
      'moov/trak/mdia/minf/vmhd',
      'moov/trak/mdia/minf/smhd',
      'moov/trak/mdia/minf/dinf/dref',
      'moov/trak/mdia/minf/stbl/stsd/avc1/avcC',
      'moov/trak/mdia/minf/stbl/stsd/mp4a/esds',
      'moov/trak/mdia/minf/stbl/stts',
      'moov/trak/mdia/minf/stbl/stsc',
      'moov/trak/mdia/minf/stbl/stsz',
      'moov/trak/mdia/minf/stbl/stco',
      'moov/mvex/trex',
    ]) {
      expect(paths).toContain(want);
    }
    expect(paths).not.toContain('moov/mvex/mehd');
    expect(paths.filter((p) => p === 'moov/mvex/trex')).toHaveLength(2);
    // track_ID = index + 1, in tkhd and trex; next_track_ID follows them.
    expect(fields(bytes, 'moov/trak/tkhd', 0).getUint32(20)).toBe(1);
    expect(fields(bytes, 'moov/trak/tkhd', 1).getUint32(20)).toBe(2);
    expect(fields(bytes, 'moov/mvex/trex', 1).getUint32(12)).toBe(2);
    expect(fields(bytes, 'moov/mvhd').getUint32(104)).toBe(3);
    // Media timescales: 90 kHz video, sample rate audio.
    expect(fields(bytes, 'moov/trak/mdia/mdhd', 0).getUint32(20)).toBe(90000);
    expect(fields(bytes, 'moov/trak/mdia/mdhd', 1).getUint32(20)).toBe(44100);
    // Display size in 16.16.
    expect(fields(bytes, 'moov/trak/tkhd', 0).getUint32(84)).toBe(320 * 65536);
    const ftyp = bytes.subarray(8, fields(bytes, 'ftyp').byteLength);
    expect(String.fromCharCode(...ftyp.subarray(0, 4))).toBe('isom'); // major_brand
    expect(new DataView(ftyp.buffer, ftyp.byteOffset).getUint32(4)).toBe(0x200); // minor_version
    expect(String.fromCharCode(...ftyp.subarray(8))).toBe('isomiso6mp41dashavc1');
  });

  it('with durationMs sets mvhd, tkhd, mdhd durations and adds mehd', () => {
    const bytes = buildInitSegment([avc, aac], { durationMs: 12345 });
    expect(fields(bytes, 'moov/mvhd').getUint32(24)).toBe(12345);
    expect(fields(bytes, 'moov/trak/tkhd', 1).getUint32(28)).toBe(12345);
    expect(fields(bytes, 'moov/trak/mdia/mdhd', 0).getUint32(24)).toBe(12345 * 90);
    expect(fields(bytes, 'moov/trak/mdia/mdhd', 1).getUint32(24)).toBe(Math.round(12.345 * 44100));
    expect(fields(bytes, 'moov/mvex/mehd').getUint32(12)).toBe(12345);
  });

  it('uses version 1 boxes when durations need 64 bits', () => {
    const bytes = buildInitSegment([avc], { durationMs: 2 ** 33 });
    for (const path of ['moov/mvhd', 'moov/trak/tkhd', 'moov/trak/mdia/mdhd', 'moov/mvex/mehd']) {
      expect(fields(bytes, path).getUint8(8)).toBe(1);
    }
    expect(Number(fields(bytes, 'moov/mvhd').getBigUint64(32))).toBe(2 ** 33);
  });

  it('writes pasp and a scaled display width for non-square pixels', () => {
    const bytes = buildInitSegment([{ ...avc, width: 720, height: 576, sarNum: 16, sarDen: 15 }]);
    const pasp = fields(bytes, 'moov/trak/mdia/minf/stbl/stsd/avc1/pasp');
    expect([pasp.getUint32(8), pasp.getUint32(12)]).toEqual([16, 15]);
    expect(fields(bytes, 'moov/trak/tkhd').getUint32(84)).toBe(768 * 65536);
  });

  it('ffprobe reads codec parameters and the duration from the init segment alone', () => {
    const file = join(dir, 'init.mp4');
    writeFileSync(
      file,
      buildInitSegment([aac, { ...aac, codec: 'mp3', config: new Uint8Array(0) }], {
        durationMs: 4321,
      }),
    );
    const info = ffprobe<{
      streams: { codec_name: string; sample_rate: string; channels: number }[];
      format: { duration: string };
    }>(file, ['-show_streams', '-show_format']);
    expect(Number(info.format.duration)).toBeCloseTo(4.321, 4);
    expect(info.streams.map((s) => [s.codec_name, s.sample_rate, s.channels])).toEqual([
      ['aac', '44100', 2],
      ['mp3', '44100', 2],
    ]);
  });

  it('mp4Timescale: 90 kHz video, sample rate audio, 48 kHz Opus', () => {
    expect(mp4Timescale(avc)).toBe(90000);
    expect(mp4Timescale(aac)).toBe(44100);
    expect(
      mp4Timescale({ ...aac, codec: 'opus', sampleRate: 44100, config: new Uint8Array(0) }),
    ).toBe(48000);
  });

  it('rejects unwritable tracks and options with InvalidArgumentError', () => {
    const bad: [TrackInfo[], { durationMs?: number }?][] = [
      [[]],
      [[avc], { durationMs: -1 }],
      [[avc], { durationMs: Number.NaN }],
      [[{ ...avc, config: new Uint8Array(0) }]],
      [[{ ...avc, width: 0 }]],
      [[{ ...avc, height: 70000 }]],
      [[{ ...aac, config: new Uint8Array(0) }]],
      [[{ ...aac, sampleRate: 0 }]],
      [[{ ...aac, channels: 0 }]],
      [[{ ...aac, codec: 'opus', config: new Uint8Array([9, 9, 9]) }]],
    ];
    for (const [tracks, options] of bad) {
      expect(() => buildInitSegment(tracks, options)).toThrow(InvalidArgumentError);
    }
  });

  it('random track parameters either build a well-formed init or throw MediaError', () => {
    const track = fc.oneof(
      fc.record({
        kind: fc.constant('video' as const),
        codec: fc.constantFrom('avc' as const, 'hevc' as const, 'av1' as const),
        codecString: fc.string(),
        width: fc.integer({ min: -1, max: 70000 }),
        height: fc.integer({ min: -1, max: 70000 }),
        sarNum: fc.integer({ min: -1, max: 100 }),
        sarDen: fc.integer({ min: -1, max: 100 }),
        timescale: fc.constant(1000),
        config: fc.uint8Array({ maxLength: 8 }),
      }),
      fc.record({
        kind: fc.constant('audio' as const),
        codec: fc.constantFrom('aac' as const, 'mp3' as const, 'opus' as const),
        codecString: fc.string(),
        sampleRate: fc.integer({ min: -1, max: 200000 }),
        channels: fc.integer({ min: -1, max: 300 }),
        timescale: fc.constant(1000),
        config: fc.uint8Array({ maxLength: 30 }),
      }),
    );
    const inputs = fc.tuple(fc.array(track, { maxLength: 3 }), fc.option(fc.double()));
    const check = ([tracks, durationMs]: [TrackInfo[], number | null]): void => {
      const bytes = buildInitSegment(tracks, durationMs === null ? {} : { durationMs });
      expect(walk(bytes).filter((b) => b.path === 'moov/trak')).toHaveLength(tracks.length);
    };
    expectOnlyMediaError(inputs, check, 100);
  });
});
