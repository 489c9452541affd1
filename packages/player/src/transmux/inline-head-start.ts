import type { TransmuxOutput } from './transmux-types.js';

/**
 * A worker takes a while to start (a new thread, the worker script compiled: 100-150 ms on a
 * busy 2-core machine, more than the rest of the first frame's path). So the client transmuxes
 * inline as well until the worker has caught up: both get the same operations (data, flush,
 * discontinuity) in the same order and the Transmuxer is deterministic, so the worker's answer
 * to operation k must equal what the inline one produced for it. The inline outputs are the
 * ones delivered; the worker's are checked against them here and dropped. Once it has answered
 * every operation so far, it takes over and the inline transmuxer is let go.
 */
export class InlineHeadStart {
  /** Fingerprints of the inline outputs of operations the worker has not answered yet. */
  private readonly unanswered: string[] = [];

  /** The inline transmuxer produced `outputs` for the next operation. */
  record(outputs: readonly TransmuxOutput[]): void {
    this.unanswered.push(fingerprint(outputs));
  }

  /** Operations the worker still owes an answer for. */
  get backlog(): number {
    return this.unanswered.length;
  }

  /**
   * The worker answered the oldest unanswered operation with `outputs`: 'behind' while more
   * answers are owed, 'caught-up' when that was the last one, 'mismatch' when it disagrees.
   */
  answer(outputs: readonly TransmuxOutput[]): 'behind' | 'caught-up' | 'mismatch' {
    const expected = this.unanswered.shift();
    if (expected === undefined || expected !== fingerprint(outputs)) return 'mismatch';
    return this.unanswered.length === 0 ? 'caught-up' : 'behind';
  }
}

/** Types, codes, sizes and times of outputs in order: enough to tell two runs apart. */
export function fingerprint(outputs: readonly TransmuxOutput[]): string {
  return outputs
    .map((o) => {
      switch (o.type) {
        case 'init':
          return `i${String(o.bytes.byteLength)}:${o.media.mimeType}`;
        case 'segment':
          return `s${String(o.bytes.byteLength)}@${String(o.startSec)}`;
        case 'warning':
        case 'error':
          return `${o.type}:${o.code}`;
        case 'discontinuity':
          return 'd';
      }
    })
    .join('|');
}
