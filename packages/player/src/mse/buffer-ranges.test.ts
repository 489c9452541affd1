import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  bufferedAhead,
  nextRangeStart,
  planEviction,
  rangeContaining,
  timeRangesToArray,
  totalBuffered,
} from './buffer-ranges.js';
import type { TimeRange } from './buffer-ranges.js';
import { FakeTimeRanges } from './test-support/fake-mse.js';

const ranges: TimeRange[] = [
  [0, 4],
  [4.5, 10],
];

describe('buffer ranges', () => {
  it('copies TimeRanges into arrays', () => {
    expect(timeRangesToArray(new FakeTimeRanges(ranges))).toEqual(ranges);
    expect(timeRangesToArray(new FakeTimeRanges([]))).toEqual([]);
  });

  it('finds the range holding t, with an optional tolerance', () => {
    expect(rangeContaining(ranges, 2)).toEqual([0, 4]);
    expect(rangeContaining(ranges, 4)).toBeUndefined(); // end is exclusive
    expect(rangeContaining(ranges, 4.2)).toBeUndefined();
    expect(rangeContaining(ranges, 4.45, 0.1)).toEqual([4.5, 10]);
  });

  it('measures the contiguous buffer ahead and the next range', () => {
    expect(bufferedAhead(ranges, 3)).toBeCloseTo(1);
    expect(bufferedAhead(ranges, 4.2)).toBe(0);
    expect(nextRangeStart(ranges, 3.9)).toBe(4.5);
    expect(nextRangeStart(ranges, 5)).toBeUndefined();
    expect(totalBuffered(ranges)).toBeCloseTo(9.5);
  });
});

describe('planEviction', () => {
  it('removes from the first range start to keepBehind before the playhead', () => {
    expect(planEviction({ ranges: [[0, 30]], currentTime: 25, keepBehindSec: 10 })).toEqual([
      0, 15,
    ]);
  });

  it('snaps the end back to a keyframe so the playhead GOP is never removed', () => {
    const plan = planEviction({
      ranges: [[0, 30]],
      currentTime: 25,
      keepBehindSec: 2,
      keyframeTimes: [0, 8, 16, 24],
    });
    expect(plan).toEqual([0, 16]);
  });

  it('removes a range wholly behind the limit even without a keyframe in reach', () => {
    const plan = planEviction({
      ranges: [
        [0, 2],
        [4, 30],
      ],
      currentTime: 25,
      keepBehindSec: 2,
      keyframeTimes: [0, 4],
    });
    expect(plan).toEqual([0, 4]);
    expect(
      planEviction({ ranges: [[0, 2]], currentTime: 100, keepBehindSec: 2, keyframeTimes: [0] }),
    ).toEqual([0, 2]);
  });

  it('removes nothing when no keyframe is far enough behind, or the back buffer is small', () => {
    expect(
      planEviction({ ranges: [[0, 30]], currentTime: 25, keepBehindSec: 2, keyframeTimes: [24] }),
    ).toBeUndefined();
    expect(
      planEviction({ ranges: [[20, 30]], currentTime: 25, keepBehindSec: 10 }),
    ).toBeUndefined();
    expect(
      planEviction({ ranges: [[14.8, 30]], currentTime: 25, keepBehindSec: 10, minRemoveSec: 0.5 }),
    ).toBeUndefined();
    expect(planEviction({ ranges: [], currentTime: 25, keepBehindSec: 10 })).toBeUndefined();
  });

  it('never reaches into the kept window behind the playhead (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1100, noNaN: true }), { maxLength: 20 }),
        (start, length, keep, keys) => {
          const currentTime = start + length / 2;
          const keyframeTimes = [...keys].sort((a, b) => a - b);
          const plan = planEviction({
            ranges: [[start, start + length]],
            currentTime,
            keepBehindSec: keep,
            keyframeTimes: keyframeTimes.length > 0 ? keyframeTimes : undefined,
          });
          if (plan === undefined) return;
          expect(plan[0]).toBeLessThan(plan[1]);
          expect(plan[1]).toBeLessThanOrEqual(currentTime - keep + 1e-9);
          if (keyframeTimes.length > 0)
            expect([...keyframeTimes, start + length]).toContain(plan[1]);
        },
      ),
    );
  });
});
