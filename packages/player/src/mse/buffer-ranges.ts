/**
 * Pure helpers over buffered time ranges (seconds on the media timeline). Kept free of DOM
 * objects so the eviction and gap decisions are unit-testable in Node.
 */

/** `[start, end)` in seconds, sorted and disjoint (as TimeRanges guarantees, HTML 4.8.11.9). */
export type TimeRange = [number, number];

/** The subset of DOM `TimeRanges` we read. */
export interface TimeRangesLike {
  readonly length: number;
  start(index: number): number;
  end(index: number): number;
}

/** Copies a TimeRanges object into plain arrays (TimeRanges is live and throws out of range). */
export function timeRangesToArray(ranges: TimeRangesLike): TimeRange[] {
  const out: TimeRange[] = [];
  for (let i = 0; i < ranges.length; i++) out.push([ranges.start(i), ranges.end(i)]);
  return out;
}

/** The range holding `t` (start - tolerance <= t < end + tolerance), or undefined. */
export function rangeContaining(
  ranges: readonly TimeRange[],
  t: number,
  toleranceSec = 0,
): TimeRange | undefined {
  return ranges.find(([start, end]) => t >= start - toleranceSec && t < end + toleranceSec);
}

/** Seconds buffered contiguously ahead of `t` (0 when `t` is not inside a range). */
export function bufferedAhead(ranges: readonly TimeRange[], t: number, toleranceSec = 0): number {
  const range = rangeContaining(ranges, t, toleranceSec);
  return range === undefined ? 0 : Math.max(0, range[1] - t);
}

/** Start of the first range that begins after `t`, or undefined (the next place to jump to). */
export function nextRangeStart(ranges: readonly TimeRange[], t: number): number | undefined {
  return ranges.find(([start]) => start > t)?.[0];
}

/** Total seconds held in all ranges. */
export function totalBuffered(ranges: readonly TimeRange[]): number {
  return ranges.reduce((sum, [start, end]) => sum + Math.max(0, end - start), 0);
}

export interface EvictionInput {
  ranges: readonly TimeRange[];
  currentTime: number;
  /** Media to keep behind the playhead, seconds. */
  keepBehindSec: number;
  /**
   * Known keyframe (random access point) times, ascending. MSE remove() also drops every frame
   * that depends on a removed one up to the next random access point (MSE "coded frame removal"
   * algorithm), so an end in the middle of a GOP could take out the playhead's GOP. With keyframe
   * times the end is snapped back to a keyframe (or to the end of a range wholly behind the
   * limit); without them it is `currentTime - keepBehindSec`.
   */
  keyframeTimes?: readonly number[];
  /** Skip removals shorter than this (each remove() costs an async round trip). */
  minRemoveSec?: number;
}

/** What to remove from the back buffer: `[start, end)` entirely behind the playhead, or undefined. */
export function planEviction(input: EvictionInput): TimeRange | undefined {
  const { ranges, currentTime, keyframeTimes } = input;
  const first = ranges[0];
  if (first === undefined || !Number.isFinite(currentTime)) return undefined;
  const limit = currentTime - Math.max(0, input.keepBehindSec);
  let end = limit;
  if (keyframeTimes !== undefined && keyframeTimes.length > 0) {
    // Safe ends: a keyframe, or the end of a range wholly behind the limit (all of it goes).
    let snapped: number | undefined;
    for (const k of keyframeTimes) {
      if (k <= limit) snapped = k;
      else break;
    }
    for (const [, rangeEnd] of ranges) {
      if (rangeEnd <= limit && (snapped === undefined || rangeEnd > snapped)) snapped = rangeEnd;
    }
    if (snapped === undefined) return undefined;
    end = snapped;
  }
  const start = Math.max(0, first[0]);
  if (end - start < (input.minRemoveSec ?? 0) || end <= start) return undefined;
  return [start, end];
}
