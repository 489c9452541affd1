import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MediaError } from '../errors.js';
import type { FragmentSample, TrackFragment } from './media-segment.js';
import { buildMediaSegment, NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS } from './media-segment.js';

/** Test-side reader: walks boxes and decodes the fields this writer emits. */
interface Box {
  type: string;
  start: number;
  size: number;
}

function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  for (let at = from; at < to;) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    expect(size).toBeGreaterThanOrEqual(8);
    expect(at + size).toBeLessThanOrEqual(to);
    out.push({ type, start: at, size });
    at += size;
  }
  return out;
}

function children(bytes: Uint8Array, parent: Box): Box[] {
  return boxes(bytes, parent.start + 8, parent.start + parent.size);
}

interface ParsedTraf {
  trackId: number;
  tfhdFlags: number;
  baseMediaDecodeTime: number;
  trunVersion: number;
  trunFlags: number;
  dataOffset: number;
  samples: { duration: number; size: number; flags: number; cto: number }[];
}

function parse(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [moof, mdat, ...rest] = boxes(bytes, 0, bytes.length);
  if (moof === undefined || mdat === undefined) throw new Error('missing moof/mdat');
  expect(rest).toEqual([]);
  expect([moof.type, mdat.type]).toEqual(['moof', 'mdat']);
  const [mfhd, ...trafBoxes] = children(bytes, moof);
  expect(mfhd?.type).toBe('mfhd');
  const trafs: ParsedTraf[] = trafBoxes.map((traf) => {
    expect(traf.type).toBe('traf');
    const [tfhd, tfdt, trun] = children(bytes, traf);
    if (tfhd === undefined || tfdt === undefined || trun === undefined) throw new Error('traf');
    expect([tfhd.type, tfdt.type, trun.type]).toEqual(['tfhd', 'tfdt', 'trun']);
    expect(view.getUint8(tfdt.start + 8)).toBe(1);
    const count = view.getUint32(trun.start + 12);
    const samples = [];
    for (let i = 0, at = trun.start + 20; i < count; i++, at += 16) {
      samples.push({
        duration: view.getUint32(at),
        size: view.getUint32(at + 4),
        flags: view.getUint32(at + 8),
        cto: view.getInt32(at + 12),
      });
    }
    return {
      trackId: view.getUint32(tfhd.start + 12),
      tfhdFlags: view.getUint32(tfhd.start + 8) % 0x1000000,
      baseMediaDecodeTime: Number(view.getBigUint64(tfdt.start + 12)),
      trunVersion: view.getUint8(trun.start + 8),
      trunFlags: view.getUint32(trun.start + 8) % 0x1000000,
      dataOffset: view.getInt32(trun.start + 16),
      samples,
    };
  });
  return { sequenceNumber: view.getUint32((mfhd?.start ?? 0) + 12), trafs, moof, mdat };
}

const sample = (
  bytes: number[],
  keyframe: boolean,
  duration = 3000,
  compositionOffset = 0,
): FragmentSample => ({
  duration,
  size: bytes.length,
  keyframe,
  compositionOffset,
  data: new Uint8Array(bytes),
});

describe('buildMediaSegment', () => {
  it('writes moof + mdat with data offsets that point at each traf’s samples', () => {
    const video = [sample([1, 2, 3], true, 3000, 6000), sample([4, 5], false, 3000, -3000)];
    const audio = [sample([9], true, 1024), sample([8, 7, 6, 5], true, 1024)];
    const bytes = buildMediaSegment(7, [
      { trackId: 1, baseMediaDecodeTime: 0x1_0000_0000, samples: video },
      { trackId: 2, baseMediaDecodeTime: 44100, samples: audio },
    ]);
    const { sequenceNumber, trafs, moof, mdat } = parse(bytes);
    expect(sequenceNumber).toBe(7);
    expect(mdat.start).toBe(moof.size);
    expect(mdat.size).toBe(8 + 10);
    const [v, a] = trafs;
    expect(v).toMatchObject({
      trackId: 1,
      tfhdFlags: 0x020000,
      baseMediaDecodeTime: 0x1_0000_0000,
    });
    expect(v).toMatchObject({ trunVersion: 1, trunFlags: 0x000f01 });
    expect(v?.samples).toEqual([
      { duration: 3000, size: 3, flags: SYNC_SAMPLE_FLAGS, cto: 6000 },
      { duration: 3000, size: 2, flags: NON_SYNC_SAMPLE_FLAGS, cto: -3000 },
    ]);
    expect(a).toMatchObject({ trackId: 2, baseMediaDecodeTime: 44100 });
    // Offsets are relative to the moof start (default-base-is-moof).
    expect(Array.from(bytes.subarray(v?.dataOffset, (v?.dataOffset ?? 0) + 5))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(Array.from(bytes.subarray(a?.dataOffset, (a?.dataOffset ?? 0) + 5))).toEqual([
      9, 8, 7, 6, 5,
    ]);
  });

  it('allocates the output exactly once at its final size', () => {
    const bytes = buildMediaSegment(1, [
      { trackId: 1, baseMediaDecodeTime: 0, samples: [sample([1], true)] },
    ]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
  });

  it('round-trips random fragments through the test reader', () => {
    const arbSample = fc.record({
      duration: fc.integer({ min: 0, max: 0xffffffff }),
      keyframe: fc.boolean(),
      compositionOffset: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      data: fc.uint8Array({ maxLength: 64 }),
    });
    const arbTraf = fc.record({
      trackId: fc.integer({ min: 1, max: 0xffffffff }),
      baseMediaDecodeTime: fc.maxSafeNat(),
      samples: fc.array(arbSample, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.array(arbTraf, { minLength: 1, maxLength: 4 }),
        (seq, raw) => {
          const trafs: TrackFragment[] = raw.map((t) => ({
            ...t,
            samples: t.samples.map((s) => ({ ...s, size: s.data.length })),
          }));
          const bytes = buildMediaSegment(seq, trafs);
          const parsed = parse(bytes);
          expect(parsed.sequenceNumber).toBe(seq);
          parsed.trafs.forEach((p, i) => {
            const want = trafs[i];
            if (want === undefined) throw new Error('traf count');
            expect(p.trackId).toBe(want.trackId);
            expect(p.baseMediaDecodeTime).toBe(want.baseMediaDecodeTime);
            let at = p.dataOffset;
            p.samples.forEach((s, j) => {
              const w = want.samples[j];
              expect(s.duration).toBe(w?.duration);
              expect(s.cto).toBe(w?.compositionOffset);
              expect(s.flags).toBe(w?.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
              expect(bytes.subarray(at, at + s.size)).toEqual(w?.data);
              at += s.size;
            });
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects invalid arguments with InvalidArgumentError before writing anything', () => {
    const ok = sample([1, 2], true);
    const bad: [number, TrackFragment[]][] = [
      [1, []],
      [-1, [{ trackId: 1, baseMediaDecodeTime: 0, samples: [ok] }]],
      [1, [{ trackId: 0, baseMediaDecodeTime: 0, samples: [ok] }]],
      [1, [{ trackId: 1, baseMediaDecodeTime: -5, samples: [ok] }]],
      [1, [{ trackId: 1, baseMediaDecodeTime: 0.5, samples: [ok] }]],
      [1, [{ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, size: 3 }] }]],
      [1, [{ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, duration: -1 }] }]],
      [
        1,
        [{ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, compositionOffset: 2 ** 31 }] }],
      ],
    ];
    for (const [seq, trafs] of bad) {
      expect(() => buildMediaSegment(seq, trafs)).toThrow(InvalidArgumentError);
    }
  });

  it('random arguments only ever throw MediaError', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(
          fc.record({
            trackId: fc.integer(),
            baseMediaDecodeTime: fc.double(),
            samples: fc.array(
              fc.record({
                duration: fc.double(),
                size: fc.integer({ min: -2, max: 4 }),
                keyframe: fc.boolean(),
                compositionOffset: fc.integer(),
                data: fc.uint8Array({ maxLength: 4 }),
              }),
              { maxLength: 3 },
            ),
          }),
          { maxLength: 3 },
        ),
        (seq, trafs) => {
          try {
            buildMediaSegment(seq, trafs);
          } catch (e) {
            expect(e).toBeInstanceOf(MediaError);
          }
        },
      ),
    );
  });
});
