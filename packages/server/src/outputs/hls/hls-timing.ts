/**
 * Segment and part timing shared by the HLS variants (RFC 8216 4.3.3.1,
 * draft-pantos-hls-rfc8216bis 4.4.4.9 / 4.4.3.7).
 */

export interface HlsTiming {
  /** Segment length aimed for; segments are cut at the first keyframe past ~3/4 of it. */
  segmentMs: number;
  /** EXT-X-PART-INF PART-TARGET; every part is at most this long. */
  partTargetMs: number;
}

/** A keyframe this far into the target starts a new segment (a 1.5 s GOP still cuts at 2 s). */
const CUT_FRACTION = 0.75;
/**
 * Parts are cut once they reach PART-TARGET minus this much, so a part that ends one frame
 * later still fits the target for frame intervals up to 70 ms (>= ~15 fps).
 */
const PART_FRAME_MARGIN_MS = 70;

export function shouldCutSegment(openDurationMs: number, timing: HlsTiming): boolean {
  return openDurationMs >= timing.segmentMs * CUT_FRACTION;
}

/** The Mp4Fragmenter's "cut even without a keyframe" length that yields parts <= the target. */
export function partCutMs(timing: HlsTiming): number {
  return Math.max(timing.partTargetMs / 2, timing.partTargetMs - PART_FRAME_MARGIN_MS);
}

/**
 * EXT-X-TARGETDURATION: an integer no segment's EXTINF, rounded to the nearest integer, may
 * exceed (RFC 8216 4.3.3.1). It starts at the configured target and only ever grows (a stream
 * whose keyframes come further apart than the target makes longer segments).
 */
export function targetDurationSec(timing: HlsTiming, longestSegmentMs: number): number {
  return Math.max(1, Math.ceil(timing.segmentMs / 1000), Math.round(longestSegmentMs / 1000));
}
