/**
 * Default target for the buffer held ahead of the playhead (the player's own share of the
 * glass-to-glass latency).
 *
 * Budget for a 30 fps H.264 stream without B-frames, remuxed one fragment per video frame:
 * - ~1 frame (33 ms): the decoder's queue. With duration = Infinity Chromium renders live MSE in
 *   low-delay mode and starts from a single decoded frame instead of a full frame queue.
 * - ~1 frame: arrival sawtooth. Fragments land every frame interval, so the buffered end (the
 *   live edge we measure against) steps by one frame; the playhead must not catch the low point.
 * - ~1 frame: scheduling (the append round trip, the compositor's vsync, the audio renderer's
 *   output buffer of a few tens of ms).
 * - 50 ms: margin for network and encoder jitter.
 * 3 x 33 ms + 50 ms = 150 ms. Lower targets stall on ordinary jitter; each stall costs far more
 * than the few ms saved, and the stall watchdog plus slowdown band keep the margin honest.
 */

/** Default `targetLatencyMs` (ms of media ahead of the playhead). */
export const DEFAULT_TARGET_LATENCY_MS = 150;

/** Lowest target the default accepts for any frame rate (audio output buffers alone need ~40 ms). */
export const MIN_TARGET_LATENCY_MS = 100;

/** Highest target derived from a slow frame rate (a 5 fps screen share still gets ~650 ms). */
export const MAX_DERIVED_TARGET_LATENCY_MS = 700;

/**
 * Target for a known frame rate: three frame intervals plus 50 ms of jitter margin, clamped to
 * [MIN_TARGET_LATENCY_MS, MAX_DERIVED_TARGET_LATENCY_MS]. 30 fps -> 150 ms, 25 fps -> 170 ms,
 * 60 fps -> 100 ms. Unknown or bad frame rates give DEFAULT_TARGET_LATENCY_MS.
 */
export function defaultTargetLatencyMs(frameRate?: number): number {
  if (frameRate === undefined || !Number.isFinite(frameRate) || frameRate <= 0)
    return DEFAULT_TARGET_LATENCY_MS;
  const derived = Math.round((3 * 1000) / frameRate + 50);
  return Math.min(MAX_DERIVED_TARGET_LATENCY_MS, Math.max(MIN_TARGET_LATENCY_MS, derived));
}
