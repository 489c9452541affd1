import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BitReader, unescapeRbsp } from './bit-reader.js';
import { MalformedError, MediaError, TruncatedError } from '../errors.js';

/** Packs a string of '0'/'1' (spaces ignored) MSB-first, zero padded to a whole byte. */
function bitsToBytes(bits: string): Uint8Array {
  const clean = bits.replace(/ /g, '');
  const out = new Uint8Array(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) {
    if (clean[i] === '1') out[i >> 3] = (out[i >> 3] ?? 0) + 2 ** (7 - (i % 8));
  }
  return out;
}

/** ue(v) codeword (H.264 9.1): leadingZeroBits zeros, a 1, then codeNum + 1 - 2^zeros in binary. */
function ueBits(codeNum: number): string {
  const info = (codeNum + 1).toString(2);
  return '0'.repeat(info.length - 1) + info;
}

describe('BitReader', () => {
  it('reads fields across byte boundaries, MSB first', () => {
    const r = new BitReader(new Uint8Array([0b1010_1100, 0b0101_1111]));
    expect(r.bits(3)).toBe(0b101);
    expect(r.bits(7)).toBe(0b0110001);
    expect(r.flag()).toBe(false);
    expect(r.bit()).toBe(1);
    expect(r.position).toBe(12);
    expect(r.bitsLeft).toBe(4);
    expect(r.bits(4)).toBe(0xf);
    expect(r.bits(0)).toBe(0);
  });

  it('reads 32-bit values as positive numbers', () => {
    const r = new BitReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x80]));
    expect(r.bits(32)).toBe(0xffffffff);
    expect(r.bits(1)).toBe(1);
  });

  it('rejects impossible widths and negative skips', () => {
    const r = new BitReader(new Uint8Array(8));
    expect(() => r.bits(33)).toThrow(MalformedError);
    expect(() => r.bits(-1)).toThrow(MalformedError);
    r.skip(10);
    expect(() => r.skip(-3)).toThrow(MalformedError);
    expect(r.position).toBe(10);
  });

  it('throws TruncatedError past the end without moving', () => {
    const r = new BitReader(new Uint8Array([0xff]));
    r.bits(5);
    expect(() => r.bits(4)).toThrow(TruncatedError);
    expect(() => r.skip(4)).toThrow(TruncatedError);
    expect(r.position).toBe(5);
  });

  // H.264 Table 9-2 (bit strings) with codeNum, and Table 9-3 (codeNum -> se(v)).
  const table92: [string, number][] = [
    ['1', 0],
    ['010', 1],
    ['011', 2],
    ['00100', 3],
    ['00101', 4],
    ['00110', 5],
    ['00111', 6],
    ['0001000', 7],
    ['0001001', 8],
    ['0001110', 13],
    ['0001111', 14],
    ['000010000', 15],
    ['000011111', 30],
    ['00000100000', 31],
  ];
  const table93: [number, number][] = [
    [0, 0],
    [1, 1],
    [2, -1],
    [3, 2],
    [4, -2],
    [5, 3],
    [6, -3],
    [13, 7],
    [14, -7],
  ];

  it('decodes ue(v) per H.264 Table 9-2', () => {
    for (const [bits, codeNum] of table92) {
      const r = new BitReader(bitsToBytes(bits));
      expect(r.ue(), bits).toBe(codeNum);
      expect(r.position).toBe(bits.length);
    }
    // Back-to-back codes in one stream.
    const r = new BitReader(bitsToBytes(table92.map(([b]) => b).join('')));
    for (const [, codeNum] of table92) expect(r.ue()).toBe(codeNum);
  });

  it('maps se(v) per H.264 Table 9-3, with +0 for codeNum 0', () => {
    for (const [codeNum, value] of table93) {
      const got = new BitReader(bitsToBytes(ueBits(codeNum))).se();
      expect(Object.is(got, value), `codeNum ${codeNum}`).toBe(true);
    }
  });

  it('decodes ue(v) up to 2^32 - 2 and rejects longer codes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 2 }), (n) => {
        const bits = ueBits(n);
        const r = new BitReader(bitsToBytes(bits));
        expect(r.ue()).toBe(n);
        expect(r.position).toBe(bits.length);
      }),
    );
    expect(() => new BitReader(bitsToBytes('0'.repeat(32) + '1' + '0'.repeat(32))).ue()).toThrow(
      MalformedError,
    );
  });

  it('throws TruncatedError for a cut exp-Golomb code', () => {
    expect(() => new BitReader(bitsToBytes('00000001')).ue()).toThrow(TruncatedError);
    expect(() => new BitReader(new Uint8Array([0, 0])).ue()).toThrow(TruncatedError);
    expect(() => new BitReader(new Uint8Array(0)).se()).toThrow(TruncatedError);
  });

  it('only throws MediaError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10 }), (bytes) => {
        const r = new BitReader(bytes);
        try {
          for (;;) {
            r.se();
            r.bits(r.bitsLeft % 33);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
    );
  });
});

describe('unescapeRbsp', () => {
  const u = (...bytes: number[]): number[] => Array.from(unescapeRbsp(new Uint8Array(bytes)));

  it('removes emulation_prevention_three_byte (H.264 7.4.1)', () => {
    expect(u(0x67, 0, 0, 3, 1)).toEqual([0x67, 0, 0, 1]);
    expect(u(0, 0, 3, 0, 0, 3, 2)).toEqual([0, 0, 0, 0, 2]);
    expect(u(0, 0, 3, 3)).toEqual([0, 0, 3]);
    expect(u(0, 0, 3)).toEqual([0, 0]);
    expect(u(0, 3, 0, 0, 3, 0)).toEqual([0, 3, 0, 0, 0]);
  });

  it('returns the input itself when nothing is escaped', () => {
    const nal = new Uint8Array([0x65, 0, 3, 0, 1, 3, 0, 0]);
    expect(unescapeRbsp(nal)).toBe(nal);
  });

  it('inverts the encoder-side escaping of any payload', () => {
    // Encoder rule (7.4.1): after two zero bytes, a byte <= 3 gets a 0x03 inserted before it.
    const escape = (rbsp: Uint8Array): Uint8Array => {
      const out: number[] = [];
      let zeros = 0;
      for (const b of rbsp) {
        if (zeros >= 2 && b <= 3) {
          out.push(3);
          zeros = 0;
        }
        out.push(b);
        zeros = b === 0 ? zeros + 1 : 0;
      }
      return new Uint8Array(out);
    };
    const byte = fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 64 }), (arr) => {
        // A trailing 00 00 needs a cabac_zero_word style 03 after it, which escape() omits.
        const rbsp = new Uint8Array([...arr, 0x80]);
        expect(Array.from(unescapeRbsp(escape(rbsp)))).toEqual(Array.from(rbsp));
      }),
    );
  });
});
