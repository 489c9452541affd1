import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaError } from '../../errors.js';
import { parseH264Sps } from './h264-sps.js';
import { hex } from '../../test-support/bytes.js';
import { expectOnlyMediaError, mutatedBytes } from '../../test-support/fuzz.js';

// Parameter sets written by libx264 (ffmpeg 5.1), the sizes in their names. The first carries
// sar=4/3 in its VUI (ffprobe on the raw stream reports 4:3 too).
const HIGH_1278X718 = hex('6764001facd9405005beab0e1000000300100000030320f1831960');
const HIGH444_CQM_321X241 = hex('67f4000d919b282a10f08421ff81e201e1880000030008000003019078a14cb0');
const INTERLACED_1278X716 = hex('67640020acd940500bbd4d808800000300080000030190f8b16cb0');

describe('parseH264Sps', () => {
  it('reads profile, level, cropping and VUI timing (1278x718 High)', () => {
    const sps = parseH264Sps(HIGH_1278X718);
    expect([sps.profileIdc, sps.constraintFlags, sps.levelIdc]).toEqual([100, 0, 31]);
    expect([sps.codedWidth, sps.codedHeight, sps.width, sps.height]).toEqual([
      1280, 720, 1278, 718,
    ]);
    expect(sps.crop).toEqual({ left: 0, right: 1, top: 0, bottom: 1 }); // CropUnitX/Y = 2 in 4:2:0
    expect([sps.chromaFormatIdc, sps.bitDepthLuma, sps.frameMbsOnly]).toEqual([1, 8, true]);
    expect([sps.sarNum, sps.sarDen, sps.frameRate]).toEqual([4, 3, 25]);
  });

  it('skips scaling lists and crops in luma units for 4:4:4', () => {
    const sps = parseH264Sps(HIGH444_CQM_321X241);
    expect([sps.profileIdc, sps.chromaFormatIdc]).toEqual([244, 3]);
    expect([sps.width, sps.height]).toEqual([321, 241]);
    expect(sps.crop).toEqual({ left: 0, right: 15, top: 0, bottom: 15 }); // CropUnitX/Y = 1
    expect(sps.frameRate).toBe(25);
  });

  it('doubles CropUnitY for field coding', () => {
    const sps = parseH264Sps(INTERLACED_1278X716);
    expect(sps.frameMbsOnly).toBe(false);
    expect([sps.codedHeight, sps.height, sps.crop.bottom]).toEqual([736, 716, 5]);
  });

  it('rejects other NAL types and a set forbidden bit', () => {
    const pps = hex('68ebe3cb22c0');
    expect(() => parseH264Sps(pps)).toThrow(/not an SPS/);
    const bad = HIGH_1278X718.slice();
    bad[0] = 0xe7;
    expect(() => parseH264Sps(bad)).toThrow(/forbidden_zero_bit/);
  });

  it('truncation before the VUI is a TRUNCATED MediaError', () => {
    for (let n = 1; n < 10; n++) {
      try {
        parseH264Sps(HIGH_1278X718.subarray(0, n));
        expect.unreachable(`prefix ${n} parsed`);
      } catch (e) {
        expect(e).toBeInstanceOf(MediaError);
        expect((e as MediaError).code).toMatch(/TRUNCATED|MALFORMED/);
      }
    }
  });

  it('a VUI cut short keeps the picture size', () => {
    const sps = parseH264Sps(HIGH_1278X718.subarray(0, 12));
    expect([sps.width, sps.height, sps.frameRate]).toEqual([1278, 718, undefined]);
  });

  it('fuzz: random and mutated SPS only yield MediaError', () => {
    const valid = [HIGH_1278X718, HIGH444_CQM_321X241, INTERLACED_1278X716];
    // Byte 0 stays the NAL header, so mutations reach the SPS syntax.
    const mutated = mutatedBytes(valid, 1);
    const random = fc.uint8Array({ maxLength: 40 }).map((a) => Uint8Array.of(0x67, ...a));
    expectOnlyMediaError(fc.oneof(mutated, random), (nal) => {
      const sps = parseH264Sps(nal);
      expect(sps.width).toBeGreaterThan(0);
      expect(sps.height).toBeGreaterThan(0);
    });
  });
});
