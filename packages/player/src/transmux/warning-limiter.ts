import type { TransmuxOutput } from './transmux-types.js';

/** Repairs can repeat on every frame of a bad stream: report the first few, then every 100th. */
const FIRST = 3;
const EVERY = 100;

export class WarningLimiter {
  private readonly counts = new Map<string, number>();

  warn(out: TransmuxOutput[], code: string, message: string): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= FIRST) out.push({ type: 'warning', code, message });
    else if (n % EVERY === 0)
      out.push({ type: 'warning', code, message: `${message} (${n} times so far)` });
  }

  /** How often `code` was raised, reported or not. */
  count(code: string): number {
    return this.counts.get(code) ?? 0;
  }
}
