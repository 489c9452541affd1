import { describe, expect, it } from 'vitest';
import { BitrateMeter } from './bitrate-meter.js';

describe('BitrateMeter', () => {
  it('measures bits per second over its window and forgets older bytes', () => {
    const meter = new BitrateMeter(2000);
    expect(meter.bitsPerSecond(0)).toBe(0);
    for (let t = 0; t <= 4000; t += 100) meter.add(t, 12_500); // 1 Mb/s
    expect(meter.bitsPerSecond(4000)).toBeGreaterThan(950_000);
    expect(meter.bitsPerSecond(4000)).toBeLessThan(1_100_000);
    expect(meter.bitsPerSecond(9000)).toBe(0);
  });
});
