/**
 * Keeps one audio track gapless: each frame is placed right after the previous one, as long as
 * its own timestamp agrees within a tolerance. Frames that start more than half a frame before
 * the end of the previous one overlap it and are dropped; gaps longer than the fill threshold
 * get silent frames (when the codec has one) or a jump. The placed time therefore never drifts
 * from the input timestamps by more than max(half a frame, the fill threshold).
 */

export type AudioPlacement =
  | { type: 'place'; dts: number; silentBefore: number; gapTicks: number; jumped: boolean }
  | { type: 'drop'; overlapTicks: number };

/** Gaps longer than this are not filled with silence (the input jumped; MSE sees a gap). */
const MAX_FILL_SECONDS = 2;

export class AudioTimeline {
  /** Where the next frame should start, in track ticks; undefined before the first frame. */
  private next: number | undefined;

  constructor(
    private readonly timescale: number,
    private readonly fillThresholdTicks: number,
  ) {}

  get nextDts(): number | undefined {
    return this.next;
  }

  /** Forget the timeline (new track or restart): the next frame is taken at its own time. */
  reset(): void {
    this.next = undefined;
  }

  /**
   * Decides where a frame of `ticks` length stamped `dts` goes. `canFill` says whether silent
   * frames of the same length can be inserted before it.
   */
  place(dts: number, ticks: number, canFill: boolean): AudioPlacement {
    const next = this.next;
    if (next === undefined) {
      this.next = dts + ticks;
      return { type: 'place', dts, silentBefore: 0, gapTicks: 0, jumped: false };
    }
    const diff = dts - next;
    if (diff < -ticks / 2) return { type: 'drop', overlapTicks: -diff };
    if (diff <= this.fillThresholdTicks || ticks <= 0) {
      this.next = next + ticks;
      return { type: 'place', dts: next, silentBefore: 0, gapTicks: 0, jumped: false };
    }
    if (canFill && diff <= MAX_FILL_SECONDS * this.timescale) {
      const count = Math.round(diff / ticks);
      const at = next + count * ticks;
      this.next = at + ticks;
      return { type: 'place', dts: at, silentBefore: count, gapTicks: diff, jumped: false };
    }
    this.next = dts + ticks;
    return { type: 'place', dts, silentBefore: 0, gapTicks: diff, jumped: true };
  }
}
