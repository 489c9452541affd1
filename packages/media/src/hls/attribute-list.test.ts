import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';
import {
  AttributeList,
  decimalFloat,
  decimalInteger,
  decimalResolution,
  enumeratedString,
  formatAttributeList,
  hexSequence,
  quotedString,
} from './attribute-list.js';

describe('AttributeList.parse (RFC 8216 4.2)', () => {
  const a = AttributeList.parse(
    'BANDWIDTH=1280000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,' +
      'IV=0x0A0b,TIME-OFFSET=-2.5,DEFAULT=YES,AUTOSELECT=NO,HDCP-LEVEL=TYPE-0,EMPTY=""',
  );

  it('reads every value type', () => {
    expect(a.names).toEqual([
      'BANDWIDTH',
      'CODECS',
      'RESOLUTION',
      'FRAME-RATE',
      'IV',
      'TIME-OFFSET',
      'DEFAULT',
      'AUTOSELECT',
      'HDCP-LEVEL',
      'EMPTY',
    ]);
    expect(a.integer('BANDWIDTH')).toBe(1280000);
    expect(a.quoted('CODECS')).toBe('avc1.4d401f,mp4a.40.2');
    expect(a.resolution('RESOLUTION')).toEqual({ width: 1280, height: 720 });
    expect(a.float('FRAME-RATE')).toBeCloseTo(29.97, 10);
    expect(Array.from(a.hex('IV') ?? [])).toEqual([0x0a, 0x0b]);
    expect(a.float('TIME-OFFSET', true)).toBe(-2.5);
    expect(a.yesNo('DEFAULT')).toBe(true);
    expect(a.yesNo('AUTOSELECT')).toBe(false);
    expect(a.enumerated('HDCP-LEVEL')).toBe('TYPE-0');
    expect(a.quoted('EMPTY')).toBe('');
    expect(a.quoted('MISSING')).toBeUndefined();
    expect(a.get('CODECS')).toEqual({ text: 'avc1.4d401f,mp4a.40.2', quoted: true });
  });

  it('pads odd hex digit counts with a leading zero nibble', () => {
    expect(Array.from(AttributeList.parse('IV=0x123').hex('IV') ?? [])).toEqual([0x01, 0x23]);
  });

  it('tolerates spaces around commas and a trailing comma', () => {
    const b = AttributeList.parse(' A=1 , B="x y",C=NO, ');
    expect(b.integer('A')).toBe(1);
    expect(b.quoted('B')).toBe('x y');
    expect(b.yesNo('C')).toBe(false);
  });

  it('reads an empty list', () => {
    expect(AttributeList.parse('').names).toEqual([]);
  });

  it.each([
    ['A', 'without "="'],
    ['a=1', 'bad attribute name'],
    ['A=1,A=2', 'appears twice'],
    ['A="open', 'unterminated'],
    ['A="x"y', 'after the quoted-string'],
    ['A=,B=1', 'bad value'],
    ['A=x"y', 'bad value'],
  ])('refuses %s', (text, message) => {
    const e = thrownMediaError(() => AttributeList.parse(text));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toContain(message);
  });

  it.each([
    ['A=1.5', (l: AttributeList) => l.integer('A'), 'decimal-integer'],
    ['A=-1', (l: AttributeList) => l.integer('A'), 'decimal-integer'],
    ['A=123456789012345678901', (l: AttributeList) => l.integer('A'), 'decimal-integer'],
    ['A=99999999999999999999', (l: AttributeList) => l.integer('A'), 'too large'],
    ['A=1e3', (l: AttributeList) => l.float('A'), 'decimal number'],
    ['A=-1', (l: AttributeList) => l.float('A'), 'decimal number'],
    ['A="1"', (l: AttributeList) => l.integer('A'), 'must not be a quoted-string'],
    ['A=x', (l: AttributeList) => l.quoted('A'), 'must be a quoted-string'],
    ['A=1280*720', (l: AttributeList) => l.resolution('A'), 'decimal-resolution'],
    ['A=0xZZ', (l: AttributeList) => l.hex('A'), 'hexadecimal-sequence'],
    ['A=MAYBE', (l: AttributeList) => l.yesNo('A'), 'YES or NO'],
  ])('types %s strictly', (text, read, message) => {
    const list = AttributeList.parse(text);
    const e = thrownMediaError(() => read(list));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toContain(message);
  });

  it('require names the tag and the attribute', () => {
    expect(AttributeList.require(3, 'X', 'EXT-X-FOO')).toBe(3);
    const e = thrownMediaError(() => AttributeList.require(undefined, 'URI', 'EXT-X-MAP'));
    expect(e.message).toBe('EXT-X-MAP requires URI');
  });
});

describe('attribute value writers', () => {
  it('formats decimals with at most 5 fraction digits, trimmed', () => {
    expect(decimalFloat(4)).toBe('4');
    expect(decimalFloat(4.00008)).toBe('4.00008');
    expect(decimalFloat(0.3333349)).toBe('0.33333');
    expect(decimalFloat(1.5)).toBe('1.5');
    expect(decimalFloat(2.000001)).toBe('2');
    expect(decimalFloat(29.97002997, 'FRAME-RATE', 3)).toBe('29.97');
    expect(decimalFloat(-2.5, 'TIME-OFFSET', 5, true)).toBe('-2.5');
    expect(decimalFloat(-0.000001, 'TIME-OFFSET', 5, true)).toBe('0');
  });

  it.each([Number.NaN, Infinity, -1, 1e16])('refuses the decimal %s', (v) => {
    expect(() => decimalFloat(v)).toThrow(InvalidArgumentError);
  });

  it('formats integers, resolutions, hex and lists', () => {
    expect(decimalInteger(0)).toBe('0');
    expect(() => decimalInteger(1.5)).toThrow(InvalidArgumentError);
    expect(() => decimalInteger(-1)).toThrow(InvalidArgumentError);
    expect(decimalResolution({ width: 1920, height: 1080 })).toBe('1920x1080');
    expect(hexSequence(Uint8Array.of(0, 0xab, 0x10))).toBe('0x00ab10');
    expect(() => hexSequence(new Uint8Array(0))).toThrow(InvalidArgumentError);
    expect(
      formatAttributeList([
        ['A', '1'],
        ['B', undefined],
        ['C', '"x"'],
      ]),
    ).toBe('A=1,C="x"');
  });

  it('refuses strings that would break the syntax', () => {
    expect(quotedString('a,b c')).toBe('"a,b c"');
    expect(() => quotedString('a"b')).toThrow(InvalidArgumentError);
    expect(() => quotedString('a\nb')).toThrow(InvalidArgumentError);
    expect(enumeratedString('TYPE-1')).toBe('TYPE-1');
    for (const bad of ['', 'a b', 'a,b', 'a"b']) {
      expect(() => enumeratedString(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('writes what it reads back', () => {
    const text = formatAttributeList([
      ['URI', quotedString('seg,1.m4s')],
      ['DURATION', decimalFloat(0.33334)],
      ['RESOLUTION', decimalResolution({ width: 640, height: 360 })],
      ['IV', hexSequence(Uint8Array.of(1, 2, 3))],
    ]);
    const a = AttributeList.parse(text);
    expect(a.quoted('URI')).toBe('seg,1.m4s');
    expect(a.float('DURATION')).toBe(0.33334);
    expect(a.resolution('RESOLUTION')).toEqual({ width: 640, height: 360 });
    expect(Array.from(a.hex('IV') ?? [])).toEqual([1, 2, 3]);
  });
});
