/** Received bitrate over a sliding window (default 3 s), from byte counts with timestamps. */
export class BitrateMeter {
  private readonly samples: { atMs: number; bytes: number }[] = [];
  private total = 0;

  constructor(private readonly windowMs = 3000) {}

  add(atMs: number, bytes: number): void {
    this.samples.push({ atMs, bytes });
    this.total += bytes;
    this.trim(atMs);
  }

  bitsPerSecond(nowMs: number): number {
    this.trim(nowMs);
    const first = this.samples[0];
    if (first === undefined) return 0;
    // At least 250 ms, so one early burst does not read as a huge rate.
    const spanMs = Math.max(nowMs - first.atMs, 250);
    return Math.round((this.total * 8 * 1000) / spanMs);
  }

  private trim(nowMs: number): void {
    while (this.samples.length > 0 && (this.samples[0]?.atMs ?? 0) < nowMs - this.windowMs) {
      this.total -= this.samples.shift()?.bytes ?? 0;
    }
  }
}
