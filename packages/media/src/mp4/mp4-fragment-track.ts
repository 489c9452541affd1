import { InvalidArgumentError } from '../errors.js';
import type { MediaPacket, TrackInfo } from '../types.js';
import { mp4Timescale } from './init-segment.js';
import type { FragmentSample } from './media-segment.js';

/** A sample waiting in a fragmenter queue: the trun fields plus its decode time. */
export interface QueuedSample extends FragmentSample {
  /** Decode time in the track's media timescale (monotonic, clamped). */
  dts: number;
  /** Decode time in seconds as the input stated it (clamped), for cross-track ordering. */
  time: number;
}

const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;
const U32_MAX = 0xffffffff;

/**
 * One track's samples on their way into fragments. A sample's duration is the distance to the
 * next sample's decode time, so the newest sample is held until its successor arrives (or until
 * `completeHeld` estimates it at the end of input).
 */
export class FragmentTrack {
  readonly info: TrackInfo;
  /** track_ID in the current init segment (renumbered when a video track joins). */
  trackId: number;
  /** Media timescale in the MP4 (90 kHz video, sample rate audio). */
  readonly timescale: number;
  /** Samples whose duration is known, oldest first. */
  samples: QueuedSample[] = [];
  /** The newest sample, duration still unknown. */
  held: QueuedSample | null = null;
  /** Video: a fragment must start with a sync sample, so nothing is kept before the first. */
  private seenKeyframe: boolean;
  private lastDts = 0;
  private lastTime = 0;
  private lastDuration = 0;

  constructor(info: TrackInfo, trackId: number) {
    this.info = info;
    this.trackId = trackId;
    this.timescale = mp4Timescale(info);
    this.seenKeyframe = info.kind === 'audio';
  }

  /**
   * Converts and queues a packet; returns the queued sample, or null when it was dropped
   * (video before the first keyframe). Positions are preserved: dts and pts are converted
   * independently with rounding, and durations are differences of converted dts, so converting
   * back to the input timescale gives the input values. Decode times that go backwards (or
   * below zero) are clamped so durations never become negative.
   */
  add(packet: MediaPacket): QueuedSample | null {
    const inScale = packet.timescale;
    if (!Number.isFinite(inScale) || inScale <= 0) {
      throw new InvalidArgumentError(`packet timescale must be positive: ${inScale}`);
    }
    let dts = Math.round((packet.dts * this.timescale) / inScale);
    const pts = Math.round((packet.pts * this.timescale) / inScale);
    // Also rejects NaN and Infinity; checked before any state changes.
    if (!(Math.abs(dts) <= Number.MAX_SAFE_INTEGER && Math.abs(pts) <= Number.MAX_SAFE_INTEGER)) {
      throw new InvalidArgumentError(`packet timestamp out of range: ${packet.dts}/${packet.pts}`);
    }
    if (!this.seenKeyframe) {
      if (!packet.keyframe) return null;
      this.seenKeyframe = true;
    }
    let time = packet.dts / inScale;
    if (dts < this.lastDts) dts = this.lastDts;
    if (time < this.lastTime) time = this.lastTime;
    const offset = Math.min(I32_MAX, Math.max(I32_MIN, pts - dts));
    const sample: QueuedSample = {
      duration: 0,
      size: packet.data.length,
      keyframe: this.info.kind === 'audio' || packet.keyframe,
      compositionOffset: offset,
      data: packet.data,
      dts,
      time,
    };
    const held = this.held;
    if (held !== null) this.complete(held, dts - held.dts);
    this.held = sample;
    this.lastDts = dts;
    this.lastTime = time;
    return sample;
  }

  /** End of input: the held sample gets the previous duration, or a codec default. */
  completeHeld(): void {
    const held = this.held;
    if (held === null) return;
    this.complete(held, this.lastDuration > 0 ? this.lastDuration : this.defaultDuration());
    // The next packet (if any) continues from the end of the estimated sample.
    this.lastDts = held.dts + held.duration;
  }

  private complete(sample: QueuedSample, duration: number): void {
    // A jump beyond 32 bits of ticks cannot be stated in a trun; clamp rather than fail.
    sample.duration = Math.min(duration, U32_MAX);
    if (duration > 0) this.lastDuration = sample.duration;
    this.samples.push(sample);
    this.held = null;
  }

  /** Samples per frame: AAC 1024, MP3 1152 (MPEG-1 Layer III), Opus 20 ms at 48 kHz. */
  private defaultDuration(): number {
    const info = this.info;
    if (info.kind === 'audio') {
      if (info.codec === 'aac') return 1024;
      if (info.codec === 'mp3') return 1152;
      return 960;
    }
    const fps = info.frameRate;
    return fps !== undefined && fps > 0 ? Math.round(this.timescale / fps) : 3000;
  }

  /** Total duration of the complete samples, in the media timescale. */
  get completeTicks(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    return first === undefined || last === undefined ? 0 : last.dts + last.duration - first.dts;
  }

  /** Removes and returns the complete samples queued before `stop` (a queued sample). */
  takeUntilSample(stop: QueuedSample): QueuedSample[] {
    const index = this.samples.indexOf(stop);
    return this.takeCount(index < 0 ? this.samples.length : index);
  }

  /** Removes and returns the complete samples whose decode time is before `time` seconds. */
  takeBefore(time: number): QueuedSample[] {
    let count = 0;
    while (count < this.samples.length && (this.samples[count]?.time ?? time) < time) count++;
    return this.takeCount(count);
  }

  /** Removes and returns the shortest run of complete samples lasting at least `ticks`. */
  takeSpan(ticks: number): QueuedSample[] {
    const first = this.samples[0];
    if (first === undefined) return [];
    let count = 0;
    for (const sample of this.samples) {
      count++;
      if (sample.dts + sample.duration - first.dts >= ticks) break;
    }
    return this.takeCount(count);
  }

  takeAll(): QueuedSample[] {
    return this.takeCount(this.samples.length);
  }

  private takeCount(count: number): QueuedSample[] {
    if (count === 0) return [];
    if (count === this.samples.length) {
      const all = this.samples;
      this.samples = [];
      return all;
    }
    return this.samples.splice(0, count);
  }
}
