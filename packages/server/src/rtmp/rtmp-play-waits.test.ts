import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlayWaits } from './rtmp-play-waits.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('PlayWaits', () => {
  it('wake starts every waiter of the key in order, once, and no one else', () => {
    vi.useFakeTimers();
    const waits = new PlayWaits();
    const log: string[] = [];
    waits.wait(
      'live/a',
      1000,
      () => log.push('a1'),
      () => log.push('a1 timeout'),
    );
    waits.wait(
      'live/a',
      1000,
      () => log.push('a2'),
      () => log.push('a2 timeout'),
    );
    waits.wait(
      'live/b',
      1000,
      () => log.push('b'),
      () => log.push('b timeout'),
    );
    expect(waits.size).toBe(3);
    waits.wake('live/a');
    waits.wake('live/a');
    expect(log).toEqual(['a1', 'a2']);
    vi.advanceTimersByTime(1000);
    expect(log).toEqual(['a1', 'a2', 'b timeout']);
    expect(waits.size).toBe(0);
  });

  it('cancel and clear drop a wait without any callback', () => {
    vi.useFakeTimers();
    const waits = new PlayWaits();
    const log: string[] = [];
    const cancel = waits.wait(
      'k',
      50,
      () => log.push('live'),
      () => log.push('timeout'),
    );
    cancel();
    cancel();
    waits.wait(
      'j',
      50,
      () => log.push('live'),
      () => log.push('timeout'),
    );
    waits.clear();
    waits.wake('k');
    waits.wake('j');
    vi.advanceTimersByTime(100);
    expect(log).toEqual([]);
    expect(waits.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
