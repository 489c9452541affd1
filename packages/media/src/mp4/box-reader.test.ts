import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitExceededError, MalformedError, TruncatedError, UnsupportedError } from '../errors.js';
import { fieldsOf, findBox, findBoxes, findFields, readBoxes } from './box-reader.js';
import { ascii, box, cat, fullBox, u16, u32, u64, zeros } from '../test-support/bytes.js';
import {
  expectOnlyMediaError,
  mutatedBytes,
  onlyMediaError,
  thrownMediaError,
} from '../test-support/fuzz.js';

const ones = (n: number): number[] => new Array<number>(n).fill(0xff);

const avcC = box(
  'avcC',
  [1, 0x64, 0, 0x1f, 0xff, 0xe1],
  u16(4),
  [0x67, 0x64, 0, 0x1f],
  [1],
  u16(2),
  [0x68, 0xee],
);
const avc1 = box(
  'avc1',
  zeros(6),
  u16(1),
  zeros(16),
  u16(640),
  u16(360),
  u32(0x480000),
  u32(0x480000),
  zeros(4),
  u16(1),
  [4, ...ascii('x264'), ...zeros(27)],
  u16(24),
  [0xff, 0xff],
  avcC,
  box('pasp', u32(4), u32(3)),
);
const stbl = box(
  'stbl',
  fullBox('stsd', 0, 0, u32(1), avc1),
  fullBox('stts', 0, 0, u32(1), u32(3), u32(512)),
  fullBox('ctts', 0, 0, u32(2), u32(1), u32(1024), u32(2), u32(0xfffffe00)),
  fullBox('stss', 0, 0, u32(1), u32(1)),
  fullBox('stsc', 0, 0, u32(1), u32(1), u32(3), u32(1)),
  fullBox('stsz', 0, 0, u32(0), u32(3), u32(10), u32(20), u32(30)),
  fullBox('co64', 0, 0, u32(1), u64(2 ** 40 + 5)),
);
const moov = box(
  'moov',
  fullBox(
    'mvhd',
    1,
    0,
    u64(1),
    u64(2),
    u32(1000),
    u64(2 ** 33),
    u32(0x10000),
    u16(0x100),
    zeros(10),
    zeros(36),
    zeros(24),
    u32(2),
  ),
  box(
    'trak',
    fullBox(
      'tkhd',
      0,
      3,
      u32(0),
      u32(0),
      u32(7),
      zeros(4),
      u32(1000),
      zeros(8),
      zeros(8),
      zeros(36),
      u32(640 * 65536),
      u32(360 * 65536),
    ),
    box(
      'edts',
      fullBox(
        'elst',
        1,
        0,
        u32(2),
        u64(500),
        ones(8),
        u16(1),
        u16(0),
        u64(1000),
        u64(1024),
        u16(1),
        u16(0),
      ),
    ),
    box(
      'mdia',
      // language 'eng' packed as 5-bit letters minus 0x60.
      fullBox(
        'mdhd',
        1,
        0,
        u64(0),
        u64(0),
        u32(12800),
        u64(12800 * 3),
        u16((5 * 32 + 14) * 32 + 7),
        u16(0),
      ),
      fullBox('hdlr', 0, 0, u32(0), ascii('vide'), zeros(12), ascii('Video'), [0]),
      box(
        'minf',
        fullBox('vmhd', 0, 1, u16(0), zeros(6)),
        box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
        stbl,
      ),
    ),
  ),
);
const file = cat(
  box('ftyp', ascii('isom'), u32(512), ascii('isomiso2avc1mp41')),
  moov,
  box('mdat', [1, 2, 3]),
);

describe('readBoxes on a hand-built movie', () => {
  const boxes = readBoxes(file);

  it('walks the tree with offsets, sizes and header sizes', () => {
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat']);
    const [ftyp, moovBox, mdat] = boxes;
    expect(ftyp?.offset).toBe(0);
    expect(moovBox?.offset).toBe(ftyp?.size);
    expect(moovBox?.size).toBe(moov.length);
    expect(mdat?.offset).toBe(file.length - 11);
    expect(mdat?.headerSize).toBe(8);
    const avc = findBox(boxes, 'moov/trak/mdia/minf/stbl/stsd/avc1');
    expect(avc?.children?.map((b) => b.type)).toEqual(['avcC', 'pasp']);
    // The avcC child starts right after the 78 bytes of VisualSampleEntry fields.
    expect(avc?.children?.[0]?.offset).toBe((avc?.offset ?? 0) + 8 + 78);
    expect(findBox(boxes, 'moov/trak/mdia/minf/dinf/dref/url ')?.fields).toEqual({
      box: 'url ',
      selfContained: true,
      location: '',
    });
  });

  it('decodes file, movie and track headers', () => {
    expect(findFields(boxes, 'ftyp', 'ftyp')?.compatibleBrands).toEqual([
      'isom',
      'iso2',
      'avc1',
      'mp41',
    ]);
    const mvhd = findFields(boxes, 'moov/mvhd', 'mvhd');
    expect(mvhd).toMatchObject({
      version: 1,
      timescale: 1000,
      duration: 2 ** 33,
      rate: 1,
      volume: 1,
      nextTrackId: 2,
    });
    const tkhd = findFields(boxes, 'moov/trak/tkhd', 'tkhd');
    expect(tkhd).toMatchObject({
      trackId: 7,
      enabled: true,
      duration: 1000,
      width: 640,
      height: 360,
    });
    expect(findFields(boxes, 'moov/trak/edts/elst', 'elst')?.entries).toEqual([
      { segmentDuration: 500, mediaTime: -1, mediaRate: 1 },
      { segmentDuration: 1000, mediaTime: 1024, mediaRate: 1 },
    ]);
    const mdhd = findFields(boxes, 'moov/trak/mdia/mdhd', 'mdhd');
    expect(mdhd).toMatchObject({ timescale: 12800, duration: 38400, language: 'eng' });
    expect(findFields(boxes, 'moov/trak/mdia/hdlr', 'hdlr')).toEqual({
      box: 'hdlr',
      handlerType: 'vide',
      name: 'Video',
    });
  });

  it('decodes the sample entry and the sample tables', () => {
    const entry = fieldsOf(findBox(boxes, 'moov/trak/mdia/minf/stbl/stsd/*'), 'VisualSampleEntry');
    expect(entry).toMatchObject({
      format: 'avc1',
      width: 640,
      height: 360,
      compressorName: 'x264',
      depth: 24,
    });
    const avcc = findFields(boxes, 'moov/trak/mdia/minf/stbl/stsd/avc1/avcC', 'avcC');
    expect(avcc?.nalLengthSize).toBe(4);
    expect(avcc?.sps.map((s) => Array.from(s))).toEqual([[0x67, 0x64, 0, 0x1f]]);
    expect(avcc?.pps.map((s) => Array.from(s))).toEqual([[0x68, 0xee]]);
    expect(findFields(boxes, 'moov/trak/mdia/minf/stbl/stsd/avc1/pasp', 'pasp')).toEqual({
      box: 'pasp',
      hSpacing: 4,
      vSpacing: 3,
    });
    const path = 'moov/trak/mdia/minf/stbl/';
    expect(Array.from(findFields(boxes, path + 'ctts', 'ctts')?.sampleOffsets ?? [])).toEqual([
      1024, -512,
    ]);
    expect(Array.from(findFields(boxes, path + 'stsz', 'stsz')?.entrySizes ?? [])).toEqual([
      10, 20, 30,
    ]);
    expect(Array.from(findFields(boxes, path + 'co64', 'co64')?.chunkOffsets ?? [])).toEqual([
      2 ** 40 + 5,
    ]);
  });

  it('findBoxes returns every match, * matches any type, a miss is empty', () => {
    expect(findBoxes(boxes, 'moov/*').map((b) => b.type)).toEqual(['mvhd', 'trak']);
    expect(findBoxes(boxes, 'moov/trak/mdia/minf/stbl/*')).toHaveLength(7);
    expect(findBoxes(boxes, 'moov/trak/nope')).toEqual([]);
    expect(findBox(boxes, 'moof')).toBeUndefined();
    expect(fieldsOf(findBox(boxes, 'moov/mvhd'), 'tkhd')).toBeUndefined();
  });

  it('adds baseOffset to box and error offsets', () => {
    expect(readBoxes(file, { baseOffset: 1000 })[1]?.offset).toBe(1000 + (boxes[1]?.offset ?? 0));
    const e = thrownMediaError(() =>
      readBoxes(cat(box('free'), [0, 0, 0, 9]), { baseOffset: 1000 }),
    );
    expect(e).toBeInstanceOf(TruncatedError);
    expect(e.offset).toBe(1008);
  });
});

describe('box headers', () => {
  it('reads a 64-bit largesize box', () => {
    const large = cat(u32(1), ascii('free'), u64(16 + 4), [9, 9, 9, 9]);
    const nested = box('moov', cat(u32(1), ascii('udta'), u64(16 + 8), box('free')));
    const [a, b] = readBoxes(cat(large, nested));
    expect(a).toMatchObject({ type: 'free', offset: 0, size: 20, headerSize: 16 });
    expect(b?.children?.[0]).toMatchObject({ type: 'udta', size: 24, headerSize: 16 });
    expect(b?.children?.[0]?.children?.[0]).toMatchObject({ type: 'free', offset: 20 + 8 + 16 });
  });

  it('rejects a largesize beyond the input, even one above 2^32', () => {
    expect(() => readBoxes(cat(u32(1), ascii('mdat'), u64(2 ** 40)))).toThrow(TruncatedError);
    expect(() => readBoxes(cat(u32(1), ascii('mdat'), u32(0)))).toThrow(TruncatedError);
    expect(() => readBoxes(cat(u32(1), ascii('mdat'), u64(12)))).toThrow(MalformedError);
  });

  it('size 0 runs to the end of the input (or the parent)', () => {
    const [free, mdat] = readBoxes(cat(box('free'), u32(0), ascii('mdat'), [1, 2, 3, 4, 5]));
    expect(free?.size).toBe(8);
    expect(mdat).toMatchObject({ type: 'mdat', offset: 8, size: 13 });
  });

  it('reads the uuid usertype', () => {
    const usertype = Array.from({ length: 16 }, (_, i) => i + 1);
    const [u] = readBoxes(box('uuid', usertype, [0xaa]));
    expect(u?.headerSize).toBe(24);
    expect(Array.from(u?.usertype ?? [])).toEqual(usertype);
    expect(() => readBoxes(box('uuid', [1, 2, 3]))).toThrow(TruncatedError);
  });

  it('a size smaller than the header is MalformedError with the offset', () => {
    const e = thrownMediaError(() => readBoxes(cat(box('free'), u32(4), ascii('free'))));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.offset).toBe(8);
  });

  it('a child past its parent end is MalformedError at the child offset', () => {
    const bad = cat(u32(8 + 12), ascii('moov'), u32(100), ascii('trak'), [0, 0, 0, 0]);
    const e = thrownMediaError(() => readBoxes(bad));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.offset).toBe(8);
    // A 5-byte tail in a container cannot be a box.
    expect(() => readBoxes(box('moov', box('free'), [1, 2, 3, 4, 5]))).toThrow(MalformedError);
  });

  it('tolerates the QuickTime 32-bit zero terminator inside a container only', () => {
    const [udta] = readBoxes(box('udta', box('free'), [0, 0, 0, 0]));
    expect(udta?.children).toHaveLength(1);
    expect(() => readBoxes(cat(box('free'), [0, 0, 0, 0]))).toThrow(TruncatedError);
  });

  it('enforces the depth and box-count limits', () => {
    let nested = box('free');
    for (let i = 0; i < 20; i++) nested = box('moov', nested);
    expect(() => readBoxes(nested)).toThrow(LimitExceededError);
    expect(readBoxes(nested, { maxDepth: 32 })).toHaveLength(1);
    expect(() => readBoxes(box('moov', box('trak')), { maxDepth: 1 })).toThrow(LimitExceededError);
    const many = cat(...Array.from({ length: 50 }, () => box('free')));
    expect(readBoxes(many)).toHaveLength(50);
    expect(() => readBoxes(many, { maxBoxes: 49 })).toThrow(LimitExceededError);
  });

  it('an unknown version is UnsupportedError; a short payload is MalformedError', () => {
    expect(() => readBoxes(fullBox('mvhd', 2, 0, zeros(200)))).toThrow(UnsupportedError);
    const e = thrownMediaError(() => readBoxes(fullBox('tkhd', 0, 0, zeros(10))));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.cause).toBeInstanceOf(TruncatedError);
    expect(() => readBoxes(fullBox('stts', 0, 0, u32(0xffffffff)))).toThrow(MalformedError);
  });
});

const KNOWN_TYPES = (
  'moov trak mdia minf stbl stsd avc1 mp4a avcC hvcC esds dOps av1C mvhd tkhd elst mdhd hdlr stts ' +
  'ctts stss stsc stsz stz2 stco co64 moof traf tfhd tfdt trun sidx emsg meta dref uuid mdat free'
).split(' ');

/** Random trees of plausible boxes, so the fuzzer reaches the field parsers. */
const boxArb: fc.Memo<Uint8Array> = fc.memo((n) =>
  fc
    .tuple(
      fc.constantFrom(...KNOWN_TYPES),
      n > 1 ? fc.array(boxArb(n - 1), { maxLength: 3 }) : fc.constant([]),
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: -3, max: 3 }),
    )
    .map(([type, children, payload, sizeSkew]) => {
      const body = cat(payload.length % 2 ? payload : [], ...children);
      const out = box(type, body);
      const size = Math.max(
        0,
        out.length + (sizeSkew === 3 ? 0 : sizeSkew === -3 ? -out.length : sizeSkew),
      );
      out.set(u32(size), 0);
      return out;
    }),
);

describe('readBoxes fuzzing', () => {
  const parse = (bytes: Uint8Array): void => void readBoxes(bytes);

  it('random bytes yield boxes or MediaError', () => {
    expectOnlyMediaError(fc.uint8Array({ maxLength: 512 }), parse);
  });

  it('random box trees yield boxes or MediaError', () => {
    expectOnlyMediaError(
      fc.array(boxArb(5), { maxLength: 4 }).map((list) => cat(...list)),
      parse,
    );
  });

  it('truncation and mutation of the hand-built movie yield only MediaError', () => {
    for (let end = 0; end < file.length; end++) onlyMediaError(() => parse(file.subarray(0, end)));
    expectOnlyMediaError(mutatedBytes([file]), parse);
  });
});
