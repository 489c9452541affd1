import { describe, expect, it } from 'vitest';
import { LimitExceededError, MalformedError, TruncatedError } from '../errors.js';
import { readFragmentedMp4 } from './fmp4-reader.js';
import { ascii, box, cat, fullBox, u16, u32, u64, zeros } from '../test-support/bytes.js';

const NON_SYNC = 0x00010000;

function trak(trackId: number, handler: string, timescale: number): Uint8Array {
  const emptyTables = [
    fullBox('stsd', 0, 0, u32(0)),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  ];
  return box(
    'trak',
    fullBox('tkhd', 0, 3, zeros(8), u32(trackId), zeros(4), u32(0), zeros(52), u32(0), u32(0)),
    box(
      'mdia',
      fullBox('mdhd', 0, 0, zeros(8), u32(timescale), u32(0), u16(0x55c4), u16(0)),
      fullBox('hdlr', 0, 0, u32(0), ascii(handler), zeros(12), [0]),
      box('minf', box('stbl', ...emptyTables)),
    ),
  );
}

/** trex defaults: track 1 = 100 ticks, 4 bytes, non-sync; track 2 = 1024 ticks, 3 bytes, sync. */
const init = cat(
  box('ftyp', ascii('iso6'), u32(0)),
  box(
    'moov',
    fullBox('mvhd', 0, 0, zeros(8), u32(1000), u32(0), zeros(80)),
    trak(1, 'vide', 1000),
    trak(2, 'soun', 48000),
    box(
      'mvex',
      fullBox('trex', 0, 0, u32(1), u32(1), u32(100), u32(4), u32(NON_SYNC)),
      fullBox('trex', 0, 0, u32(2), u32(1), u32(1024), u32(3), u32(0)),
    ),
  ),
);

/** Sample bytes are their own index, so data views can be checked. */
const payload = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => first + i);

describe('movie fragment resolution (14496-12 8.8)', () => {
  // Fragment 1: no base offset flags, so traf 1 is based at the moof and traf 2 at the end
  // of traf 1's data; trun B has no data_offset and follows trun A; track 2 has no tfdt.
  const moof1 = (dataOffset: number): Uint8Array =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, u32(1)),
      box(
        'traf',
        fullBox('tfhd', 0, 0, u32(1)),
        fullBox('tfdt', 1, 0, u64(2 ** 33)),
        fullBox('trun', 0, 0x001 | 0x004, u32(2), u32(dataOffset), u32(0)),
        fullBox('trun', 0, 0x200, u32(1), u32(5)),
      ),
      box(
        'traf',
        fullBox('tfhd', 0, 0x08 | 0x10, u32(2), u32(2048), u32(6)),
        fullBox('trun', 0, 0, u32(2)),
      ),
    );
  const moof1Size = moof1(0).length;
  const mdat1 = box('mdat', payload(1, 13), payload(101, 12));
  const frag1 = cat(moof1(moof1Size + 8), mdat1);

  // Fragment 2: traf 1 uses an explicit base-data-offset and trun v1 negative offsets, no tfdt;
  // traf 2 uses default-base-is-moof with a data_offset.
  const frag2Start = init.length + frag1.length;
  const moof2 = (base: number, dataOffset: number): Uint8Array =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, u32(2)),
      box(
        'traf',
        fullBox('tfhd', 0, 0x01, u32(1), u64(base)),
        fullBox(
          'trun',
          1,
          0x100 | 0x400 | 0x800,
          u32(2),
          u32(50),
          u32(NON_SYNC),
          u32(0xffffffce),
          u32(60),
          u32(0),
          u32(60),
        ),
      ),
      box(
        'traf',
        fullBox('tfhd', 0, 0x020000, u32(2)),
        fullBox('trun', 0, 0x001, u32(1), u32(dataOffset)),
      ),
    );
  const moof2Size = moof2(0, 0).length;
  const mdat2 = box('mdat', payload(201, 8), payload(221, 3));
  const frag2 = cat(moof2(frag2Start + moof2Size + 8, moof2Size + 8 + 8), mdat2);

  const result = readFragmentedMp4(cat(init, frag1, frag2));
  const track1 = result.samples.get(1) ?? [];
  const track2 = result.samples.get(2) ?? [];

  it('finds both tracks and their trex defaults', () => {
    expect(result.fragmented).toBe(true);
    expect(
      result.tracks.map((t) => [t.trackId, t.kind, t.timescale, t.trex?.defaultSampleDuration]),
    ).toEqual([
      [1, 'video', 1000, 100],
      [2, 'audio', 48000, 1024],
    ]);
  });

  it('resolves times: tfdt, then continuation across fragments, trun v1 negative offsets', () => {
    const base = 2 ** 33;
    expect(track1.map((s) => [s.dts, s.pts, s.duration, s.size])).toEqual([
      [base, base, 100, 4],
      [base + 100, base + 100, 100, 4],
      [base + 200, base + 200, 100, 5],
      [base + 300, base + 250, 50, 4],
      [base + 350, base + 410, 60, 4],
    ]);
    // Track 2 has no tfdt: it starts at 0 and continues; tfhd defaults beat trex.
    expect(track2.map((s) => [s.dts, s.duration, s.size])).toEqual([
      [0, 2048, 6],
      [2048, 2048, 6],
      [4096, 1024, 3],
    ]);
  });

  it('resolves keyframes: first_sample_flags, per-sample flags, tfhd and trex defaults', () => {
    expect(track1.map((s) => s.keyframe)).toEqual([true, false, false, false, true]);
    expect(track2.map((s) => s.keyframe)).toEqual([true, true, true]);
  });

  it('resolves data offsets and hands out views of the right bytes', () => {
    const first = (list: typeof track1): number[] => list.map((s) => s.data[0] ?? -1);
    expect(first(track1)).toEqual([1, 5, 9, 201, 205]);
    expect(Array.from(track1[2]?.data ?? [])).toEqual([9, 10, 11, 12, 13]);
    expect(first(track2)).toEqual([101, 107, 221]);
    expect(track1[0]?.offset).toBe(init.length + moof1Size + 8);
  });

  it('a sample count without per-sample fields is bounded by maxSamples, not looped', () => {
    const huge = box(
      'moof',
      box('traf', fullBox('tfhd', 0, 0x020000, u32(1)), fullBox('trun', 0, 0, u32(0xffffffff))),
    );
    const started = performance.now();
    expect(() => readFragmentedMp4(cat(init, huge))).toThrow(LimitExceededError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a traf without tfhd, for an unknown track, or with data outside the input', () => {
    expect(() => readFragmentedMp4(cat(init, box('moof', box('traf'))))).toThrow(MalformedError);
    const unknown = box('moof', box('traf', fullBox('tfhd', 0, 0, u32(9))));
    expect(() => readFragmentedMp4(cat(init, unknown))).toThrow(MalformedError);
    const outside = box(
      'moof',
      box('traf', fullBox('tfhd', 0, 0, u32(1)), fullBox('trun', 0, 1, u32(1), u32(5000))),
    );
    expect(() => readFragmentedMp4(cat(init, outside))).toThrow(TruncatedError);
  });
});
