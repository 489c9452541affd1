import { MalformedError, TruncatedError, asMediaError } from '../errors.js';
import type { AudioCodec, AudioTrack, MediaPacket } from '../types.js';
import { TS_TIMESCALE } from './ts-constants.js';
import type { EsSink, EsStream, EsUnit } from './ts-es-stream.js';

/** One audio frame found by a framer, `bytes[start, end)` of the buffer it was given. */
export interface AudioFrame {
  start: number;
  end: number;
  /** What leaves as the packet's data (the raw frame, without ADTS or Opus framing). */
  payload: Uint8Array;
  /** Duration in samples at `sampleRate`. */
  samples: number;
  sampleRate: number;
}

export interface AudioSplit<F extends AudioFrame> {
  frames: F[];
  /** Bytes fully handled; the rest is a frame still incomplete. */
  consumed: number;
  /** Bytes dropped while looking for a frame header (damage or junk). */
  skipped: number;
}

/** A codec's framing: how frames are found and which track they belong to. */
export interface AudioFramer<F extends AudioFrame> {
  readonly codec: AudioCodec;
  split(bytes: Uint8Array): AudioSplit<F>;
  /** The track of `frame` when it differs from the last one returned; throws MediaError. */
  track(frame: F): AudioTrack | undefined;
  /** Frames that cannot be passed on (reported once per stream, then dropped), or undefined. */
  unsupported?(frame: F): string | undefined;
}

/** Bytes carried between PES packets: a few frames at most (an ADTS frame is < 8 KiB). */
const MAX_CARRY = 64 * 1024;
/** PES starts whose first frame has not been found yet; more is damage, the oldest go. */
const MAX_ANCHORS = 64;

/** A PES's PTS and the elementary-stream position of its first byte. */
interface Anchor {
  position: number;
  pts: number;
}

/**
 * An audio elementary stream in PES packets (ISO/IEC 13818-1 2.4.3.7): frames may span PES
 * packets, and a PES's PTS belongs to the first frame that starts in it. Later frames get
 * that PTS plus the duration of the frames before them, rounded to 90 kHz ticks.
 */
export class AudioEs<F extends AudioFrame> implements EsStream {
  private readonly framer: AudioFramer<F>;
  private carry: Uint8Array = new Uint8Array(0);
  /** Elementary-stream position of `carry[0]`. */
  private carryPosition = 0;
  private anchors: Anchor[] = [];
  private anchor: Anchor | undefined;
  /** Samples since `anchor`, at `rate`. */
  private samples = 0;
  private rate = 0;

  constructor(framer: AudioFramer<F>) {
    this.framer = framer;
  }

  get bufferedBytes(): number {
    return this.carry.length;
  }

  push(unit: EsUnit, sink: EsSink): void {
    const position = this.carryPosition + this.carry.length;
    if (unit.pts !== undefined) {
      this.anchors.push({ position, pts: unit.pts });
      if (this.anchors.length > MAX_ANCHORS) this.anchors.shift();
    }
    const bytes = this.carry.length === 0 ? unit.data : concat(this.carry, unit.data);
    let split: AudioSplit<F>;
    try {
      split = this.framer.split(bytes);
    } catch (e) {
      sink.warn(asMediaError(e, unit.offset));
      this.discard();
      return;
    }
    if (split.skipped > 0) {
      const error = new MalformedError(
        `${split.skipped} bytes of the ${this.framer.codec} stream are not frames (PES at offset ${unit.offset})`,
        { offset: unit.offset },
      );
      sink.warn(error);
    }
    for (const frame of split.frames)
      this.emit(frame, this.carryPosition + frame.start, unit, sink);
    const rest = bytes.subarray(split.consumed);
    this.carryPosition += split.consumed;
    if (rest.length > MAX_CARRY) {
      const error = new MalformedError(
        `${rest.length} bytes of the ${this.framer.codec} stream hold no complete frame; dropped`,
        { offset: unit.offset },
      );
      sink.warn(error);
      this.carryPosition += rest.length;
      this.carry = new Uint8Array(0);
      return;
    }
    // A copy when small, so the carry does not keep a whole PES buffer alive.
    this.carry = rest.length === 0 ? new Uint8Array(0) : rest.slice();
  }

  flush(sink: EsSink): void {
    if (this.carry.length > 0) {
      const error = new TruncatedError(
        `${this.carry.length} trailing bytes of the ${this.framer.codec} stream are not a whole frame`,
      );
      sink.warn(error);
    }
    this.discard();
  }

  discard(): void {
    this.carryPosition += this.carry.length;
    this.carry = new Uint8Array(0);
    // Frames after the damage wait for the next PTS instead of guessing across the gap.
    this.anchors = [];
    this.anchor = undefined;
  }

  private emit(frame: F, position: number, unit: EsUnit, sink: EsSink): void {
    while (this.anchors.length > 0 && (this.anchors[0]?.position ?? Infinity) <= position) {
      this.anchor = this.anchors.shift();
      this.samples = 0;
      this.rate = frame.sampleRate;
    }
    const anchor = this.anchor;
    if (anchor === undefined) {
      const error = new MalformedError(
        `${this.framer.codec} frames without a PTS are dropped (first in the PES at offset ${unit.offset})`,
        { offset: unit.offset },
      );
      sink.warn(error, `audio-no-pts:${this.framer.codec}`);
      return;
    }
    if (frame.sampleRate !== this.rate) {
      // A rate change re-anchors at the current time so earlier durations keep their rate.
      anchor.pts += Math.round((this.samples * TS_TIMESCALE) / this.rate);
      this.samples = 0;
      this.rate = frame.sampleRate;
    }
    const pts = anchor.pts + Math.round((this.samples * TS_TIMESCALE) / this.rate);
    this.samples += frame.samples;
    const reason = this.framer.unsupported?.(frame);
    if (reason !== undefined) {
      sink.warn(
        new MalformedError(`${reason}; such frames are dropped`, { offset: unit.offset }),
        `audio-unsupported:${reason}`,
      );
      return;
    }
    try {
      const track = this.framer.track(frame);
      if (track !== undefined) sink.events.push({ type: 'track', track });
    } catch (e) {
      const inner = asMediaError(e, unit.offset);
      const error = new MalformedError(
        `${this.framer.codec} frame in the PES at offset ${unit.offset} dropped: ${inner.message}`,
        { offset: unit.offset, cause: inner },
      );
      sink.warn(error);
      return;
    }
    const packet: MediaPacket = {
      kind: 'audio',
      dts: pts,
      pts,
      timescale: TS_TIMESCALE,
      keyframe: true,
      data: frame.payload,
    };
    sink.events.push({ type: 'packet', packet });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
