/**
 * Reconnect timing: exponential backoff with jitter. Jitter spreads the reconnects of many
 * viewers after a server restart so they do not all arrive in the same millisecond. The caller
 * resets the policy once a connection delivers media again.
 */

export interface ReconnectOptions {
  /** Attempts before giving up; 0 (default) = never give up. */
  maxAttempts?: number;
  /** Delay before the first attempt, ms. Default 500. */
  initialDelayMs?: number;
  /** Upper bound of the delay, ms. Default 5000. */
  maxDelayMs?: number;
  /** Fraction of the delay taken off at random, 0..1. Default 0.3 (delay in [0.7, 1] x base). */
  jitter?: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

export interface BackoffParams {
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: number;
}

/**
 * Delay before attempt `attempt` (1-based): min(max, initial x 2^(attempt-1)), minus up to
 * `jitter` of it as chosen by `random01` in [0, 1).
 */
export function backoffDelayMs(attempt: number, params: BackoffParams, random01: number): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(params.maxDelayMs, params.initialDelayMs * Math.pow(2, exponent));
  const r = Math.min(1, Math.max(0, random01));
  return Math.round(base * (1 - params.jitter * r));
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export class ReconnectPolicy {
  private readonly params: BackoffParams;
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private count = 0;

  constructor(options: ReconnectOptions = {}) {
    const initialDelayMs = nonNegative(options.initialDelayMs, 500);
    this.params = {
      initialDelayMs,
      maxDelayMs: Math.max(initialDelayMs, nonNegative(options.maxDelayMs, 5000)),
      jitter: Math.min(1, nonNegative(options.jitter, 0.3)),
    };
    this.maxAttempts = Math.floor(nonNegative(options.maxAttempts, 0));
    this.random = options.random ?? Math.random;
  }

  /** Attempts made since the last reset(). */
  get attempts(): number {
    return this.count;
  }

  /** Delay before the next attempt (and counts it), or null once maxAttempts were used. */
  nextDelay(): number | null {
    if (this.maxAttempts > 0 && this.count >= this.maxAttempts) return null;
    this.count++;
    return backoffDelayMs(this.count, this.params, this.random());
  }

  /** A connection worked: the next failure starts again from initialDelayMs. */
  reset(): void {
    this.count = 0;
  }
}
