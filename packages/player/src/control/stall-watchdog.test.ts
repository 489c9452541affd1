import { describe, it, expect, vi, afterEach } from 'vitest';
import type { PlayerEventMap } from '../events.js';
import { FakeVideo } from '../mse/test-support/fake-mse.js';
import { StallWatchdog } from './stall-watchdog.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('StallWatchdog', () => {
  it("polls the element, jumps a gap after 'waiting' and reports start and end", () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const video = new FakeVideo();
    video.ranges = [
      [0, 2.01],
      [2.5, 10],
    ];
    const events: Array<PlayerEventMap['stall']> = [];
    const watchdog = new StallWatchdog(
      video as unknown as HTMLVideoElement,
      { liveEdge: () => 10 },
      (e) => events.push(e),
    );
    watchdog.start();
    for (let i = 1; i <= 10; i++) {
      video.currentTime = i * 0.2; // playing up to 2.0 s
      vi.advanceTimersByTime(150);
    }
    expect(events).toEqual([]);
    video.dispatchEvent(new Event('waiting')); // the element ran into the hole
    expect(events).toEqual([{ phase: 'start' }]);
    expect(watchdog.stalled).toBe(true);
    expect(video.currentTime).toBeCloseTo(2.55);
    vi.advanceTimersByTime(150);
    video.currentTime = 2.7;
    vi.advanceTimersByTime(150);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ phase: 'end', recovery: 'nudge' });
    watchdog.stop();
    video.currentTime = 2.7;
    video.dispatchEvent(new Event('waiting'));
    vi.advanceTimersByTime(5000);
    expect(events).toHaveLength(2);
  });
});
