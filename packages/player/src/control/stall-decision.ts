/**
 * The stall watchdog's decision as a pure step function: given the previous state and a fresh
 * sample of the media element, say whether a stall started or ended and whether to move the
 * playhead. Recovery ladder: a gap in the buffer -> jump just past it ('nudge'); stuck with data
 * ahead -> nudge forward a little, and after `maxNudges` at the same spot seek near the live
 * edge ('seek'); nothing buffered ahead -> wait for the network (the reconnect policy owns that).
 */
import { rangeContaining } from '../mse/buffer-ranges.js';
import type { TimeRange } from '../mse/buffer-ranges.js';

export interface StallTuning {
  /** No currentTime progress for this long while playing = a stall (sooner after a 'waiting' event). */
  stallAfterMs: number;
  /** Stuck this long with data ahead before nudging (the decoder may just be prerolling). */
  nudgeAfterMs: number;
  /** Minimum ms between two recovery actions. */
  retryEveryMs: number;
  /** Less than this buffered ahead in the playhead's range counts as being at its end. */
  gapToleranceSec: number;
  /** Land this far inside the next range when jumping a gap (at most half way into it). */
  pastGapSec: number;
  /** How far a nudge moves the playhead. */
  nudgeSec: number;
  /** Nudges around the same spot (within `sameSpotSec`, across stalls) before seeking to the live edge. */
  maxNudges: number;
  sameSpotSec: number;
  /** A seek to the live edge lands this far behind it. */
  liveEdgeBackoffSec: number;
}

export const DEFAULT_STALL_TUNING: StallTuning = {
  stallAfterMs: 400,
  nudgeAfterMs: 600,
  retryEveryMs: 500,
  gapToleranceSec: 0.1,
  pastGapSec: 0.05,
  nudgeSec: 0.1,
  maxNudges: 2,
  sameSpotSec: 1,
  liveEdgeBackoffSec: 0.2,
};

export interface StallSample {
  nowMs: number;
  currentTime: number;
  paused: boolean;
  seeking: boolean;
  ended: boolean;
  /** A 'waiting' event fired since the previous sample. */
  waiting: boolean;
  ranges: readonly TimeRange[];
  liveEdge: number;
}

export interface StallState {
  lastTime: number;
  lastProgressMs: number;
  /** Playback has advanced at least once (before that, startup is the latency controller's job). */
  started: boolean;
  stalledSinceMs: number | undefined;
  lastRecoveryMs: number;
  /** Where the last nudges happened and how many; kept across stalls to catch a spot that keeps sticking. */
  nudgeSpot: number | undefined;
  nudges: number;
  recovery: 'nudge' | 'seek' | undefined;
}

export type StallAction =
  | { kind: 'stall-start' }
  | { kind: 'stall-end'; durationMs: number; recovery: 'nudge' | 'seek' | undefined }
  | { kind: 'seek'; toSec: number; recovery: 'nudge' | 'seek' };

export function initialStallState(nowMs: number, currentTime: number): StallState {
  return {
    lastTime: currentTime,
    lastProgressMs: nowMs,
    started: false,
    stalledSinceMs: undefined,
    lastRecoveryMs: -Infinity,
    nudgeSpot: undefined,
    nudges: 0,
    recovery: undefined,
  };
}

export function decideStall(
  previous: StallState,
  sample: StallSample,
  tuning: StallTuning = DEFAULT_STALL_TUNING,
): { state: StallState; actions: StallAction[] } {
  const state: StallState = { ...previous };
  const actions: StallAction[] = [];
  const now = sample.nowMs;
  const endStall = (): void => {
    if (state.stalledSinceMs !== undefined) {
      actions.push({
        kind: 'stall-end',
        durationMs: Math.max(0, now - state.stalledSinceMs),
        recovery: state.recovery,
      });
    }
    state.stalledSinceMs = undefined;
    state.recovery = undefined;
  };

  if (sample.paused || sample.ended) {
    // Not playing on purpose: no stall, and the progress clock restarts when play resumes.
    endStall();
    state.lastTime = sample.currentTime;
    state.lastProgressMs = now;
    return { state, actions };
  }
  if (Math.abs(sample.currentTime - state.lastTime) > 1e-3) {
    endStall();
    state.started = true;
    state.lastTime = sample.currentTime;
    state.lastProgressMs = now;
    return { state, actions };
  }
  // A seek in flight (ours or the latency controller's) or playback not yet started: wait.
  if (sample.seeking || !state.started) return { state, actions };

  const stuckMs = now - state.lastProgressMs;
  if (state.stalledSinceMs === undefined) {
    if (stuckMs < tuning.stallAfterMs && !sample.waiting) return { state, actions };
    state.stalledSinceMs = state.lastProgressMs;
    actions.push({ kind: 'stall-start' });
  }
  if (now - state.lastRecoveryMs < tuning.retryEveryMs) return { state, actions };

  const t = sample.currentTime;
  const range = rangeContaining(sample.ranges, t, 1e-3);
  const ahead = range === undefined ? 0 : range[1] - t;
  const next = sample.ranges.find(([start]) => start > t);
  const seek = (toSec: number, recovery: 'nudge' | 'seek'): void => {
    actions.push({ kind: 'seek', toSec, recovery });
    state.recovery = recovery;
    state.lastRecoveryMs = now;
  };

  if (ahead < tuning.gapToleranceSec && next !== undefined) {
    // At (or in) a hole with media after it: jump just inside the next range.
    seek(next[0] + Math.min(tuning.pastGapSec, (next[1] - next[0]) / 2), 'nudge');
  } else if (ahead >= tuning.gapToleranceSec && stuckMs >= tuning.nudgeAfterMs) {
    const sameSpot =
      state.nudgeSpot !== undefined && Math.abs(t - state.nudgeSpot) < tuning.sameSpotSec;
    if (!sameSpot) {
      state.nudgeSpot = t;
      state.nudges = 0;
    }
    if (state.nudges < tuning.maxNudges) {
      state.nudges++;
      seek(t + Math.min(tuning.nudgeSec, ahead / 2), 'nudge');
    } else {
      state.nudgeSpot = undefined;
      state.nudges = 0;
      seek(liveEdgeTarget(sample, tuning), 'seek');
    }
  } else if (
    range === undefined &&
    next === undefined &&
    sample.liveEdge > 0 &&
    t > sample.liveEdge + tuning.gapToleranceSec
  ) {
    // The playhead is past everything buffered (the timeline restarted): go to the live edge.
    seek(liveEdgeTarget(sample, tuning), 'seek');
  }
  return { state, actions };
}

/** liveEdge - backoff, kept inside the range holding the live edge. */
function liveEdgeTarget(sample: StallSample, tuning: StallTuning): number {
  const target = sample.liveEdge - tuning.liveEdgeBackoffSec;
  const holding = rangeContaining(sample.ranges, sample.liveEdge, 1e-3) ?? sample.ranges.at(-1);
  return holding === undefined ? Math.max(0, target) : Math.max(holding[0], target);
}
