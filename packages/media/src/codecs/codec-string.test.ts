import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import {
  aacCodecString,
  av1CodecString,
  avcCodecString,
  hevcCodecString,
  mp3CodecString,
  opusCodecString,
} from './codec-string.js';

const constraints = (...b: number[]): Uint8Array =>
  Uint8Array.from([...b, 0, 0, 0, 0, 0, 0].slice(0, 6));

describe('codec strings', () => {
  it('avc1.PPCCLL in lower-case hex', () => {
    expect(
      avcCodecString({ profileIndication: 0x64, profileCompatibility: 0, levelIndication: 0x1f }),
    ).toBe('avc1.64001f');
    expect(
      avcCodecString({ profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30 }),
    ).toBe('avc1.42c01e');
    expect(
      avcCodecString(
        { profileIndication: 77, profileCompatibility: 0x40, levelIndication: 40 },
        'avc3',
      ),
    ).toBe('avc3.4d4028');
    expect(() =>
      avcCodecString({ profileIndication: 256, profileCompatibility: 0, levelIndication: 0 }),
    ).toThrow(InvalidArgumentError);
  });

  it('hvc1 per ISO/IEC 14496-15 E.3, including its own examples', () => {
    const main = {
      generalProfileSpace: 0,
      generalTierFlag: false,
      generalProfileIdc: 1,
      generalProfileCompatibilityFlags: 0x60000000,
      generalConstraintIndicatorFlags: constraints(0xb0),
      generalLevelIdc: 93,
    };
    expect(hevcCodecString(main)).toBe('hvc1.1.6.L93.B0');
    expect(hevcCodecString({ ...main, generalConstraintIndicatorFlags: constraints() })).toBe(
      'hvc1.1.6.L93',
    );
    const example = {
      generalProfileSpace: 1,
      generalTierFlag: true,
      generalProfileIdc: 4,
      generalProfileCompatibilityFlags: 0x82000000, // reversed: 0x41
      generalConstraintIndicatorFlags: constraints(0xb0, 0x23),
      generalLevelIdc: 120,
    };
    expect(hevcCodecString(example, 'hev1')).toBe('hev1.A4.41.H120.B0.23');
    const main10 = { ...main, generalProfileIdc: 2, generalProfileCompatibilityFlags: 0x20000000 };
    expect(
      hevcCodecString({
        ...main10,
        generalConstraintIndicatorFlags: constraints(0x90),
        generalLevelIdc: 120,
      }),
    ).toBe('hvc1.2.4.L120.90');
    expect(hevcCodecString({ ...main, generalProfileCompatibilityFlags: 0xffffffff })).toBe(
      'hvc1.1.FFFFFFFF.L93.B0',
    );
    expect(() => hevcCodecString({ ...main, generalProfileSpace: 4 })).toThrow(
      InvalidArgumentError,
    );
  });

  it('av01.P.LLT.DD', () => {
    expect(av1CodecString({ seqProfile: 0, seqLevelIdx0: 4, seqTier0: 0, bitDepth: 8 })).toBe(
      'av01.0.04M.08',
    );
    expect(av1CodecString({ seqProfile: 1, seqLevelIdx0: 13, seqTier0: 1, bitDepth: 10 })).toBe(
      'av01.1.13H.10',
    );
    expect(() =>
      av1CodecString({ seqProfile: 0, seqLevelIdx0: 4, seqTier0: 0, bitDepth: 9 }),
    ).toThrow(InvalidArgumentError);
  });

  it('mp4a and opus', () => {
    expect(aacCodecString(2)).toBe('mp4a.40.2');
    expect(aacCodecString(5)).toBe('mp4a.40.5');
    expect(aacCodecString(29)).toBe('mp4a.40.29');
    expect(() => aacCodecString(0)).toThrow(InvalidArgumentError);
    expect(mp3CodecString()).toBe('mp4a.6B');
    expect(opusCodecString()).toBe('opus');
  });
});
