import { describe, it, expect } from 'vitest';
import { DEFAULT_TARGET_LATENCY_MS, defaultTargetLatencyMs } from './default-latency.js';

describe('default target latency', () => {
  it('is about 150 ms: three 30 fps frame intervals plus 50 ms of margin', () => {
    expect(DEFAULT_TARGET_LATENCY_MS).toBe(150);
    expect(defaultTargetLatencyMs(30)).toBe(150);
  });

  it('follows the frame rate within bounds', () => {
    expect(defaultTargetLatencyMs(25)).toBe(170);
    expect(defaultTargetLatencyMs(60)).toBe(100);
    expect(defaultTargetLatencyMs(120)).toBe(100);
    expect(defaultTargetLatencyMs(1)).toBe(700);
    expect(defaultTargetLatencyMs(undefined)).toBe(150);
    expect(defaultTargetLatencyMs(0)).toBe(150);
    expect(defaultTargetLatencyMs(Number.NaN)).toBe(150);
  });
});
