import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeAmf0, writeAmf0Value } from './amf0-writer.js';
import { readAmf0Values } from './amf0-reader.js';
import { Amf0EcmaArray, Amf0TypedObject, Amf0Xml, createAmf0Object } from './amf0-types.js';
import type { Amf0Object, Amf0Value } from './amf0-types.js';
import { ByteWriter } from '../io/byte-writer.js';
import { InvalidArgumentError, LimitExceededError } from '../errors.js';
import { ascii, toHex } from '../test-support/bytes.js';

/** u16 length + bytes: AMF0 "UTF-8" (section 1.3). */
const utf = (text: string): number[] => [0, text.length, ...ascii(text)];
const ONE = [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]; // 1.0 as an IEEE-754 double

describe('writeAmf0Value / encodeAmf0: byte-exact vectors (AMF0 section 2)', () => {
  const vectors: [string, Amf0Value, number[]][] = [
    ['number 2.2', 1, [0x00, ...ONE]],
    ['boolean 2.3 true', true, [0x01, 0x01]],
    ['boolean 2.3 false', false, [0x01, 0x00]],
    ['string 2.4', 'live', [0x02, ...utf('live')]],
    ['empty string', '', [0x02, 0x00, 0x00]],
    ['object 2.5', { a: 1 }, [0x03, ...utf('a'), 0x00, ...ONE, 0x00, 0x00, 0x09]],
    ['empty object', {}, [0x03, 0x00, 0x00, 0x09]],
    ['null 2.7', null, [0x05]],
    ['undefined 2.8', undefined, [0x06]],
    [
      'ECMA array 2.10',
      new Amf0EcmaArray({ duration: 1 }),
      [0x08, 0, 0, 0, 1, ...utf('duration'), 0x00, ...ONE, 0x00, 0x00, 0x09],
    ],
    ['strict array 2.12', [1, 'a'], [0x0a, 0, 0, 0, 2, 0x00, ...ONE, 0x02, ...utf('a')]],
    ['date 2.13', new Date(1), [0x0b, ...ONE, 0x00, 0x00]],
    ['XML document 2.17', new Amf0Xml('<a/>'), [0x0f, 0, 0, 0, 4, ...ascii('<a/>')]],
    [
      'typed object 2.18',
      new Amf0TypedObject('Foo', { x: true }),
      [0x10, ...utf('Foo'), ...utf('x'), 0x01, 0x01, 0x00, 0x00, 0x09],
    ],
  ];
  for (const [name, value, bytes] of vectors) {
    it(name, () => {
      expect(toHex(encodeAmf0(value))).toBe(toHex(new Uint8Array(bytes)));
    });
  }

  it('an RTMP connect command', () => {
    const bytes = encodeAmf0('connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' });
    const expected = [
      ...[0x02, ...utf('connect')],
      ...[0x00, ...ONE],
      0x03,
      ...[...utf('app'), 0x02, ...utf('live')],
      ...[...utf('tcUrl'), 0x02, ...utf('rtmp://h/live')],
      ...[0x00, 0x00, 0x09],
    ];
    expect(toHex(bytes)).toBe(toHex(new Uint8Array(expected)));
  });

  it('switches to a long string (2.14) past 65535 UTF-8 bytes, counting bytes not chars', () => {
    const max = encodeAmf0('a'.repeat(0xffff));
    expect(Array.from(max.subarray(0, 3))).toEqual([0x02, 0xff, 0xff]);
    expect(max.length).toBe(3 + 0xffff);
    const long = encodeAmf0('a'.repeat(0x10000));
    expect(Array.from(long.subarray(0, 5))).toEqual([0x0c, 0x00, 0x01, 0x00, 0x00]);
    const wide = encodeAmf0('é'.repeat(0x8000)); // 32768 chars, 65536 bytes
    expect(wide[0]).toBe(0x0c);
    expect(readAmf0Values(wide)).toEqual(['é'.repeat(0x8000)]);
  });

  it('writes a repeated instance as a reference (2.9), counting the outer array', () => {
    const shared = { a: 1 };
    const bytes = encodeAmf0([shared, shared]);
    const obj = [0x03, ...utf('a'), 0x00, ...ONE, 0x00, 0x00, 0x09];
    expect(toHex(bytes)).toBe(toHex(new Uint8Array([0x0a, 0, 0, 0, 2, ...obj, 0x07, 0x00, 0x01])));
    const [back] = readAmf0Values(bytes) as [Amf0Value[]];
    expect(back[0]).toBe(back[1]);
  });

  it('writes a cyclic graph with a back reference instead of recursing forever', () => {
    const self: Amf0Object = {};
    self['self'] = self;
    const bytes = encodeAmf0(self);
    expect(Array.from(bytes)).toEqual([0x03, ...utf('self'), 0x07, 0x00, 0x00, 0x00, 0x00, 0x09]);
    const [back] = readAmf0Values(bytes) as [Amf0Object];
    expect(back['self']).toBe(back);
  });

  it('keeps a shared diamond linear in size', () => {
    let node: Amf0Value[] = [];
    for (let i = 0; i < 60; i++) node = [node, node]; // 2^60 leaves if inlined
    const bytes = encodeAmf0(node);
    expect(bytes.length).toBeLessThan(60 * 20);
  });

  it('starts a fresh reference table for each top-level value', () => {
    const shared = { a: 1 };
    const bytes = encodeAmf0(shared, shared);
    expect(bytes.filter((b) => b === 0x07).length).toBe(0);
    expect(readAmf0Values(bytes)).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it('writes sparse-array holes as undefined', () => {
    const sparse: Amf0Value[] = [];
    sparse[2] = 1;
    expect(Array.from(encodeAmf0(sparse).subarray(0, 7))).toEqual([0x0a, 0, 0, 0, 3, 0x06, 0x06]);
  });
});

describe('writeAmf0Value: refusals', () => {
  const bad: [string, unknown][] = [
    ['function', () => 1],
    ['bigint', 10n],
    ['symbol', Symbol('x')],
    ['Map', new Map()],
    ['Uint8Array', new Uint8Array(1)],
    [
      'class instance',
      new (class Foo {
        readonly x = 1;
      })(),
    ],
    ['nested Map', { a: [new Map()] }],
  ];
  for (const [name, value] of bad) {
    it(`refuses a ${name} with InvalidArgumentError and leaves the writer as it was`, () => {
      const w = new ByteWriter();
      writeAmf0Value(w, 'ok');
      const before = toHex(w.finish());
      expect(() => writeAmf0Value(w, value as Amf0Value)).toThrow(InvalidArgumentError);
      expect(toHex(w.finish())).toBe(before);
    });
  }

  it('refuses empty and over-long property names and class names', () => {
    expect(() => encodeAmf0({ '': 1 })).toThrow(InvalidArgumentError);
    expect(() => encodeAmf0(new Amf0EcmaArray({ '': 1 }))).toThrow(InvalidArgumentError);
    expect(() => encodeAmf0({ ['k'.repeat(0x10000)]: 1 })).toThrow(InvalidArgumentError);
    expect(() => encodeAmf0(new Amf0TypedObject('C'.repeat(0x10000)))).toThrow(
      InvalidArgumentError,
    );
  });

  it('allows 64 levels of nesting and refuses 65 with LimitExceededError', () => {
    const nest = (levels: number): Amf0Value => {
      let v: Amf0Value = 1;
      for (let i = 0; i < levels; i++) v = [v];
      return v;
    };
    expect(readAmf0Values(encodeAmf0(nest(64)))).toEqual([nest(64)]);
    expect(() => encodeAmf0(nest(65))).toThrow(LimitExceededError);
    expect(() => encodeAmf0(nest(100_000))).toThrow(LimitExceededError);
  });
});

const key = fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' });
const leaf: fc.Arbitrary<Amf0Value> = fc.oneof(
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: true }),
  fc.string({ maxLength: 20 }).map((t) => new Amf0Xml(t)),
);
const { value: valueArb } = fc.letrec<{ value: Amf0Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((d) => createAmf0Object(d)),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((d) => new Amf0EcmaArray(d)),
    fc
      .tuple(fc.string({ maxLength: 10 }), fc.dictionary(key, tie('value'), { maxKeys: 3 }))
      .map(([name, d]) => new Amf0TypedObject(name, d)),
  ),
}));

describe('AMF0 round trip', () => {
  it('reads back every value it writes, and rewrites the same bytes', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { maxLength: 4 }), (values) => {
        const bytes = encodeAmf0(...values);
        const back = readAmf0Values(bytes);
        expect(back).toEqual(values);
        expect(toHex(encodeAmf0(...back))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the wrapper classes, so ECMA array and object stay distinct', () => {
    const values: Amf0Value[] = [
      new Amf0EcmaArray({ width: 640 }),
      { width: 640 },
      new Amf0TypedObject('flex.Foo', { n: 1 }),
      new Amf0Xml('<x/>'),
      new Date(Date.UTC(2024, 0, 2)),
      Number.NaN,
      -0,
      Infinity,
    ];
    const back = readAmf0Values(encodeAmf0(...values));
    expect(back[0]).toBeInstanceOf(Amf0EcmaArray);
    expect(back[1]).not.toBeInstanceOf(Amf0EcmaArray);
    expect(back[2]).toBeInstanceOf(Amf0TypedObject);
    expect((back[2] as Amf0TypedObject).className).toBe('flex.Foo');
    expect(back[3]).toBeInstanceOf(Amf0Xml);
    expect((back[4] as Date).toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(back[5]).toBeNaN();
    expect(Object.is(back[6], -0)).toBe(true);
    expect(back[7]).toBe(Infinity);
  });
});
