import { describe, expect, it } from 'vitest';
import { MalformedError } from '../errors.js';
import { fieldsOf, findBox, findFields, readBoxes } from './box-reader.js';
import { ascii, box, fullBox, u16, u32, u64, zeros, type Part } from '../test-support/bytes.js';

describe('movie fragment and index fields', () => {
  it('tfhd with every optional field, in flag order', () => {
    const flags = 0x01 | 0x02 | 0x08 | 0x10 | 0x20 | 0x010000 | 0x020000;
    const [b] = readBoxes(
      fullBox('tfhd', 0, flags, u32(3), u64(2 ** 35), u32(2), u32(1024), u32(777), u32(0x01010000)),
    );
    expect(b?.fields).toEqual({
      box: 'tfhd',
      flags,
      trackId: 3,
      baseDataOffset: 2 ** 35,
      sampleDescriptionIndex: 2,
      defaultSampleDuration: 1024,
      defaultSampleSize: 777,
      defaultSampleFlags: 0x01010000,
      durationIsEmpty: true,
      defaultBaseIsMoof: true,
    });
    const [plain] = readBoxes(fullBox('tfhd', 0, 0x08, u32(3), u32(40)));
    expect(fieldsOf(plain, 'tfhd')).toMatchObject({
      defaultSampleDuration: 40,
      baseDataOffset: undefined,
    });
  });

  it('trun v1 reads signed composition offsets; v0 unsigned', () => {
    const flags = 0x001 | 0x004 | 0x100 | 0x200 | 0x400 | 0x800;
    const sample = (d: number, s: number, f: number, c: number): number[] => [
      ...u32(d),
      ...u32(s),
      ...u32(f),
      ...u32(c),
    ];
    const v1 = fieldsOf(
      readBoxes(
        fullBox(
          'trun',
          1,
          flags,
          u32(2),
          u32(0xfffffff0),
          u32(0x02000000),
          sample(10, 100, 0, 0xfffffc00),
          sample(11, 101, 0x10000, 5),
        ),
      )[0],
      'trun',
    );
    expect(v1?.dataOffset).toBe(-16);
    expect(v1?.firstSampleFlags).toBe(0x02000000);
    expect(Array.from(v1?.sampleDurations ?? [])).toEqual([10, 11]);
    expect(Array.from(v1?.sampleSizes ?? [])).toEqual([100, 101]);
    expect(Array.from(v1?.sampleFlags ?? [])).toEqual([0, 0x10000]);
    expect(Array.from(v1?.sampleCompositionTimeOffsets ?? [])).toEqual([-1024, 5]);
    const v0 = fieldsOf(readBoxes(fullBox('trun', 0, 0x800, u32(1), u32(0xfffffc00)))[0], 'trun');
    expect(Array.from(v0?.sampleCompositionTimeOffsets ?? [])).toEqual([0xfffffc00]);
    expect(v0?.sampleDurations).toBeUndefined();
    // A sample count the box cannot hold is rejected before anything is allocated.
    expect(() => readBoxes(fullBox('trun', 0, 0x200, u32(0x7fffffff)))).toThrow(MalformedError);
  });

  it('tfdt and mehd in both versions', () => {
    expect(
      fieldsOf(readBoxes(fullBox('tfdt', 1, 0, u64(2 ** 40 + 1)))[0], 'tfdt')?.baseMediaDecodeTime,
    ).toBe(2 ** 40 + 1);
    expect(
      fieldsOf(readBoxes(fullBox('tfdt', 0, 0, u32(0xffffffff)))[0], 'tfdt')?.baseMediaDecodeTime,
    ).toBe(0xffffffff);
    expect(
      fieldsOf(readBoxes(fullBox('mehd', 1, 0, u64(2 ** 34)))[0], 'mehd')?.fragmentDuration,
    ).toBe(2 ** 34);
  });

  it('sidx v1 with reference type, size and SAP bits', () => {
    const ref1 = [...u32(0x80000000 + 1234), ...u32(90000), ...u32(0x90000000 + 7)];
    const ref2 = [...u32(5678), ...u32(45000), ...u32(0)];
    const sidx = fieldsOf(
      readBoxes(
        fullBox(
          'sidx',
          1,
          0,
          u32(1),
          u32(90000),
          u64(2 ** 33),
          u64(10),
          u16(0),
          u16(2),
          ref1,
          ref2,
        ),
      )[0],
      'sidx',
    );
    expect(sidx).toMatchObject({
      referenceId: 1,
      timescale: 90000,
      earliestPresentationTime: 2 ** 33,
      firstOffset: 10,
    });
    expect(sidx?.references).toEqual([
      {
        referenceType: 1,
        referencedSize: 1234,
        subsegmentDuration: 90000,
        startsWithSap: true,
        sapType: 1,
        sapDeltaTime: 7,
      },
      {
        referenceType: 0,
        referencedSize: 5678,
        subsegmentDuration: 45000,
        startsWithSap: false,
        sapType: 0,
        sapDeltaTime: 0,
      },
    ]);
  });

  it('emsg v0 and v1', () => {
    const v0 = fieldsOf(
      readBoxes(
        fullBox(
          'emsg',
          0,
          0,
          ascii('urn:a'),
          [0],
          ascii('1'),
          [0],
          u32(1000),
          u32(5),
          u32(10),
          u32(42),
          [7, 8],
        ),
      )[0],
      'emsg',
    );
    expect(v0).toMatchObject({
      schemeIdUri: 'urn:a',
      value: '1',
      timescale: 1000,
      presentationTimeDelta: 5,
      eventDuration: 10,
      id: 42,
    });
    expect(Array.from(v0?.messageData ?? [])).toEqual([7, 8]);
    const v1 = fieldsOf(
      readBoxes(
        fullBox('emsg', 1, 0, u32(90000), u64(2 ** 36), u32(3), u32(4), ascii('s'), [0], [0]),
      )[0],
      'emsg',
    );
    expect(v1).toMatchObject({ schemeIdUri: 's', value: '', presentationTime: 2 ** 36, id: 4 });
    expect(v1?.messageData.length).toBe(0);
  });
});

describe('codec configuration boxes', () => {
  const audioEntry = (
    type: string,
    version: number,
    extra: Part,
    ...children: Uint8Array[]
  ): Uint8Array =>
    box(
      type,
      zeros(6),
      u16(1),
      u16(version),
      zeros(6),
      u16(2),
      u16(16),
      zeros(4),
      u32(48000 * 65536),
      extra,
      ...children,
    );
  const inStsd = (entry: Uint8Array): Uint8Array => fullBox('stsd', 0, 0, u32(1), entry);

  it('esds with 4-byte descriptor sizes and optional ES fields', () => {
    const asc = [0x12, 0x10];
    const dsi = [0x05, 0x80, 0x80, 0x80, asc.length, ...asc];
    const dcd = [
      0x04,
      0x80,
      0x80,
      0x80,
      13 + dsi.length,
      0x40,
      0x15,
      ...zeros(3),
      ...u32(128000),
      ...u32(96000),
      ...dsi,
    ];
    const sl = [0x06, 0x01, 0x02];
    const es = [
      0x03,
      0x80,
      0x80,
      0x80,
      3 + 2 + dcd.length + sl.length,
      ...u16(1),
      0x80,
      ...u16(9),
      ...dcd,
      ...sl,
    ];
    const [stsd] = readBoxes(inStsd(audioEntry('mp4a', 0, [], fullBox('esds', 0, 0, es))));
    const esds = findFields(stsd?.children ?? [], 'mp4a/esds', 'esds');
    expect(esds).toMatchObject({
      esId: 1,
      objectTypeIndication: 0x40,
      streamType: 5,
      maxBitrate: 128000,
      avgBitrate: 96000,
    });
    expect(Array.from(esds?.decoderSpecificInfo ?? [])).toEqual(asc);
    expect(() => readBoxes(fullBox('esds', 0, 0, [0x03, 0x7f, 0, 1]))).toThrow(MalformedError);
    expect(() => readBoxes(fullBox('esds', 0, 0, [0x03, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(
      MalformedError,
    );
  });

  it('Opus sample entry with dOps channel mapping family 1', () => {
    const dops = box('dOps', [0, 3], u16(312), u32(48000), u16(0xfffe), [1, 2, 1, 0, 2, 1]);
    const [stsd] = readBoxes(inStsd(audioEntry('Opus', 0, [], dops)));
    const entry = fieldsOf(stsd?.children?.[0], 'AudioSampleEntry');
    expect(entry).toMatchObject({
      format: 'Opus',
      channelCount: 2,
      sampleRate: 48000,
      sampleSize: 16,
    });
    const f = findFields(stsd?.children ?? [], 'Opus/dOps', 'dOps');
    expect(f).toMatchObject({
      outputChannelCount: 3,
      preSkip: 312,
      outputGain: -2,
      channelMappingFamily: 1,
      streamCount: 2,
      coupledCount: 1,
    });
    expect(Array.from(f?.channelMapping ?? [])).toEqual([0, 2, 1]);
  });

  it('QuickTime sound description v1 (16 extra bytes) vs ISO AudioSampleEntryV1', () => {
    const qt = readBoxes(
      inStsd(audioEntry('mp4a', 1, zeros(16), box('wave', box('mp4a', zeros(4))))),
    )[0];
    expect(fieldsOf(qt?.children?.[0], 'AudioSampleEntry')?.headerLength).toBe(44);
    // Inside `wave`, mp4a is a plain 4-byte atom, not a sample entry.
    expect(findBox(qt?.children ?? [], 'mp4a/wave/mp4a')?.fields).toBeUndefined();
    const iso = readBoxes(inStsd(audioEntry('mp4a', 1, [], box('srat', u32(96000)))))[0];
    expect(findBox(iso?.children ?? [], 'mp4a/srat')).toBeDefined();
  });

  it('hvcC arrays and av1C bits', () => {
    const hvcc = box(
      'hvcC',
      [1, 0x21],
      u32(0x60000000),
      [0x90, 0, 0, 0, 0, 0],
      [93],
      [0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8],
      u16(0),
      [0x0f, 2],
      [0xa0],
      u16(1),
      u16(3),
      [0x40, 1, 2],
      [0x21],
      u16(2),
      u16(1),
      [0x42],
      u16(1),
      [0x43],
    );
    const h = fieldsOf(readBoxes(hvcc)[0], 'hvcC');
    expect(h).toMatchObject({
      generalProfileSpace: 0,
      generalTierFlag: 1,
      generalProfileIdc: 1,
      generalLevelIdc: 93,
      chromaFormat: 1,
      bitDepthLuma: 8,
      nalLengthSize: 4,
    });
    expect(h?.arrays.map((a) => [a.completeness, a.nalUnitType, a.nalUnits.length])).toEqual([
      [true, 32, 1],
      [false, 33, 2],
    ]);
    const a = fieldsOf(readBoxes(box('av1C', [0x81, 0x28, 0x4c, 0x00, 0x0a, 0x0b]))[0], 'av1C');
    expect(a).toMatchObject({
      seqProfile: 1,
      seqLevelIdx0: 8,
      seqTier0: 0,
      highBitdepth: true,
      monochrome: false,
      chromaSubsamplingX: 1,
      chromaSubsamplingY: 1,
    });
    expect(Array.from(a?.configObus ?? [])).toEqual([0x0a, 0x0b]);
    expect(() => readBoxes(box('av1C', [0x01, 0, 0, 0]))).toThrow(MalformedError);
  });

  it('stz2 with 4-bit sizes and an odd count', () => {
    const stz2 = fieldsOf(
      readBoxes(fullBox('stz2', 0, 0, zeros(3), [4], u32(3), [0x12, 0x30]))[0],
      'stz2',
    );
    expect(Array.from(stz2?.entrySizes ?? [])).toEqual([1, 2, 3]);
    expect(() => readBoxes(fullBox('stz2', 0, 0, zeros(3), [5], u32(0)))).toThrow(MalformedError);
  });

  it('meta is a FullBox in ISO files and a plain box in QuickTime files', () => {
    const hdlr = fullBox('hdlr', 0, 0, u32(0), ascii('mdir'), zeros(12), [0]);
    const iso = readBoxes(fullBox('meta', 0, 0, hdlr))[0];
    const qt = readBoxes(box('meta', hdlr))[0];
    expect(iso?.children?.[0]?.type).toBe('hdlr');
    expect(qt?.children?.[0]?.type).toBe('hdlr');
    expect(qt?.children?.[0]?.offset).toBe(8);
    expect(iso?.children?.[0]?.offset).toBe(12);
  });
});
