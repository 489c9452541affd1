import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MediaError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import {
  box,
  checkField,
  fixed16,
  fullBox,
  needsVersion1,
  packLanguage,
  payloadBox,
  u32or64,
  unityMatrix,
} from './box-writer.js';
import { toHex } from '../test-support/bytes.js';

describe('box / fullBox', () => {
  it('back-patches sizes of nested boxes', () => {
    const w = new ByteWriter();
    box(w, 'moov', () => {
      fullBox(w, 'mvhd', 1, 0x000102, () => {
        w.u32(0xdeadbeef);
      });
      box(w, 'free');
    });
    const fields = [
      ['00000020', '6d6f6f76'], // moov: size 32
      ['00000010', '6d766864', '01000102', 'deadbeef'], // mvhd: version 1, flags 0x102
      ['00000008', '66726565'], // free: empty
    ];
    expect(toHex(w.finish())).toBe(fields.flat().join(''));
  });

  it('payloadBox wraps opaque bytes', () => {
    const w = new ByteWriter();
    payloadBox(w, 'avcC', new Uint8Array([1, 2, 3]));
    expect(toHex(w.finish())).toBe('0000000b' + '61766343' + '010203');
  });

  it('sizes always tile the output exactly, for any nesting', () => {
    // A plan of operations: -1 opens a box, -2 closes one, n >= 0 adds a 'free' box of n bytes.
    const op = fc.oneof(fc.constant(-1), fc.constant(-2), fc.nat(20));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (plan) => {
        const w = new ByteWriter(16);
        const run = (ops: number[]): number[] => {
          while (ops.length > 0) {
            const next = ops.shift() ?? -2;
            if (next === -2) return ops;
            if (next === -1) box(w, 'test', () => run(ops));
            else payloadBox(w, 'free', new Uint8Array(next));
          }
          return ops;
        };
        box(w, 'root', () => run([...plan]));
        const bytes = w.finish();
        const view = new DataView(bytes.buffer);
        // Every box's children must exactly fill its payload.
        const walk = (from: number, to: number): void => {
          let at = from;
          while (at < to) {
            const size = view.getUint32(at);
            expect(size).toBeGreaterThanOrEqual(8);
            const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
            if (type !== 'free') walk(at + 8, at + size);
            at += size;
          }
          expect(at).toBe(to);
        };
        walk(0, bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a bad four-character code with InvalidArgumentError', () => {
    expect(() => box(new ByteWriter(), 'toolong')).toThrow(InvalidArgumentError);
  });
});

describe('field helpers', () => {
  it('needsVersion1 switches at 2^32', () => {
    expect(needsVersion1(0xffffffff)).toBe(false);
    expect(needsVersion1(1, 0x1_0000_0000)).toBe(true);
  });

  it('u32or64 writes 4 or 8 bytes', () => {
    const w = new ByteWriter();
    u32or64(w, 0, 7);
    u32or64(w, 1, 0x1_0000_0002);
    expect(toHex(w.finish())).toBe('00000007' + '0000000100000002');
  });

  it('unityMatrix is the 36-byte identity of 14496-12 8.2.2.3', () => {
    const w = new ByteWriter();
    unityMatrix(w);
    const words = ['00010000', '0', '0', '0', '00010000', '0', '0', '0', '40000000'];
    expect(toHex(w.finish())).toBe(words.map((x) => x.padStart(8, '0')).join(''));
  });

  it('fixed16 converts to 16.16 and rejects what does not fit', () => {
    expect(fixed16(1920, 'w')).toBe(1920 * 65536);
    expect(fixed16(853.5, 'w')).toBe(853.5 * 65536);
    for (const bad of [-1, 65536, Number.NaN, Infinity]) {
      expect(() => fixed16(bad, 'w')).toThrow(InvalidArgumentError);
    }
  });

  it("packLanguage('und') is 0x55c4", () => {
    expect(packLanguage('und')).toBe(0x55c4);
    expect(packLanguage('eng')).toBe(0x15c7);
    expect(() => packLanguage('EN')).toThrow(InvalidArgumentError);
  });

  it('checkField throws only MediaError, and only outside the range', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        try {
          checkField(v, 0, 100, 'x');
          expect(Number.isInteger(v) && v >= 0 && v <= 100).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
          expect((e as MediaError).code).toBe('INVALID_ARGUMENT');
        }
      }),
    );
  });
});
