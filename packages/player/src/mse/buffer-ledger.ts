/**
 * What the controller knows about the SourceBuffer's contents that `buffered` does not say:
 * where the keyframes are (so removals end on one) and roughly how many bytes are held (for the
 * maxBufferBytes test hook and stats). Times are on the buffer's timeline (after timestampOffset).
 */
import type { TimeRange } from './buffer-ranges.js';

export class BufferLedger {
  /** Keyframe times, ascending. */
  private keys: number[] = [];
  /** One entry per appended segment: where it ends and its size. */
  private entries: Array<{ endSec: number; bytes: number }> = [];

  get keyframeTimes(): readonly number[] {
    return this.keys;
  }

  get heldBytes(): number {
    return this.entries.reduce((sum, entry) => sum + entry.bytes, 0);
  }

  /** A segment of `bytes` ending at `endSec` was appended; `keyframeAt` when it starts with a keyframe. */
  appended(bytes: number, endSec: number, keyframeAt?: number): void {
    if (keyframeAt !== undefined) {
      const last = this.keys.at(-1);
      if (last === undefined || keyframeAt > last) this.keys.push(keyframeAt);
      // The timeline went back: MSE replaced what overlapped, so later keyframes are gone.
      else this.keys = [...this.keys.filter((k) => k < keyframeAt), keyframeAt];
    }
    this.entries.push({ endSec, bytes });
  }

  /** [start, end) was removed. */
  removed(end: number): void {
    this.entries = this.entries.filter((entry) => entry.endSec > end + 1e-3);
  }

  /** Forgets what the browser no longer holds (it may also garbage-collect on its own). */
  prune(ranges: readonly TimeRange[]): void {
    const first = ranges[0];
    if (first === undefined) {
      this.clear();
      return;
    }
    this.entries = this.entries.filter((entry) => entry.endSec > first[0] + 1e-3);
    this.keys = this.keys.filter((k) => k >= first[0] - 1e-3);
  }

  clear(): void {
    this.keys = [];
    this.entries = [];
  }
}
