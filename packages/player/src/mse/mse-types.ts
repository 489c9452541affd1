/** Options and result types of MseController. */
import type { MseEnvironment } from './media-source-factory.js';

export interface MseControllerOptions {
  /** Seconds kept behind the playhead; older media is removed about once a second. */
  backBufferSec: number;
  /**
   * Test hook (0/undefined = off): behave as if appendBuffer threw QuotaExceededError whenever
   * the bytes held (estimated from appends minus evictions) plus the new segment exceed this,
   * so the quota path runs deterministically. Real QuotaExceededErrors are handled the same way.
   */
  maxBufferBytes?: number | undefined;
  /** Live stream: duration = Infinity (also puts Chromium's renderer in low-delay mode). Default true. */
  live?: boolean;
  /** On QuotaExceededError evict down to this many seconds behind the playhead. Default 2. */
  quotaKeepBehindSec?: number;
  /** Evict-and-retry rounds after a QuotaExceededError before dropping the segment. Default 2. */
  maxQuotaRetries?: number;
  /** Minimum ms between back-buffer eviction checks. Default 1000. */
  evictIntervalMs?: number;
  /** open() rejects when 'sourceopen' has not fired by then. Default 10000. */
  openTimeoutMs?: number;
  /** Where MediaSource and object URLs come from. Default: globalThis. */
  environment?: MseEnvironment;
}

/** Timing of a media segment (a TransmuxOutput 'segment' fits): enables keyframe-aligned eviction. */
export interface SegmentTiming {
  startSec: number;
  endSec: number;
  keyframes: number;
  /** Video frames inside; 0 for audio-only fragments (every audio frame is a sync sample). */
  videoFrames?: number;
}

/** `dropped`: not appended (buffer full, waiting for a keyframe after a drop, or not usable). */
export type AppendOutcome = 'appended' | 'dropped';
