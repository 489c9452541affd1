import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { buildAvcC, parseAvcC } from './h264-avcc.js';
import { hex } from '../../test-support/bytes.js';
import { expectOnlyMediaError, mutatedBytes } from '../../test-support/fuzz.js';

// libx264 parameter sets (ffmpeg 5.1): High 1278x718 and Constrained Baseline 320x240.
const HIGH_SPS = hex('6764001facd9405005beab0e1000000300100000030320f1831960');
const HIGH_PPS = hex('68ebe3cb22c0');
const BASE_SPS = hex('6742c00dd90141fb011000000300100000030320f142a480');
const BASE_PPS = hex('68cb83cb20');
// ffmpeg's avcC for HIGH_SPS/HIGH_PPS, high-profile tail included.
const FFMPEG_HIGH_AVCC = hex(
  '0164001fffe1001b6764001facd9405005beab0e1000000300100000030320f183196001000668ebe3cb22c0fdf8f800',
);

describe('avcC', () => {
  it('parses the record ffmpeg writes, tail included', () => {
    const cfg = parseAvcC(FFMPEG_HIGH_AVCC);
    expect([
      cfg.configurationVersion,
      cfg.profileIndication,
      cfg.profileCompatibility,
      cfg.levelIndication,
    ]).toEqual([1, 0x64, 0, 0x1f]);
    expect(cfg.lengthSize).toBe(4);
    expect(cfg.sps).toEqual([HIGH_SPS]);
    expect(cfg.pps).toEqual([HIGH_PPS]);
    expect(cfg.ext).toEqual({ chromaFormat: 1, bitDepthLuma: 8, bitDepthChroma: 8, spsExt: [] });
  });

  it('builds exactly what ffmpeg writes', () => {
    expect(buildAvcC({ sps: HIGH_SPS, pps: HIGH_PPS })).toEqual(FFMPEG_HIGH_AVCC);
  });

  it('builds baseline without the tail and honours lengthSize', () => {
    for (const lengthSize of [1, 2, 4]) {
      const bytes = buildAvcC({ sps: [BASE_SPS], pps: [BASE_PPS, HIGH_PPS], lengthSize });
      const cfg = parseAvcC(bytes);
      expect([cfg.profileIndication, cfg.profileCompatibility, cfg.levelIndication]).toEqual([
        0x42, 0xc0, 0x0d,
      ]);
      expect(cfg.lengthSize).toBe(lengthSize);
      expect(cfg.pps).toEqual([BASE_PPS, HIGH_PPS]);
      expect(cfg.ext).toBeUndefined();
      expect(bytes.length).toBe(
        6 + 2 + BASE_SPS.length + 1 + 4 + BASE_PPS.length + HIGH_PPS.length,
      );
    }
  });

  it('accepts a high-profile record without the optional tail', () => {
    const cfg = parseAvcC(FFMPEG_HIGH_AVCC.subarray(0, FFMPEG_HIGH_AVCC.length - 4));
    expect(cfg.ext).toBeUndefined();
    expect(cfg.pps).toEqual([HIGH_PPS]);
  });

  it('rejects bad versions, length size 3, truncation and bad build input', () => {
    const v0 = FFMPEG_HIGH_AVCC.slice();
    v0[0] = 0;
    expect(() => parseAvcC(v0)).toThrow(/configurationVersion/);
    const len3 = FFMPEG_HIGH_AVCC.slice();
    len3[4] = 0xfe;
    expect(() => parseAvcC(len3)).toThrow(/lengthSizeMinusOne/);
    expect(() => parseAvcC(FFMPEG_HIGH_AVCC.subarray(0, 20))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
    expect(() => buildAvcC({ sps: [], pps: HIGH_PPS })).toThrow(InvalidArgumentError);
    expect(() => buildAvcC({ sps: HIGH_SPS, pps: HIGH_PPS, lengthSize: 3 })).toThrow(
      InvalidArgumentError,
    );
  });

  it('fuzz: random and mutated records only yield MediaError', () => {
    const inputs = fc.oneof(mutatedBytes([FFMPEG_HIGH_AVCC]), fc.uint8Array({ maxLength: 64 }));
    expectOnlyMediaError(inputs, (bytes) => {
      expect(parseAvcC(bytes).configurationVersion).toBe(1);
    });
  });
});
