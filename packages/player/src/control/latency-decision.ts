/**
 * The latency controller's decision as a pure function: from how far the playhead is behind
 * the live edge, pick a playbackRate or a seek. All thresholds are absolute offsets from the
 * target, never fractions of the current latency, so the latency cannot ratchet upward over a
 * long session: whatever happened before, the same band pulls it back to the same target.
 */

export interface LatencyTuning {
  /** Start chasing (playbackRate > 1) when the smoothed ahead exceeds target + this. */
  speedupEnterSec: number;
  /** Keep chasing until the smoothed ahead is back within target + this (hysteresis). */
  speedupExitSec: number;
  /** Rate above 1 per second of excess: rate = 1 + gain * (ahead - target). */
  gainPerSec: number;
  /** Chase rates are rounded to this step so the rate does not change on every append. */
  rateStep: number;
  minSpeedupRate: number;
  maxPlaybackRate: number;
  /** Steady state: seek back to the target when the smoothed ahead exceeds target + this. */
  seekExcessSec: number;
  /** Startup and forced jumps (tab visible again): seek when the instant ahead exceeds target + this. */
  jumpExcessSec: number;
  /** Dangerously low: slow down when the instant ahead drops under min(this, target / 2). */
  lowWaterSec: number;
  slowdownRate: number;
  /** The playhead is past the buffered end by more than this (a timeline reset): seek back. */
  pastEdgeSec: number;
}

export const DEFAULT_LATENCY_TUNING: LatencyTuning = {
  // A 50 ms band held at rate 1: ahead is sampled at the top of the arrival sawtooth and
  // smoothed, so ordinary jitter stays inside it, and every chase plays audio time-stretched.
  // After a spike the latency rests anywhere in [target, target + band]: with a 100 ms band,
  // bench/latency's p50 landed anywhere from 205 to 318 ms between sessions; with 50 ms it was
  // 206-207 ms in every session, with no stall either way.
  speedupEnterSec: 0.05,
  speedupExitSec: 0,
  gainPerSec: 1,
  rateStep: 0.05,
  minSpeedupRate: 1.05,
  // Measured in Chromium: at 1.2 its audio renderer underflowed with ~140 ms buffered ahead. At
  // 1.1 (1.05 near the target) a 100 ms excess is gone in under 2 s; beyond seekExcessSec we seek.
  maxPlaybackRate: 1.1,
  seekExcessSec: 1.5,
  jumpExcessSec: 0.25,
  lowWaterSec: 0.05,
  slowdownRate: 0.95,
  pastEdgeSec: 0.5,
};

export interface LatencyInput {
  /** End of the buffered media (newest media received), seconds. */
  liveEdgeSec: number;
  /** Start of the buffered range that holds the live edge (seeks never land before it). */
  rangeStartSec: number;
  currentTimeSec: number;
  /** liveEdge - currentTime smoothed over ~0.5 s (the arrival sawtooth and jitter averaged out). */
  smoothedAheadSec: number;
  targetSec: number;
  /** The element's current playbackRate (encodes whether we are already chasing or slowing). */
  playbackRate: number;
  paused: boolean;
  seeking: boolean;
  /** The first seconds after the first media: jump on a small excess (GOP-cache burst). */
  startup: boolean;
  /** Jump to the live edge now if behind at all (the tab became visible). */
  forceJump: boolean;
}

export type LatencyDecision =
  | { action: 'hold' | 'speedup' | 'slowdown'; playbackRate: number }
  | { action: 'seek'; playbackRate: number; seekToSec: number };

export function decideLatencyAction(
  input: LatencyInput,
  tuning: LatencyTuning = DEFAULT_LATENCY_TUNING,
): LatencyDecision {
  const { targetSec: target, playbackRate: rate } = input;
  // Our own seek is still prerolling: deciding again would restart it.
  if (input.seeking) return { action: 'hold', playbackRate: rate };

  const instant = input.liveEdgeSec - input.currentTimeSec;
  const outside = input.currentTimeSec < input.rangeStartSec || instant < -tuning.pastEdgeSec;
  const jumpAllowed = input.startup || input.forceJump;
  if (
    outside ||
    (jumpAllowed && instant > target + tuning.jumpExcessSec) ||
    input.smoothedAheadSec > target + tuning.seekExcessSec
  ) {
    const seekToSec = Math.min(
      input.liveEdgeSec,
      Math.max(input.rangeStartSec, input.liveEdgeSec - target),
    );
    return { action: 'seek', playbackRate: 1, seekToSec };
  }
  if (input.paused) return { action: 'hold', playbackRate: 1 };

  const excess = input.smoothedAheadSec - target;
  const chasing = rate > 1;
  if (excess > tuning.speedupEnterSec || (chasing && excess > tuning.speedupExitSec)) {
    const raw = 1 + tuning.gainPerSec * excess;
    const stepped = Math.round(raw / tuning.rateStep) * tuning.rateStep;
    const clamped = Math.min(tuning.maxPlaybackRate, Math.max(tuning.minSpeedupRate, stepped));
    return { action: 'speedup', playbackRate: Number(clamped.toFixed(3)) };
  }

  const lowWater = Math.min(tuning.lowWaterSec, target / 2);
  const slowing = rate < 1;
  // Leave the slowdown once the instant ahead is back to three quarters of the target.
  if (instant < lowWater || (slowing && instant < target * 0.75)) {
    return { action: 'slowdown', playbackRate: tuning.slowdownRate };
  }
  return { action: 'hold', playbackRate: 1 };
}
