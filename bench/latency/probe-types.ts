/** What the in-page probe (page-probe.ts) hands the bench on each poll. */
export interface ProbeBatch {
  /** Flattened [display epoch ms, capture epoch ms or -1 (misread), media time s] per frame. */
  samples: number[];
  /** expectedDisplayTime of the first frame, ms since navigation start; null before it. */
  firstFrameMs: number | null;
  /** Sum of the lengths of video.buffered ranges, seconds. */
  bufferedSec: number;
  /** video.buffered end minus currentTime, seconds. */
  aheadSec: number;
  /** Frames the compositor presented that no callback saw (presentedFrames gaps). */
  unseenFrames: number;
  droppedFrames: number;
  totalFrames: number;
  /**
   * Playback stalls after the first frame: 'waiting' events outside a seek, and the ms from
   * each to the next 'playing' (cumulative since the page loaded; a stall still open counts up
   * to now).
   */
  stalls: number;
  stalledMs: number;
  /** performance.timeOrigin + performance.now() - Date.now(): the page clock against the wall clock. */
  clockSkewMs: number;
  /** Page errors and media element errors, newest last. */
  errors: string[];
}

export interface ProbeApi {
  drain(): ProbeBatch;
}

/** The global the probe installs. */
export const PROBE_GLOBAL = '__tidecastLatencyProbe';
