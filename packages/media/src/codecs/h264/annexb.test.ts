import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedError, MediaError } from '../../errors.js';
import {
  annexBToLengthPrefixed,
  joinLengthPrefixed,
  lengthPrefixedToAnnexB,
  splitAnnexB,
  splitLengthPrefixed,
} from './annexb.js';
import { hex } from '../../test-support/bytes.js';

// NAL payloads that cannot contain a start code: no zero bytes at all.
const nal = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: 1, maxLength: max }).map((a) => a.map((b) => (b === 0 ? 1 : b)));

describe('splitAnnexB', () => {
  it('splits on 3- and 4-byte start codes and returns views of the input', () => {
    const stream = hex('0000000167aa000001688b0000000165');
    const units = splitAnnexB(stream);
    expect(units).toEqual([hex('67aa'), hex('688b'), hex('65')]);
    expect(units.every((u) => u.buffer === stream.buffer)).toBe(true);
  });

  it('drops leading junk, trailing zero bytes and empty units', () => {
    expect(splitAnnexB(hex('1234000001670000000000000165000000'))).toEqual([hex('67'), hex('65')]);
    expect(splitAnnexB(hex('000001000001'))).toEqual([]);
    expect(splitAnnexB(hex('6742'))).toEqual([]);
    expect(splitAnnexB(new Uint8Array(0))).toEqual([]);
  });

  it('keeps 00 00 02 and 00 00 03 inside a unit', () => {
    expect(splitAnnexB(hex('00000167000003010000020a'))).toEqual([hex('67000003010000020a')]);
  });
});

describe('length-prefixed framing', () => {
  it('converts both ways with 1-, 2- and 4-byte lengths', () => {
    fc.assert(
      fc.property(fc.array(nal(300), { maxLength: 8 }), fc.constantFrom(1, 2, 4), (units, size) => {
        const fitting = size === 1 ? units.map((u) => u.subarray(0, 255)) : units;
        const prefixed = joinLengthPrefixed(fitting, size);
        expect(splitLengthPrefixed(prefixed, size)).toEqual(fitting);
        const annexB = lengthPrefixedToAnnexB(prefixed, size);
        expect(splitAnnexB(annexB)).toEqual(fitting);
        expect(annexBToLengthPrefixed(annexB, size)).toEqual(prefixed);
      }),
    );
  });

  it('writes big-endian lengths', () => {
    expect(annexBToLengthPrefixed(hex('000001aabb'))).toEqual(hex('00000002aabb'));
    expect(annexBToLengthPrefixed(hex('000001aabb'), 2)).toEqual(hex('0002aabb'));
  });

  it('rejects overruns, partial lengths and bad length sizes', () => {
    expect(() => splitLengthPrefixed(hex('00000005aabb'), 4)).toThrow(MalformedError);
    expect(() => splitLengthPrefixed(hex('00000001aa0000'), 4)).toThrow(MalformedError);
    expect(() => splitLengthPrefixed(hex('aa'), 3)).toThrow(InvalidArgumentError);
    expect(() => joinLengthPrefixed([new Uint8Array(256)], 1)).toThrow(InvalidArgumentError);
  });

  it('skips zero-length units', () => {
    expect(splitLengthPrefixed(hex('000000000001ab'), 2)).toEqual([hex('ab')]);
  });

  it('fuzz: random input only yields MediaError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(1, 2, 4), (bytes, size) => {
        try {
          const units = splitLengthPrefixed(bytes, size);
          expect(units.reduce((n, u) => n + u.length + size, 0)).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
        const total = splitAnnexB(bytes).reduce((n, u) => n + u.length, 0);
        expect(total).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});
