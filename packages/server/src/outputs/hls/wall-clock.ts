/**
 * Maps the stream's media time to wall-clock time for EXT-X-PROGRAM-DATE-TIME (RFC 8216
 * 4.3.2.6): anchored at the first packet after each (re)start, so a publisher restart does not
 * carry an old offset forward.
 */
export class WallClock {
  private anchor: { mediaMs: number; wallMs: number } | undefined;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Call for every packet; anchors on the first one after `reanchor()`. */
  observe(mediaMs: number): void {
    this.anchor ??= { mediaMs, wallMs: this.now() };
  }

  reanchor(): void {
    this.anchor = undefined;
  }

  /** Wall time (ms since the epoch) of media time `mediaMs`. */
  wallTime(mediaMs: number): number {
    const anchor = this.anchor;
    if (anchor === undefined) return this.now();
    return Math.round(anchor.wallMs + (mediaMs - anchor.mediaMs));
  }
}
