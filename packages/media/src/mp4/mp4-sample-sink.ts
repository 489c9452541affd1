import { LimitExceededError, TruncatedError } from '../errors.js';

/** One resolved sample, in its track's timescale. */
export interface Fmp4Sample {
  trackId: number;
  /** Decode time in track ticks, on the media timeline (before any edit list). */
  dts: number;
  /** dts + composition offset. */
  pts: number;
  duration: number;
  size: number;
  /** Random access point: sample_is_non_sync_sample == 0, or listed in stss. */
  keyframe: boolean;
  /** Absolute offset of the sample data in the input. */
  offset: number;
  /** A view (no copy) of the sample bytes; empty when absent and `allowMissingData` is set. */
  data: Uint8Array;
}

export interface SampleSinkOptions {
  /** Samples allowed across all tracks before LimitExceededError. */
  maxSamples: number;
  /** Give samples whose bytes lie outside the input an empty `data` instead of throwing. */
  allowMissingData: boolean;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * Collects samples per track. `reserve` is called before a table is expanded, so a corrupt
 * sample count fails fast instead of looping; `add` slices the sample data out of the input.
 */
export class SampleSink {
  readonly samples = new Map<number, Fmp4Sample[]>();
  private total = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: SampleSinkOptions,
  ) {}

  reserve(count: number, offset: number): void {
    if (this.total + count > this.options.maxSamples) {
      throw new LimitExceededError(
        `${this.total + count} samples exceed the limit of ${this.options.maxSamples}`,
        { offset },
      );
    }
    this.total += count;
  }

  /** Ends of the samples already listed for `trackId` (for dts continuity), or undefined. */
  lastOf(trackId: number): Fmp4Sample | undefined {
    const list = this.samples.get(trackId);
    return list?.[list.length - 1];
  }

  add(
    trackId: number,
    dts: number,
    compositionOffset: number,
    duration: number,
    size: number,
    keyframe: boolean,
    offset: number,
  ): void {
    let data = EMPTY;
    if (offset >= 0 && offset + size <= this.bytes.length) {
      data = this.bytes.subarray(offset, offset + size);
    } else if (!this.options.allowMissingData) {
      throw new TruncatedError(
        `track ${trackId}: sample of ${size} bytes at offset ${offset} lies outside the input`,
        { offset },
      );
    }
    let list = this.samples.get(trackId);
    if (!list) {
      list = [];
      this.samples.set(trackId, list);
    }
    list.push({
      trackId,
      dts,
      pts: dts + compositionOffset,
      duration,
      size,
      keyframe,
      offset,
      data,
    });
  }
}
