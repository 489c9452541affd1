import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ReconnectPolicy, backoffDelayMs } from './reconnect-policy.js';

describe('backoffDelayMs', () => {
  const params = { initialDelayMs: 500, maxDelayMs: 5000, jitter: 0.3 };

  it('doubles from the initial delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelayMs(n, params, 0))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });

  it('takes up to `jitter` of the delay off at random', () => {
    expect(backoffDelayMs(1, params, 0.999999)).toBe(350);
    expect(backoffDelayMs(3, params, 0.5)).toBe(1700);
  });

  it('stays within [base x (1 - jitter), base] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (n, r) => {
          const base = Math.min(5000, 500 * Math.pow(2, n - 1));
          const d = backoffDelayMs(n, params, r);
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.7));
          expect(d).toBeLessThanOrEqual(base);
        },
      ),
    );
  });
});

describe('ReconnectPolicy', () => {
  it('never gives up by default and counts attempts', () => {
    const policy = new ReconnectPolicy({ random: () => 0 });
    const delays = Array.from({ length: 100 }, () => policy.nextDelay());
    expect(delays.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(delays.every((d) => d !== null)).toBe(true);
    expect(policy.attempts).toBe(100);
  });

  it('gives up after maxAttempts and starts over after reset()', () => {
    const policy = new ReconnectPolicy({
      maxAttempts: 2,
      initialDelayMs: 100,
      maxDelayMs: 150,
      random: () => 0,
    });
    expect([policy.nextDelay(), policy.nextDelay(), policy.nextDelay()]).toEqual([100, 150, null]);
    expect(policy.attempts).toBe(2);
    policy.reset();
    expect(policy.attempts).toBe(0);
    expect(policy.nextDelay()).toBe(100);
  });

  it('replaces invalid options with defaults', () => {
    const policy = new ReconnectPolicy({
      initialDelayMs: -1,
      maxDelayMs: Number.NaN,
      maxAttempts: -3,
      random: () => 0,
    });
    expect([policy.nextDelay(), policy.nextDelay()]).toEqual([500, 1000]);
  });
});
