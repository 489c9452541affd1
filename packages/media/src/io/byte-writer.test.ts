import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ByteWriter } from './byte-writer.js';
import { ByteReader } from './byte-reader.js';
import { InvalidArgumentError } from '../errors.js';

type Width = {
  name: string;
  min: number;
  max: number;
  write: (w: ByteWriter, v: number) => void;
  read: (r: ByteReader) => number;
  size: number;
};

const widths: Width[] = [
  { name: 'u8', min: 0, max: 0xff, write: (w, v) => w.u8(v), read: (r) => r.u8(), size: 1 },
  { name: 'u16', min: 0, max: 0xffff, write: (w, v) => w.u16(v), read: (r) => r.u16(), size: 2 },
  {
    name: 'i16',
    min: -0x8000,
    max: 0x7fff,
    write: (w, v) => w.i16(v),
    read: (r) => r.i16(),
    size: 2,
  },
  { name: 'u24', min: 0, max: 0xffffff, write: (w, v) => w.u24(v), read: (r) => r.u24(), size: 3 },
  {
    name: 'i24',
    min: -0x800000,
    max: 0x7fffff,
    write: (w, v) => w.i24(v),
    read: (r) => r.i24(),
    size: 3,
  },
  {
    name: 'u32',
    min: 0,
    max: 0xffffffff,
    write: (w, v) => w.u32(v),
    read: (r) => r.u32(),
    size: 4,
  },
  {
    name: 'i32',
    min: -0x80000000,
    max: 0x7fffffff,
    write: (w, v) => w.i32(v),
    read: (r) => r.i32(),
    size: 4,
  },
  {
    name: 'u32le',
    min: 0,
    max: 0xffffffff,
    write: (w, v) => w.u32le(v),
    read: (r) => r.u32le(),
    size: 4,
  },
  {
    name: 'u64',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    write: (w, v) => w.u64(v),
    read: (r) => r.u64(),
    size: 8,
  },
];

function roundTrip(width: Width, value: number): number {
  const w = new ByteWriter(1);
  width.write(w, value);
  expect(w.length).toBe(width.size);
  const reader = new ByteReader(w.finish());
  const back = width.read(reader);
  expect(reader.remaining).toBe(0);
  return back;
}

describe('ByteWriter', () => {
  for (const width of widths) {
    it(`${width.name}: round trips at the range edges and rejects values outside`, () => {
      for (const v of [width.min, width.min + 1, 0, width.max - 1, width.max]) {
        expect(roundTrip(width, v)).toBe(v);
      }
      for (const bad of [width.min - 1, width.max + 1, 0.5, Number.NaN, Infinity]) {
        expect(() => width.write(new ByteWriter(), bad)).toThrow(InvalidArgumentError);
      }
    });

    it(`${width.name}: round trips any value in range`, () => {
      fc.assert(
        fc.property(fc.integer({ min: width.min, max: width.max }), (v) => {
          expect(roundTrip(width, v)).toBe(v);
        }),
      );
    });
  }

  it('encodes i24 as two-complement bytes', () => {
    expect(Array.from(new ByteWriter().i24(-1).finish())).toEqual([0xff, 0xff, 0xff]);
    expect(Array.from(new ByteWriter().i24(-0x800000).finish())).toEqual([0x80, 0, 0]);
    expect(Array.from(new ByteWriter().i24(0x7fffff).finish())).toEqual([0x7f, 0xff, 0xff]);
  });

  it('encodes u64 big-endian up to 2^53 - 1', () => {
    const bytes = new ByteWriter().u64(Number.MAX_SAFE_INTEGER).finish();
    expect(Array.from(bytes)).toEqual([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(new ByteWriter().u64(2 ** 32 + 5).finish())).toEqual([
      0, 0, 0, 1, 0, 0, 0, 5,
    ]);
    expect(() => new ByteWriter().u64(2 ** 53)).toThrow(InvalidArgumentError);
  });

  it('round trips doubles bit-exactly, including -0, NaN and infinities', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const back = new ByteReader(new ByteWriter().f64(v).finish()).f64();
        expect(Object.is(back, v)).toBe(true);
      }),
    );
  });

  it('grows past its initial capacity without losing bytes', () => {
    const w = new ByteWriter(1);
    for (let i = 0; i < 1000; i++) w.u8(i % 256);
    w.bytes(new Uint8Array(5000).fill(7));
    w.zeros(3);
    const out = w.finish();
    expect(out.length).toBe(6003);
    expect(out[255]).toBe(255);
    expect(out[256]).toBe(0);
    expect(out[999]).toBe(999 % 256);
    expect(out[1000]).toBe(7);
    expect(out[5999]).toBe(7);
    expect(Array.from(out.subarray(6000))).toEqual([0, 0, 0]);
  });

  it('does not hang on a nonsense initial capacity', () => {
    for (const cap of [Number.NaN, Infinity, -5, 0]) {
      const w = new ByteWriter(cap);
      w.zeros(100);
      expect(w.length).toBe(100);
    }
  });

  it('writes fourcc and UTF-8, and refuses fourcc that is not 4 ASCII chars', () => {
    const w = new ByteWriter().fourcc('moov').utf8('é');
    expect(Array.from(w.finish())).toEqual([0x6d, 0x6f, 0x6f, 0x76, 0xc3, 0xa9]);
    expect(() => new ByteWriter().fourcc('abc')).toThrow(InvalidArgumentError);
    expect(() => new ByteWriter().fourcc('abcé')).toThrow(InvalidArgumentError);
    expect(() => new ByteWriter().zeros(-1)).toThrow(InvalidArgumentError);
  });

  it('patches u32/u24 in place and refuses offsets outside what was written', () => {
    const w = new ByteWriter().u32(0).u24(0).u8(9);
    w.patchU32(0, 0xdeadbeef);
    w.patchU24(4, 0x123456);
    expect(Array.from(w.finish())).toEqual([0xde, 0xad, 0xbe, 0xef, 0x12, 0x34, 0x56, 9]);
    expect(() => w.patchU32(5, 1)).toThrow(InvalidArgumentError);
    expect(() => w.patchU24(-1, 1)).toThrow(InvalidArgumentError);
    expect(() => w.patchU24(0, 0x1000000)).toThrow(InvalidArgumentError);
    expect(() => w.patchU32(0, -1)).toThrow(InvalidArgumentError);
  });

  it('written() is a live view and finish() a copy', () => {
    const w = new ByteWriter().u8(1).u8(2).u8(3);
    const view = w.written();
    const copy = w.finish();
    expect(Array.from(view)).toEqual([1, 2, 3]);
    w.patchU24(0, 0x0a0b0c);
    expect(Array.from(view)).toEqual([0x0a, 0x0b, 0x0c]);
    expect(Array.from(copy)).toEqual([1, 2, 3]);
  });
});
