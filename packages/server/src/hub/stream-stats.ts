/**
 * Per-stream counters and rates for the API and /metrics: codecs, resolution, fps, bitrate in
 * and out, viewers per protocol, uptime, frames, and what slow viewers lost.
 */
import type { TrackInfo } from '@tidecast/media';
import type { OutputProtocol } from './stream-output.js';

/**
 * Sums per second of wall time; the rate is the mean over the complete seconds of the window
 * (the current, partial second counts only until one second is complete).
 */
export class RateMeter {
  private buckets: { second: number; amount: number }[] = [];
  private firstSecond: number | undefined;
  private readonly windowSeconds: number;

  constructor(
    private readonly now: () => number,
    windowMs = 5_000,
  ) {
    this.windowSeconds = Math.max(1, Math.round(windowMs / 1000));
  }

  add(amount: number): void {
    const second = Math.floor(this.now() / 1000);
    this.firstSecond ??= second;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.second === second) last.amount += amount;
    else this.buckets.push({ second, amount });
    this.trim(second);
  }

  /** Amount per second over the last complete seconds of the window. */
  perSecond(): number {
    const t = this.now();
    const current = Math.floor(t / 1000);
    this.trim(current);
    if (this.firstSecond === undefined) return 0;
    const complete = Math.min(this.windowSeconds, current - this.firstSecond);
    let sum = 0;
    for (const b of this.buckets) {
      if (complete === 0 || b.second < current) sum += b.amount;
    }
    if (complete > 0) return sum / complete;
    return (sum * 1000) / Math.max(1000, t - this.firstSecond * 1000);
  }

  private trim(current: number): void {
    const oldest = current - this.windowSeconds;
    while (this.buckets.length > 0 && (this.buckets[0]?.second ?? oldest) < oldest) {
      this.buckets.shift();
    }
  }
}

export interface VideoStats {
  codec: string;
  width: number;
  height: number;
  /** Frames per second measured on the incoming packets. */
  fps: number;
}

export interface AudioStats {
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface StreamStats {
  /** `app/stream`. */
  key: string;
  publishing: boolean;
  publisherId: string | null;
  video: VideoStats | null;
  audio: AudioStats | null;
  /** Bits per second over the last few seconds. */
  bitrateIn: number;
  bitrateOut: number;
  bytesIn: number;
  bytesOut: number;
  viewers: Record<OutputProtocol, number>;
  viewerCount: number;
  uptimeMs: number;
  frames: { video: number; audio: number };
  /** Lost by slow viewers (summed over every viewer, including those gone). */
  dropped: { bytes: number; frames: number };
  /** Viewers disconnected for staying behind. */
  slowDisconnects: number;
  /** Publishers that took over within the grace period. */
  reconnects: number;
  gopCache: { bytes: number; durationMs: number };
}

/** The counters a LiveStream keeps; `snapshot` fills in the parts the stream knows. */
export class StreamMeters {
  readonly bytesIn: RateMeter;
  readonly bytesOut: RateMeter;
  readonly videoFrames: RateMeter;
  totalIn = 0;
  totalOut = 0;
  videoFrameCount = 0;
  audioFrameCount = 0;
  droppedBytes = 0;
  droppedFrames = 0;
  slowDisconnects = 0;
  reconnects = 0;
  /** Written bytes not yet in the bytesOut meter (fed once per flush pass, not per write). */
  private unmetered = 0;

  constructor(now: () => number) {
    this.bytesIn = new RateMeter(now);
    this.bytesOut = new RateMeter(now);
    this.videoFrames = new RateMeter(now);
  }

  packetIn(kind: 'video' | 'audio', bytes: number): void {
    this.totalIn += bytes;
    this.bytesIn.add(bytes);
    if (kind === 'video') {
      this.videoFrameCount++;
      this.videoFrames.add(1);
    } else {
      this.audioFrameCount++;
    }
  }

  written(bytes: number): void {
    this.totalOut += bytes;
    this.unmetered += bytes;
  }

  /** Moves the bytes written since the last call into the rate meter. */
  settle(): void {
    if (this.unmetered === 0) return;
    this.bytesOut.add(this.unmetered);
    this.unmetered = 0;
  }

  dropped(bytes: number, frames: number): void {
    this.droppedBytes += bytes;
    this.droppedFrames += frames;
  }
}

export function emptyViewerCounts(): Record<OutputProtocol, number> {
  return { 'flv-http': 0, 'flv-ws': 0, rtmp: 0, 'fmp4-http': 0, 'fmp4-ws': 0 };
}

/** What a stream knows of itself, for `snapshotStats`. */
export interface StreamFacts {
  key: string;
  publisherId: string | null;
  video: TrackInfo | undefined;
  audio: TrackInfo | undefined;
  viewers: Record<OutputProtocol, number>;
  uptimeMs: number;
  gopCache: { bytes: number; durationMs: number };
}

export function snapshotStats(m: StreamMeters, facts: StreamFacts): StreamStats {
  m.settle();
  const { video, audio, viewers } = facts;
  let viewerCount = 0;
  for (const n of Object.values(viewers)) viewerCount += n;
  return {
    key: facts.key,
    publishing: facts.publisherId !== null,
    publisherId: facts.publisherId,
    video:
      video?.kind === 'video'
        ? {
            codec: video.codecString,
            width: video.width,
            height: video.height,
            fps: Math.round(m.videoFrames.perSecond() * 100) / 100,
          }
        : null,
    audio:
      audio?.kind === 'audio'
        ? { codec: audio.codecString, sampleRate: audio.sampleRate, channels: audio.channels }
        : null,
    bitrateIn: Math.round(m.bytesIn.perSecond() * 8),
    bitrateOut: Math.round(m.bytesOut.perSecond() * 8),
    bytesIn: m.totalIn,
    bytesOut: m.totalOut,
    viewers,
    viewerCount,
    uptimeMs: facts.uptimeMs,
    frames: { video: m.videoFrameCount, audio: m.audioFrameCount },
    dropped: { bytes: m.droppedBytes, frames: m.droppedFrames },
    slowDisconnects: m.slowDisconnects,
    reconnects: m.reconnects,
    gopCache: facts.gopCache,
  };
}
