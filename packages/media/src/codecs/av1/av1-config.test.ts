import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaError } from '../../errors.js';
import { av1CodecString } from '../codec-string.js';
import { parseAv1C } from './av1-config.js';
import { hex, packBits } from '../../test-support/bytes.js';
import { expectOnlyMediaError, mutatedBytes } from '../../test-support/fuzz.js';

// ffmpeg 5.1 + libsvtav1 av1C for a 320x240 8-bit 4:2:0 clip (sequence header OBU included).
const SVT_320X240 = hex('81000c000a0b000000043cffbc02f80040');

describe('parseAv1C', () => {
  it('reads the record and the sequence header in configOBUs', () => {
    const cfg = parseAv1C(SVT_320X240);
    expect([cfg.version, cfg.seqProfile, cfg.seqLevelIdx0, cfg.seqTier0, cfg.bitDepth]).toEqual([
      1, 0, 0, 0, 8,
    ]);
    expect([cfg.monochrome, cfg.chromaSubsamplingX, cfg.chromaSubsamplingY]).toEqual([
      false,
      true,
      true,
    ]);
    expect(cfg.sequenceHeader?.maxFrameWidth).toBe(320);
    expect(cfg.sequenceHeader?.maxFrameHeight).toBe(240);
    expect(av1CodecString(cfg)).toBe('av01.0.00M.08');
  });

  it('derives 12-bit from seq_profile 2 + twelve_bit and reads a reduced still-picture header', () => {
    // Sequence header: profile 2, still, reduced header, level 13, 16-bit sizes, 1920x1080.
    const seq = packBits([
      [2, 3],
      [1, 1],
      [1, 1],
      [13, 5],
      [15, 4],
      [15, 4],
      [1919, 16],
      [1079, 16],
    ]);
    const obu = Uint8Array.of(0x0a, seq.length, ...seq); // type 1, has_size_field
    const av1C = Uint8Array.of(0x81, 2 * 32 + 13, 0x80 + 0x40 + 0x20 + 0x0c, 0x00, ...obu);
    const cfg = parseAv1C(av1C);
    expect([cfg.seqProfile, cfg.bitDepth, cfg.seqTier0]).toEqual([2, 12, 1]);
    expect(cfg.sequenceHeader).toMatchObject({
      stillPicture: true,
      seqLevelIdx0: 13,
      maxFrameWidth: 1920,
    });
    expect(cfg.sequenceHeader?.maxFrameHeight).toBe(1080);
    expect(av1CodecString(cfg)).toBe('av01.2.13H.12');
  });

  it('reads timing info into a frame rate', () => {
    const seq = packBits([
      [0, 3],
      [0, 1],
      [0, 1],
      [1, 1], // timing_info_present_flag
      [1001, 32],
      [30000, 32],
      [1, 1], // equal_picture_interval
      [1, 1], // uvlc 0: one tick per picture
      [0, 1], // decoder_model_info_present_flag
      [0, 1], // initial_display_delay_present_flag
      [0, 5], // operating_points_cnt_minus_1
      [0, 12],
      [8, 5], // seq_level_idx 8 -> tier bit follows
      [0, 1],
      [10, 4],
      [9, 4],
      [1279, 11],
      [719, 10],
    ]);
    const cfg = parseAv1C(Uint8Array.of(0x81, 8, 0x0c, 0, 0x0a, seq.length, ...seq));
    expect(cfg.sequenceHeader?.frameRate).toBeCloseTo(29.97, 2);
    expect([cfg.sequenceHeader?.maxFrameWidth, cfg.sequenceHeader?.maxFrameHeight]).toEqual([
      1280, 720,
    ]);
  });

  it('has no sequence header when configOBUs is empty, and rejects bad markers and versions', () => {
    expect(parseAv1C(SVT_320X240.subarray(0, 4)).sequenceHeader).toBeUndefined();
    expect(() => parseAv1C(Uint8Array.of(0x01, 0, 0, 0))).toThrow(/marker/);
    expect(() => parseAv1C(Uint8Array.of(0x82, 0, 0, 0))).toThrow(/version/);
    expect(() => parseAv1C(SVT_320X240.subarray(0, 10))).toThrow(MediaError);
  });

  it('fuzz: random and mutated records only yield MediaError', () => {
    const random = fc.uint8Array({ maxLength: 40 }).map((a) => Uint8Array.of(0x81, ...a));
    expectOnlyMediaError(fc.oneof(mutatedBytes([SVT_320X240]), random), (bytes) => {
      expect(parseAv1C(bytes).version).toBe(1);
    });
  });
});
