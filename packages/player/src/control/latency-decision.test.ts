import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LATENCY_TUNING, decideLatencyAction } from './latency-decision.js';
import type { LatencyInput } from './latency-decision.js';

const T = 0.15;

/** Steady playback `ahead` seconds behind a live edge at 100 s. */
function at(ahead: number, extra: Partial<LatencyInput> = {}): LatencyInput {
  return {
    liveEdgeSec: 100,
    rangeStartSec: 50,
    currentTimeSec: 100 - ahead,
    smoothedAheadSec: ahead,
    targetSec: T,
    playbackRate: 1,
    paused: false,
    seeking: false,
    startup: false,
    forceJump: false,
    ...extra,
  };
}

describe('decideLatencyAction', () => {
  it('holds at rate 1 inside the band', () => {
    expect(decideLatencyAction(at(T))).toEqual({ action: 'hold', playbackRate: 1 });
    expect(decideLatencyAction(at(T + 0.04))).toEqual({ action: 'hold', playbackRate: 1 });
    // The band reaches target + speedupEnterSec (0.05 s): jitter inside it is not chased.
    expect(decideLatencyAction(at(T + 0.045))).toEqual({ action: 'hold', playbackRate: 1 });
    expect(decideLatencyAction(at(T + 0.07))).toEqual({ action: 'speedup', playbackRate: 1.05 });
    expect(decideLatencyAction(at(T - 0.05))).toEqual({ action: 'hold', playbackRate: 1 });
  });

  it('speeds up in proportion to the excess, in steps, clamped', () => {
    // Default tuning: entering the chase already asks for the 1.1 cap (1 + 1 * 0.12, stepped).
    expect(decideLatencyAction(at(T + 0.12))).toEqual({ action: 'speedup', playbackRate: 1.1 });
    expect(decideLatencyAction(at(T + 0.16))).toEqual({ action: 'speedup', playbackRate: 1.1 });
    expect(decideLatencyAction(at(T + 1.2))).toEqual({ action: 'speedup', playbackRate: 1.1 });
    // While chasing, the rate eases off as the excess shrinks.
    expect(decideLatencyAction(at(T + 0.08, { playbackRate: 1.1 }))).toEqual({
      action: 'speedup',
      playbackRate: 1.1,
    });
    expect(decideLatencyAction(at(T + 0.07, { playbackRate: 1.1 }))).toEqual({
      action: 'speedup',
      playbackRate: 1.05,
    });
    // The proportional steps themselves, visible under a higher cap.
    const loose = { ...DEFAULT_LATENCY_TUNING, maxPlaybackRate: 1.3 };
    expect(decideLatencyAction(at(T + 0.16), loose)).toEqual({
      action: 'speedup',
      playbackRate: 1.15,
    });
    expect(decideLatencyAction(at(T + 0.22), loose)).toEqual({
      action: 'speedup',
      playbackRate: 1.2,
    });
    expect(decideLatencyAction(at(T + 1.2), loose)).toEqual({
      action: 'speedup',
      playbackRate: 1.3,
    });
  });

  it('keeps chasing down to the target itself (hysteresis), then holds', () => {
    expect(decideLatencyAction(at(T + 0.03, { playbackRate: 1.1 }))).toEqual({
      action: 'speedup',
      playbackRate: 1.05,
    });
    expect(decideLatencyAction(at(T + 0.03))).toEqual({ action: 'hold', playbackRate: 1 });
    expect(decideLatencyAction(at(T - 0.001, { playbackRate: 1.05 }))).toEqual({
      action: 'hold',
      playbackRate: 1,
    });
  });

  it('seeks to liveEdge - target when far behind', () => {
    expect(decideLatencyAction(at(T + 1.6))).toEqual({
      action: 'seek',
      playbackRate: 1,
      seekToSec: 100 - T,
    });
  });

  it('jumps on a small excess at startup and when forced (tab visible again)', () => {
    expect(decideLatencyAction(at(T + 0.3, { startup: true }))).toMatchObject({
      action: 'seek',
      seekToSec: 100 - T,
    });
    expect(decideLatencyAction(at(T + 0.3, { forceJump: true }))).toMatchObject({ action: 'seek' });
    expect(decideLatencyAction(at(T + 0.2, { forceJump: true }))).toMatchObject({
      action: 'speedup',
    });
  });

  it('seeks into the buffer when the playhead is outside it, never before the range start', () => {
    // First media of an fMP4 stream at 3600 s while currentTime is 0.
    const first = at(0, {
      liveEdgeSec: 3600.1,
      rangeStartSec: 3600,
      currentTimeSec: 0,
      smoothedAheadSec: 3600.1,
      startup: true,
    });
    expect(decideLatencyAction(first)).toEqual({
      action: 'seek',
      playbackRate: 1,
      seekToSec: 3600,
    });
    // Playhead past everything buffered (the timeline went back).
    expect(decideLatencyAction(at(-1))).toMatchObject({ action: 'seek', seekToSec: 100 - T });
  });

  it('slows down slightly only when dangerously low, and recovers to 1', () => {
    expect(decideLatencyAction(at(0.03))).toEqual({
      action: 'slowdown',
      playbackRate: DEFAULT_LATENCY_TUNING.slowdownRate,
    });
    expect(decideLatencyAction(at(0.1, { playbackRate: 0.95 }))).toMatchObject({
      action: 'slowdown',
    });
    expect(decideLatencyAction(at(0.12, { playbackRate: 0.95 }))).toEqual({
      action: 'hold',
      playbackRate: 1,
    });
  });

  it('does not chase while paused or while a seek is prerolling', () => {
    expect(decideLatencyAction(at(T + 0.5, { paused: true }))).toEqual({
      action: 'hold',
      playbackRate: 1,
    });
    expect(decideLatencyAction(at(T + 5, { seeking: true, playbackRate: 1.1 }))).toEqual({
      action: 'hold',
      playbackRate: 1.1,
    });
  });

  it('uses absolute thresholds: the same excess gives the same action at any latency (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.double({ min: -3, max: 10, noNaN: true }),
        fc.constantFrom(0.95, 1, 1.05, 1.1, 1.2),
        fc.boolean(),
        (target, ahead, rate, startup) => {
          const d = decideLatencyAction(
            at(ahead, { targetSec: target, playbackRate: rate, startup }),
          );
          expect(d.playbackRate).toBeGreaterThanOrEqual(DEFAULT_LATENCY_TUNING.slowdownRate);
          expect(d.playbackRate).toBeLessThanOrEqual(DEFAULT_LATENCY_TUNING.maxPlaybackRate);
          if (d.action === 'seek') {
            expect(d.seekToSec).toBeGreaterThanOrEqual(50);
            expect(d.seekToSec).toBeLessThanOrEqual(100);
          }
          // Far above the target is never left alone.
          if (ahead > target + DEFAULT_LATENCY_TUNING.speedupEnterSec + 1e-9)
            expect(['speedup', 'seek']).toContain(d.action);
          if (d.action === 'slowdown') expect(ahead).toBeLessThan(target);
        },
      ),
    );
  });
});
