import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaError } from '../../errors.js';
import { parseH265Sps } from './h265-sps.js';
import { hex } from '../../test-support/bytes.js';
import { expectOnlyMediaError, mutatedBytes } from '../../test-support/fuzz.js';

// libx265 3.5 (ffmpeg 5.1) SPS: Main 1278x718 at 25 fps; and 320x240 with temporal-layers=1.
const MAIN_SPS = hex(
  '42010101600000030090000003000003005da00280802d1d565959a4932bc05a020000030002000003003210',
);
const TWO_LAYER_SPS = hex(
  '42010201600000030090000003000003003c0000a00a080f1659598acd24995e02d0100000030010000003019080',
);

describe('parseH265Sps', () => {
  it('reads profile_tier_level, conformance window and VUI timing', () => {
    const sps = parseH265Sps(MAIN_SPS);
    expect([sps.generalProfileSpace, sps.generalTierFlag, sps.generalProfileIdc]).toEqual([
      0,
      false,
      1,
    ]);
    expect(sps.generalProfileCompatibilityFlags).toBe(0x60000000);
    expect(Array.from(sps.generalConstraintIndicatorFlags)).toEqual([0x90, 0, 0, 0, 0, 0]);
    expect(sps.generalLevelIdc).toBe(93);
    expect([sps.codedWidth, sps.codedHeight, sps.width, sps.height]).toEqual([
      1280, 720, 1278, 718,
    ]);
    expect([sps.chromaFormatIdc, sps.bitDepthLuma, sps.bitDepthChroma]).toEqual([1, 8, 8]);
    expect([sps.sarNum, sps.sarDen, sps.frameRate]).toEqual([1, 1, 25]);
    expect([sps.maxSubLayersMinus1, sps.temporalIdNesting]).toEqual([0, true]);
  });

  it('skips sub-layer entries of profile_tier_level', () => {
    const sps = parseH265Sps(TWO_LAYER_SPS);
    expect(sps.maxSubLayersMinus1).toBe(1);
    expect([sps.width, sps.height, sps.generalLevelIdc]).toEqual([320, 240, 60]);
    expect(sps.frameRate).toBe(25);
  });

  it('rejects non-SPS NAL units', () => {
    expect(() => parseH265Sps(hex('4401c172b46240'))).toThrow(/not an SPS/);
    expect(() => parseH265Sps(hex('42'))).toThrow(MediaError);
  });

  it('fuzz: random and mutated SPS only yield MediaError', () => {
    const mutated = mutatedBytes([MAIN_SPS, TWO_LAYER_SPS], 2); // past the 2-byte NAL header
    const truncated = fc.nat({ max: MAIN_SPS.length }).map((n) => MAIN_SPS.subarray(0, n));
    const random = fc.uint8Array({ maxLength: 48 }).map((a) => Uint8Array.of(0x42, 0x01, ...a));
    expectOnlyMediaError(fc.oneof(mutated, truncated, random), (nal) => {
      expect(parseH265Sps(nal).width).toBeGreaterThan(0);
    });
  });
});
