import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { readAmf0Value, readAmf0Values } from './amf0-reader.js';
import { encodeAmf0 } from './amf0-writer.js';
import { Amf0EcmaArray, Amf0TypedObject, Amf0Xml, amf0Properties } from './amf0-types.js';
import type { Amf0Object, Amf0Value } from './amf0-types.js';
import { ByteReader } from '../io/byte-reader.js';
import { LimitExceededError, MalformedError, TruncatedError, UnsupportedError } from '../errors.js';
import { ascii } from '../test-support/bytes.js';
import { ffmpeg, readBytes, withTempDir } from '../test-support/ffmpeg.js';
import { expectOnlyMediaError, mutatedBytes, thrownMediaError } from '../test-support/fuzz.js';

const utf = (text: string): number[] => [0, text.length, ...ascii(text)];
const read = (...bytes: number[]): Amf0Value[] => readAmf0Values(new Uint8Array(bytes));
const ONE = [0x3f, 0xf0, 0, 0, 0, 0, 0, 0];
const END = [0x00, 0x00, 0x09];

describe('readAmf0Value: every marker (AMF0 section 2)', () => {
  it('decodes scalars', () => {
    expect(read(0x00, ...ONE)).toEqual([1]);
    expect(read(0x01, 0x00, 0x01, 0x01, 0x01, 0x7f)).toEqual([false, true, true]); // non-zero is true
    expect(read(0x02, ...utf('hi'))).toEqual(['hi']);
    expect(read(0x0c, 0, 0, 0, 2, ...ascii('hi'))).toEqual(['hi']);
    expect(read(0x05, 0x06)).toEqual([null, undefined]);
    expect(read(0x0d)).toEqual([undefined]); // 2.15 unsupported: a placeholder
    expect(read(0x02, 0x00, 0x00)).toEqual(['']);
  });

  it('decodes a date as UTC milliseconds and ignores the reserved time-zone', () => {
    const [date] = read(0x0b, ...ONE, 0xff, 0x88); // time-zone -120
    expect(date).toBeInstanceOf(Date);
    expect((date as Date).getTime()).toBe(1);
  });

  it('decodes XML documents and typed objects into their wrappers', () => {
    const [xml, typed] = read(
      ...[0x0f, 0, 0, 0, 4, ...ascii('<a/>')],
      ...[0x10, ...utf('Foo'), ...utf('x'), 0x05, ...END],
    );
    expect(xml).toBeInstanceOf(Amf0Xml);
    expect((xml as Amf0Xml).text).toBe('<a/>');
    expect(typed).toBeInstanceOf(Amf0TypedObject);
    expect((typed as Amf0TypedObject).className).toBe('Foo');
    expect((typed as Amf0TypedObject).properties).toEqual({ x: null });
  });

  it('reads an ECMA array to its object end, whatever the count says', () => {
    const body = [...utf('a'), 0x00, ...ONE, ...utf('b'), 0x05, ...END];
    for (const count of [
      [0, 0, 0, 0],
      [0, 0, 0, 2],
      [0xff, 0xff, 0xff, 0xff],
    ]) {
      const [arr] = read(0x08, ...count, ...body);
      expect(arr).toBeInstanceOf(Amf0EcmaArray);
      expect((arr as Amf0EcmaArray).get('a')).toBe(1);
      expect((arr as Amf0EcmaArray).properties).toEqual({ a: 1, b: null });
    }
  });

  it('decodes strict arrays and nested objects', () => {
    const [arr] = read(
      0x0a,
      0,
      0,
      0,
      2,
      0x03,
      ...utf('k'),
      0x02,
      ...utf('v'),
      ...END,
      0x0a,
      0,
      0,
      0,
      0,
    );
    expect(arr).toEqual([{ k: 'v' }, []]);
  });

  it('resolves references to earlier complex values by identity (2.9)', () => {
    // [ {a:1}, ref 1, [], ref 2 ]: the outer array is index 0.
    const [outer] = read(
      ...[0x0a, 0, 0, 0, 4],
      ...[0x03, ...utf('a'), 0x00, ...ONE, ...END],
      ...[0x07, 0x00, 0x01],
      ...[0x0a, 0, 0, 0, 0],
      ...[0x07, 0x00, 0x02],
    );
    const list = outer as Amf0Value[];
    expect(list[1]).toBe(list[0]);
    expect(list[3]).toBe(list[2]);
    const [cyclic] = read(0x03, ...utf('me'), 0x07, 0x00, 0x00, ...END);
    expect((cyclic as Amf0Object)['me']).toBe(cyclic);
  });

  it('rejects references past the table with MalformedError, with the offset', () => {
    const e = thrownMediaError(() => read(0x05, 0x0a, 0, 0, 0, 1, 0x07, 0x00, 0x01));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.offset).toBe(6);
    expect(thrownMediaError(() => read(0x07, 0x00, 0x00))).toBeInstanceOf(MalformedError);
  });

  it('refuses reserved markers and AMF3 with UnsupportedError', () => {
    expect(thrownMediaError(() => read(0x04))).toBeInstanceOf(UnsupportedError);
    expect(thrownMediaError(() => read(0x0e))).toBeInstanceOf(UnsupportedError);
    const amf3 = thrownMediaError(() => read(0x02, ...utf('x'), 0x11, 0x04, 0x01));
    expect(amf3).toBeInstanceOf(UnsupportedError);
    expect(amf3.message).toMatch(/AMF3/);
    expect(amf3.offset).toBe(4);
  });

  it('refuses unknown markers and stray object ends with MalformedError', () => {
    for (const marker of [0x09, 0x12, 0x7f, 0xff]) {
      expect(thrownMediaError(() => read(marker))).toBeInstanceOf(MalformedError);
    }
    // A property whose value is the end marker, and an empty name not followed by it.
    expect(thrownMediaError(() => read(0x03, ...utf('a'), 0x09))).toBeInstanceOf(MalformedError);
    expect(thrownMediaError(() => read(0x03, 0x00, 0x00, 0x05))).toBeInstanceOf(MalformedError);
  });

  it('throws TruncatedError when a declared length runs past the end', () => {
    const cases: number[][] = [
      [0x00, 0x3f],
      [0x02, 0x00, 0x05, 0x61],
      [0x0c, 0xff, 0xff, 0xff, 0xff, 0x61],
      [0x0f, 0x00, 0x00, 0x01],
      [0x03, ...utf('a'), 0x05], // no object end
      [0x08, 0, 0, 0, 0],
      [0x10, 0x00, 0x09, 0x41],
      [0x0b, ...ONE, 0x00],
      [0x07, 0x00],
    ];
    for (const bytes of cases)
      expect(thrownMediaError(() => read(...bytes))).toBeInstanceOf(TruncatedError);
  });

  it('does not pre-allocate for a huge strict-array count', () => {
    const e = thrownMediaError(() => read(0x0a, 0xff, 0xff, 0xff, 0xff, 0x05, 0x05));
    expect(e).toBeInstanceOf(TruncatedError);
    // Small enough to pass the quick check: still read element by element and fails cleanly.
    expect(thrownMediaError(() => read(0x0a, 0, 0, 0, 3, 0x02, 0x00, 0x09, 0x05))).toBeInstanceOf(
      TruncatedError,
    );
  });

  it('allows 64 levels of nesting and refuses 65 with LimitExceededError', () => {
    const nested = (levels: number): number[] => [
      ...Array<number[]>(levels).fill([0x0a, 0, 0, 0, 1]).flat(),
      0x05,
    ];
    expect(read(...nested(64))).toHaveLength(1);
    expect(thrownMediaError(() => read(...nested(65)))).toBeInstanceOf(LimitExceededError);
    const deepObjects = [
      ...Array<number[]>(5000)
        .fill([0x03, ...utf('a')])
        .flat(),
      0x05,
    ];
    expect(thrownMediaError(() => read(...deepObjects))).toBeInstanceOf(LimitExceededError);
  });

  it('keeps hostile keys as own properties of a null-prototype object', () => {
    const [obj] = read(0x03, ...utf('__proto__'), 0x00, ...ONE, ...utf('toString'), 0x05, ...END);
    const o = obj as Amf0Object;
    expect(Object.getPrototypeOf(o)).toBeNull();
    expect(Object.keys(o)).toEqual(['__proto__', 'toString']);
    expect(o['__proto__']).toBe(1);
    expect(o['constructor']).toBeUndefined();
    expect(({} as Record<string, unknown>)['toString']).toBeTypeOf('function'); // untouched
  });

  it('readAmf0Value stops after one value; errors carry the stream offset', () => {
    const reader = new ByteReader(new Uint8Array([0x05, 0x01, 0x01, 0x02]), 100);
    expect(readAmf0Value(reader)).toBeNull();
    expect(readAmf0Value(reader)).toBe(true);
    expect(reader.offset).toBe(103);
    expect(thrownMediaError(() => readAmf0Value(reader)).offset).toBe(104);
    expect(thrownMediaError(() => readAmf0Values(new Uint8Array([0x05, 0x33]), 7)).offset).toBe(8);
  });

  it('amf0Properties reads an object, ECMA array or typed object alike', () => {
    const [a, b, c, d] = readAmf0Values(
      encodeAmf0({ w: 1 }, new Amf0EcmaArray({ w: 2 }), new Amf0TypedObject('T', { w: 3 }), 'x'),
    );
    expect(amf0Properties(a)?.['w']).toBe(1);
    expect(amf0Properties(b)?.['w']).toBe(2);
    expect(amf0Properties(c)?.['w']).toBe(3);
    expect(amf0Properties(d)).toBeUndefined();
    expect(amf0Properties([1])).toBeUndefined();
  });
});

describe('readAmf0Values: hostile input only yields MediaError', () => {
  const sample = encodeAmf0(
    'onMetaData',
    new Amf0EcmaArray({ duration: 1.5, encoder: 'x', stereo: true, list: [1, null] }),
    { app: 'live', nested: { deep: [new Date(0), new Amf0Xml('<x/>')] } },
    new Amf0TypedObject('C', { n: undefined }),
    'z'.repeat(70_000),
  );

  const parse = (bytes: Uint8Array): void => void readAmf0Values(bytes);

  it('random bytes', () => {
    expectOnlyMediaError(fc.uint8Array({ maxLength: 300 }), parse);
  });

  it('random bytes biased towards AMF0 markers', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 0x12 }), fc.integer({ min: 0, max: 255 }));
    expectOnlyMediaError(
      fc.array(byte, { maxLength: 300 }).map((arr) => new Uint8Array(arr)),
      parse,
    );
  });

  it('every truncation of a single encoded value is a TruncatedError', () => {
    const one = encodeAmf0(['a', { b: new Amf0EcmaArray({ c: 1 }) }, new Date(5), new Amf0Xml('')]);
    for (let n = 1; n < one.length; n++) {
      expect(thrownMediaError(() => readAmf0Values(one.subarray(0, n)))).toBeInstanceOf(
        TruncatedError,
      );
    }
    expect(readAmf0Values(one)).toHaveLength(1);
  });

  it('single-byte mutations of a valid encoding', () => {
    expectOnlyMediaError(mutatedBytes([sample]), parse, 3000);
  });
});

describe('readAmf0Values: an onMetaData script tag written by ffmpeg', () => {
  it('parses the SCRIPTDATA body and finds duration, width and height', () => {
    withTempDir('tidecast-amf0-', (dir) => {
      const out = join(dir, 'clip.flv');
      ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=1'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest'],
        ...['-f', 'flv', out],
      ]);
      const flv = readBytes(out);
      // FLV spec v10.1 E.2 header (9 bytes) + PreviousTagSize0 (4), then an 11-byte tag header.
      expect(String.fromCharCode(flv[0] ?? 0, flv[1] ?? 0, flv[2] ?? 0)).toBe('FLV');
      const tag = 9 + 4;
      expect(flv[tag]).toBe(18); // TagType 18: script data
      const dataSize =
        (flv[tag + 1] ?? 0) * 65536 + (flv[tag + 2] ?? 0) * 256 + (flv[tag + 3] ?? 0);
      const body = flv.subarray(tag + 11, tag + 11 + dataSize);

      const values = readAmf0Values(body, tag + 11);
      expect(values[0]).toBe('onMetaData');
      expect(values[1]).toBeInstanceOf(Amf0EcmaArray);
      const meta = values[1] as Amf0EcmaArray;
      expect(meta.get('width')).toBe(160);
      expect(meta.get('height')).toBe(120);
      expect(meta.get('framerate')).toBe(25);
      expect(meta.get('videocodecid')).toBe(7); // AVC
      expect(meta.get('audiocodecid')).toBe(10); // AAC
      const duration = meta.get('duration');
      expect(typeof duration).toBe('number');
      expect(Math.abs((duration as number) - 1)).toBeLessThan(0.1);
      expect(meta.get('encoder')).toMatch(/^Lavf/);

      // Our writer reproduces ffmpeg's bytes exactly from the decoded values.
      expect(Array.from(encodeAmf0(...values))).toEqual(Array.from(body));
    });
  });
});
