/**
 * Holds the live latency (media buffered ahead of the playhead) at a target: jumps to the live
 * edge at startup and when the tab becomes visible again, chases with playbackRate in between,
 * and seeks when far behind. The decision itself is decideLatencyAction (pure, unit-tested).
 * "Ahead" is sampled when update() runs, normally right after an append, i.e. at the top of
 * the arrival sawtooth: the time-averaged buffer sits about half a frame below the target.
 */
import type { PlayerEventMap } from '../events.js';
import { timeRangesToArray } from '../mse/buffer-ranges.js';
import { DEFAULT_LATENCY_TUNING, decideLatencyAction } from './latency-decision.js';
import type { LatencyTuning } from './latency-decision.js';

export interface LatencyControllerOptions {
  /** Media to hold ahead of the playhead, ms. */
  targetLatencyMs: number;
  /** Ms after the first media during which a small excess triggers a jump (the GOP-cache burst). Default 3000. */
  startupMs?: number;
  /** Time constant of the ahead smoothing, ms. Default 500. */
  smoothingMs?: number;
  /** 'latency' events at most this often unless the action changes. Default 1000. */
  emitIntervalMs?: number;
  tuning?: Partial<LatencyTuning>;
}

type LatencyVideo = Pick<
  HTMLVideoElement,
  'currentTime' | 'playbackRate' | 'paused' | 'seeking' | 'buffered' | 'ownerDocument'
>;
type LatencyEvent = PlayerEventMap['latency'];

export class LatencyController {
  private readonly tuning: LatencyTuning;
  private firstMediaAt: number | undefined;
  private smoothedAhead: number | undefined;
  private lastSampleAt = 0;
  private forceJump = false;
  private lastEmitAt = -Infinity;
  private lastAction: LatencyEvent['action'] | undefined;
  private destroyed = false;
  private readonly onVisibility = (): void => {
    if (this.video.ownerDocument.visibilityState !== 'visible') return;
    this.forceJump = true;
    const end = timeRangesToArray(this.video.buffered).at(-1)?.[1];
    if (end !== undefined) this.update(end);
  };

  constructor(
    private readonly video: LatencyVideo,
    private readonly options: LatencyControllerOptions,
    private readonly emit: (event: LatencyEvent) => void,
  ) {
    this.tuning = { ...DEFAULT_LATENCY_TUNING, ...options.tuning };
    video.ownerDocument.addEventListener('visibilitychange', this.onVisibility);
  }

  /** The smoothed distance to the live edge, seconds (undefined before the first media). */
  get aheadSec(): number | undefined {
    return this.smoothedAhead;
  }

  /** Call after every append (and on a timer if you like) with the buffered end. */
  update(liveEdgeSec: number): void {
    if (this.destroyed) return;
    const video = this.video;
    const ranges = timeRangesToArray(video.buffered);
    const last = ranges.at(-1);
    if (last === undefined) return; // nothing buffered yet
    const liveEdge = Number.isFinite(liveEdgeSec) && liveEdgeSec > 0 ? liveEdgeSec : last[1];
    const holding =
      ranges.find(([start, end]) => liveEdge >= start && liveEdge <= end + 1e-3) ?? last;
    const now = performance.now();
    this.firstMediaAt ??= now;

    const instant = liveEdge - video.currentTime;
    const tau = this.options.smoothingMs ?? 500;
    if (this.smoothedAhead === undefined || video.seeking) this.smoothedAhead = instant;
    else
      this.smoothedAhead +=
        (1 - Math.exp(-(now - this.lastSampleAt) / tau)) * (instant - this.smoothedAhead);
    this.lastSampleAt = now;

    const targetSec = this.options.targetLatencyMs / 1000;
    const decision = decideLatencyAction(
      {
        liveEdgeSec: liveEdge,
        rangeStartSec: holding[0],
        currentTimeSec: video.currentTime,
        smoothedAheadSec: this.smoothedAhead,
        targetSec,
        playbackRate: video.playbackRate,
        paused: video.paused,
        seeking: video.seeking,
        startup: now - this.firstMediaAt < (this.options.startupMs ?? 3000),
        forceJump: this.forceJump,
      },
      this.tuning,
    );
    if (!video.seeking) this.forceJump = false;

    if (decision.action === 'seek') {
      video.currentTime = decision.seekToSec;
      this.smoothedAhead = liveEdge - decision.seekToSec;
    }
    if (
      video.playbackRate !== decision.playbackRate &&
      !(video.paused && decision.action !== 'seek')
    ) {
      video.playbackRate = decision.playbackRate;
    }
    this.maybeEmit(now, decision.action, targetSec);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.video.ownerDocument.removeEventListener('visibilitychange', this.onVisibility);
  }

  private maybeEmit(now: number, action: LatencyEvent['action'], targetSec: number): void {
    const changed = action !== this.lastAction;
    if (!changed && now - this.lastEmitAt < (this.options.emitIntervalMs ?? 1000)) return;
    this.lastAction = action;
    this.lastEmitAt = now;
    this.emit({
      latencyMs: Math.round((this.smoothedAhead ?? 0) * 1000),
      targetMs: Math.round(targetSec * 1000),
      playbackRate: this.video.playbackRate,
      action,
    });
  }
}
