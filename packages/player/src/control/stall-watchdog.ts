/**
 * Polls the media element (and reacts to 'waiting' at once) to find playback that stopped
 * while it should be playing, reports 'stall' start/end and moves the playhead over gaps or
 * towards the live edge. The policy is decideStall (pure, unit-tested).
 */
import type { PlayerEventMap } from '../events.js';
import { timeRangesToArray } from '../mse/buffer-ranges.js';
import { DEFAULT_STALL_TUNING, decideStall, initialStallState } from './stall-decision.js';
import type { StallState, StallTuning } from './stall-decision.js';

export interface StallWatchdogOptions {
  /** The live edge (buffered end), seconds. */
  liveEdge: () => number;
  /** Poll period, ms. Default 150. */
  pollMs?: number;
  tuning?: Partial<StallTuning>;
}

type WatchdogVideo = Pick<
  HTMLVideoElement,
  | 'currentTime'
  | 'paused'
  | 'seeking'
  | 'ended'
  | 'buffered'
  | 'addEventListener'
  | 'removeEventListener'
>;

export class StallWatchdog {
  private readonly tuning: StallTuning;
  private state: StallState | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private waiting = false;
  private readonly onWaiting = (): void => {
    this.waiting = true;
    this.poll();
  };

  constructor(
    private readonly video: WatchdogVideo,
    private readonly options: StallWatchdogOptions,
    private readonly emit: (event: PlayerEventMap['stall']) => void,
  ) {
    this.tuning = { ...DEFAULT_STALL_TUNING, ...options.tuning };
  }

  /** True between a 'start' and its 'end'. */
  get stalled(): boolean {
    return this.state?.stalledSinceMs !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.state = initialStallState(performance.now(), this.video.currentTime);
    this.video.addEventListener('waiting', this.onWaiting);
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? 150);
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.video.removeEventListener('waiting', this.onWaiting);
    this.state = undefined;
  }

  private poll(): void {
    const previous = this.state;
    if (previous === undefined) return;
    const video = this.video;
    const { state, actions } = decideStall(
      previous,
      {
        nowMs: performance.now(),
        currentTime: video.currentTime,
        paused: video.paused,
        seeking: video.seeking,
        ended: video.ended,
        waiting: this.waiting,
        ranges: timeRangesToArray(video.buffered),
        liveEdge: this.options.liveEdge(),
      },
      this.tuning,
    );
    this.waiting = false;
    this.state = state;
    for (const action of actions) {
      if (action.kind === 'stall-start') this.emit({ phase: 'start' });
      else if (action.kind === 'stall-end') {
        this.emit(
          action.recovery === undefined
            ? { phase: 'end', durationMs: Math.round(action.durationMs) }
            : {
                phase: 'end',
                durationMs: Math.round(action.durationMs),
                recovery: action.recovery,
              },
        );
      } else video.currentTime = action.toSec;
    }
  }
}
