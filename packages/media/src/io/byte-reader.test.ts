import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from './byte-reader.js';
import { MediaError, TruncatedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';

const r = (...bytes: number[]): ByteReader => new ByteReader(new Uint8Array(bytes));

describe('ByteReader', () => {
  it('reads big-endian integers of every width', () => {
    expect(r(0xfe).u8()).toBe(254);
    expect(r(0xfe).i8()).toBe(-2);
    expect(r(0x12, 0x34).u16()).toBe(0x1234);
    expect(r(0xff, 0xfe).i16()).toBe(-2);
    expect(r(0x12, 0x34, 0x56).u24()).toBe(0x123456);
    expect(r(0xde, 0xad, 0xbe, 0xef).u32()).toBe(0xdeadbeef);
    expect(r(0xff, 0xff, 0xff, 0xfe).i32()).toBe(-2);
    expect(r(0x01, 0x00, 0x00, 0x00).u32le()).toBe(1);
    expect(r(0xef, 0xbe, 0xad, 0xde).u32le()).toBe(0xdeadbeef);
  });

  it('sign-extends i24 at the range edges', () => {
    expect(r(0x7f, 0xff, 0xff).i24()).toBe(0x7fffff);
    expect(r(0x80, 0x00, 0x00).i24()).toBe(-0x800000);
    expect(r(0xff, 0xff, 0xff).i24()).toBe(-1);
    expect(r(0x00, 0x00, 0x00).i24()).toBe(0);
    expect(r(0xff, 0xff, 0x00).i24()).toBe(-256);
  });

  it('reads u64 exactly up to 2^53', () => {
    expect(r(0, 0, 0, 0, 0, 0, 0, 0).u64()).toBe(0);
    expect(r(0, 0, 0, 1, 0, 0, 0, 0).u64()).toBe(2 ** 32);
    expect(r(0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).u64()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r(0, 0x20, 0, 0, 0, 0, 0, 0).u64()).toBe(2 ** 53);
    expect(r(0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff).u64()).toBe(0xffffffff);
  });

  it('reads IEEE-754 doubles', () => {
    // 1.5 = 0x3FF8000000000000
    expect(r(0x3f, 0xf8, 0, 0, 0, 0, 0, 0).f64()).toBe(1.5);
    expect(r(0xc0, 0, 0, 0, 0, 0, 0, 0).f64()).toBe(-2);
    expect(Object.is(r(0x80, 0, 0, 0, 0, 0, 0, 0).f64(), -0)).toBe(true);
    expect(r(0x7f, 0xf8, 0, 0, 0, 0, 0, 0).f64()).toBeNaN();
  });

  it('tracks pos, remaining and the stream offset', () => {
    const reader = new ByteReader(new Uint8Array([1, 2, 3, 4, 5]), 1000);
    expect(reader.length).toBe(5);
    reader.u16();
    expect(reader.pos).toBe(2);
    expect(reader.remaining).toBe(3);
    expect(reader.offset).toBe(1002);
    reader.skip(3);
    expect(reader.remaining).toBe(0);
  });

  it('honours a subarray view (byteOffset into a bigger buffer)', () => {
    const big = new Uint8Array([9, 9, 0x12, 0x34, 9]);
    const reader = new ByteReader(big.subarray(2, 4));
    expect(reader.u16()).toBe(0x1234);
    expect(() => reader.u8()).toThrow(TruncatedError);
  });

  it('returns views and copies, fourcc and UTF-8 text', () => {
    const data = new Uint8Array([0x66, 0x74, 0x79, 0x70, 0xe2, 0x82, 0xac, 1, 2]);
    const reader = new ByteReader(data);
    expect(reader.fourcc()).toBe('ftyp');
    expect(reader.utf8(3)).toBe('€');
    const view = reader.bytesView(1);
    reader.pos -= 1;
    const copy = reader.bytesCopy(2);
    data[7] = 42;
    expect(view[0]).toBe(42);
    expect(Array.from(copy)).toEqual([1, 2]);
  });

  it('throws TruncatedError with the stream offset and leaves pos unchanged', () => {
    const reads: [string, (x: ByteReader) => unknown][] = [
      ['u8', (x) => x.u8()],
      ['i8', (x) => x.i8()],
      ['u16', (x) => x.u16()],
      ['i16', (x) => x.i16()],
      ['u24', (x) => x.u24()],
      ['i24', (x) => x.i24()],
      ['u32', (x) => x.u32()],
      ['i32', (x) => x.i32()],
      ['u32le', (x) => x.u32le()],
      ['u64', (x) => x.u64()],
      ['f64', (x) => x.f64()],
      ['fourcc', (x) => x.fourcc()],
      ['bytesView', (x) => x.bytesView(9)],
      ['utf8', (x) => x.utf8(9)],
      ['skip', (x) => x.skip(9)],
    ];
    for (const [name, read] of reads) {
      const reader = new ByteReader(new Uint8Array(name === 'u8' || name === 'i8' ? 1 : 8), 50);
      reader.pos = reader.length; // at the end: every read must fail
      const e = thrownMediaError(() => read(reader));
      expect(e, name).toBeInstanceOf(TruncatedError);
      expect(e.code).toBe('TRUNCATED');
      expect(e.offset).toBe(50 + reader.length);
      expect(reader.pos).toBe(reader.length);
    }
  });

  it('rejects negative and non-integer counts instead of corrupting pos', () => {
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const reader = r(1, 2, 3);
      expect(() => reader.bytesView(bad)).toThrow(TruncatedError);
      expect(() => reader.skip(bad)).toThrow(TruncatedError);
      expect(reader.pos).toBe(0);
    }
  });

  it('never throws anything but MediaError on random reads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.array(fc.nat(10)), (bytes, ops) => {
        const reader = new ByteReader(bytes);
        try {
          for (const op of ops) {
            if (op === 0) reader.u8();
            else if (op === 1) reader.u16();
            else if (op === 2) reader.i24();
            else if (op === 3) reader.u32();
            else if (op === 4) reader.u64();
            else if (op === 5) reader.f64();
            else reader.bytesView(op - 5);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
        expect(reader.pos).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});
