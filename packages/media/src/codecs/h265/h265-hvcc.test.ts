import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { hevcCodecString } from '../codec-string.js';
import { HEVC_NAL_SPS, buildHvcC, hvcCUnits, parseHvcC } from './h265-hvcc.js';
import { hex } from '../../test-support/bytes.js';
import { expectOnlyMediaError, mutatedBytes } from '../../test-support/fuzz.js';

// libx265 3.5 parameter sets for Main 1278x718 (as in ffmpeg's hvcC for that clip).
const VPS = hex('40010c01ffff01600000030090000003000003005d959809');
const SPS = hex(
  '42010101600000030090000003000003005da00280802d1d565959a4932bc05a020000030002000003003210',
);
const PPS = hex('4401c172b46240');

describe('hvcC', () => {
  it('builds a record whose header mirrors the SPS and parses back', () => {
    const bytes = buildHvcC({ vps: VPS, sps: SPS, pps: PPS, lengthSize: 2 });
    // The 23-byte header, field by field (14496-15 8.3.3.1.1).
    expect(Array.from(bytes.subarray(0, 23))).toEqual([
      0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0, 0, 0, 0, 0, 93, 0xf0, 0x00, 0xfc, 0xfd, 0xf8,
      0xf8, 0, 0, 0x0d, 3,
    ]);
    const cfg = parseHvcC(bytes);
    expect(cfg.lengthSize).toBe(2);
    expect(cfg.arrays.map((a) => [a.nalUnitType, a.arrayCompleteness, a.units.length])).toEqual([
      [32, true, 1],
      [33, true, 1],
      [34, true, 1],
    ]);
    expect(hvcCUnits(cfg, HEVC_NAL_SPS)).toEqual([SPS]);
    expect([
      cfg.numTemporalLayers,
      cfg.temporalIdNested,
      cfg.chromaFormat,
      cfg.bitDepthLuma,
    ]).toEqual([1, true, 1, 8]);
    expect(hevcCodecString(cfg)).toBe('hvc1.1.6.L93.90');
  });

  it('rejects bad versions, length size 3, truncation and missing SPS', () => {
    const bytes = buildHvcC({ vps: VPS, sps: SPS, pps: PPS });
    const v2 = bytes.slice();
    v2[0] = 2;
    expect(() => parseHvcC(v2)).toThrow(/configurationVersion/);
    const len3 = bytes.slice();
    len3[21] = (len3[21] ?? 0) - 1;
    expect(() => parseHvcC(len3)).toThrow(/lengthSizeMinusOne/);
    expect(() => parseHvcC(bytes.subarray(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
    expect(() => buildHvcC({ vps: VPS, sps: [], pps: PPS })).toThrow(InvalidArgumentError);
  });

  it('fuzz: random and mutated records only yield MediaError', () => {
    const valid = buildHvcC({ vps: VPS, sps: SPS, pps: PPS });
    const inputs = fc.oneof(mutatedBytes([valid]), fc.uint8Array({ maxLength: 80 }));
    expectOnlyMediaError(inputs, (bytes) => {
      expect(parseHvcC(bytes).configurationVersion).toBeLessThanOrEqual(1);
    });
  });
});
