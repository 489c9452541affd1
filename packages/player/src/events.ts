/** The player's typed event map (`player.on(name, listener)`). */
import type { PlayerError } from './errors.js';
import type { MediaSummary } from './transmux/transmux-types.js';

export interface PlayerStats {
  /** Estimated live latency: newest media time received minus the playhead, ms. */
  latencyMs: number;
  /** Buffered media ahead of the playhead, ms. */
  bufferMs: number;
  /** Received bitrate over the last seconds, bits per second. */
  bitrateBps: number;
  /** From HTMLVideoElement.getVideoPlaybackQuality(). */
  droppedFrames: number;
  decodedFrames: number;
  playbackRate: number;
  /** Bytes received since load(). */
  bytesReceived: number;
  reconnects: number;
  stalls: number;
  /** Seconds of media held in the SourceBuffer (behind and ahead of the playhead). */
  bufferedSec: number;
  /**
   * Whether the transmuxer runs in a Worker (false: inline on the page's thread, as during the
   * first second while the worker starts, or after it failed).
   */
  transmuxInWorker: boolean;
  /** QuotaExceededError answers to appends, and back-buffer evictions, since load(). */
  quotaExceeded: number;
  evictions: number;
}

export interface PlayerEventMap {
  /** Codecs and dimensions, on the first init segment and whenever they change. */
  mediainfo: MediaSummary;
  /** About once a second while playing. */
  stats: PlayerStats;
  error: PlayerError;
  /** Latency control decisions: the measured latency and what the controller did. */
  latency: {
    latencyMs: number;
    targetMs: number;
    playbackRate: number;
    action: 'hold' | 'speedup' | 'slowdown' | 'seek';
  };
  /** Playback stalled (`start`) or recovered (`end`, with how long it lasted). */
  stall: { phase: 'start' | 'end'; durationMs?: number; recovery?: 'nudge' | 'seek' | 'reconnect' };
  /** A loader connection dropped or the stream ended; a new attempt starts after `delayMs`. */
  reconnect: { attempt: number; delayMs: number; reason: string };
  /** The first frame after load() was presented (ms since load()). */
  firstframe: { elapsedMs: number };
}

export type PlayerEventName = keyof PlayerEventMap;
export type PlayerListener<K extends PlayerEventName> = (event: PlayerEventMap[K]) => void;

/** Minimal typed emitter (no DOM EventTarget: payloads are plain typed objects). */
export class PlayerEvents {
  private readonly listeners = new Map<PlayerEventName, Set<(event: never) => void>>();

  on<K extends PlayerEventName>(name: K, listener: PlayerListener<K>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => this.off(name, listener);
  }

  off<K extends PlayerEventName>(name: K, listener: PlayerListener<K>): void {
    this.listeners.get(name)?.delete(listener as (event: never) => void);
  }

  emit<K extends PlayerEventName>(name: K, event: PlayerEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as PlayerListener<K>)(event);
      } catch (error) {
        // A throwing listener must not break the pipeline; surface it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
