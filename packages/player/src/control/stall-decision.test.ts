import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_STALL_TUNING, decideStall, initialStallState } from './stall-decision.js';
import type { StallAction, StallSample, StallState } from './stall-decision.js';
import type { TimeRange } from '../mse/buffer-ranges.js';

function sample(
  nowMs: number,
  currentTime: number,
  ranges: TimeRange[],
  extra: Partial<StallSample> = {},
): StallSample {
  return {
    nowMs,
    currentTime,
    paused: false,
    seeking: false,
    ended: false,
    waiting: false,
    ranges,
    liveEdge: ranges.at(-1)?.[1] ?? 0,
    ...extra,
  };
}

/** Runs samples through decideStall, returning the final state and every action. */
function run(
  samples: StallSample[],
  state: StallState = initialStallState(0, 0),
): { state: StallState; actions: StallAction[] } {
  const actions: StallAction[] = [];
  for (const s of samples) {
    const step = decideStall(state, s);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

/** Playing from 0 to 1 s, then stuck at 1 s, polled every 150 ms until `untilMs`. */
function stuckAt(
  ranges: TimeRange[],
  untilMs: number,
  extra: Partial<StallSample> = {},
): StallSample[] {
  const out = [sample(0, 0, ranges), sample(1000, 1, ranges)];
  for (let t = 1150; t <= untilMs; t += 150) out.push(sample(t, 1, ranges, extra));
  return out;
}

describe('decideStall', () => {
  it('says nothing while playback progresses', () => {
    const samples = Array.from({ length: 50 }, (_, i) => sample(i * 150, i * 0.15, [[0, 100]]));
    expect(run(samples).actions).toEqual([]);
  });

  it('does not report before playback first advanced (startup belongs to the latency controller)', () => {
    const samples = Array.from({ length: 20 }, (_, i) => sample(i * 150, 0, [[5, 10]]));
    expect(run(samples).actions).toEqual([]);
  });

  it('jumps over a gap to just inside the next range', () => {
    const { actions } = run(
      stuckAt(
        [
          [0, 1.02],
          [1.5, 5],
        ],
        1600,
      ),
    );
    expect(actions[0]).toEqual({ kind: 'stall-start' });
    expect(actions[1]).toEqual({
      kind: 'seek',
      toSec: 1.5 + DEFAULT_STALL_TUNING.pastGapSec,
      recovery: 'nudge',
    });
  });

  it("reports a stall at once on 'waiting' and ends it with the recovery used", () => {
    const ranges: TimeRange[] = [
      [0, 1.02],
      [1.5, 5],
    ];
    let { state, actions } = run([
      sample(0, 0, ranges),
      sample(1000, 1, ranges),
      sample(1100, 1, ranges, { waiting: true }),
    ]);
    expect(actions.map((a) => a.kind)).toEqual(['stall-start', 'seek']);
    ({ state, actions } = run([sample(1400, 1.6, ranges)], state));
    expect(actions).toEqual([{ kind: 'stall-end', durationMs: 400, recovery: 'nudge' }]);
    expect(state.stalledSinceMs).toBeUndefined();
  });

  it('nudges when stuck with data ahead, then seeks to the live edge if the spot keeps sticking', () => {
    const { actions } = run(stuckAt([[0, 30]], 4000));
    const seeks = actions.filter((a) => a.kind === 'seek');
    expect(seeks[0]).toEqual({ kind: 'seek', toSec: 1.1, recovery: 'nudge' });
    expect(seeks[1]).toEqual({ kind: 'seek', toSec: 1.1, recovery: 'nudge' });
    expect(seeks[2]).toEqual({
      kind: 'seek',
      toSec: 30 - DEFAULT_STALL_TUNING.liveEdgeBackoffSec,
      recovery: 'seek',
    });
    // Recovery attempts are spaced by retryEveryMs.
    expect(seeks.length).toBeLessThanOrEqual(Math.ceil(3000 / DEFAULT_STALL_TUNING.retryEveryMs));
  });

  it('waits for the network when nothing is buffered ahead', () => {
    const { actions } = run(stuckAt([[0, 1]], 5000));
    expect(actions).toEqual([{ kind: 'stall-start' }]);
  });

  it('goes back to the live edge when the playhead is past everything buffered', () => {
    const { actions } = run(stuckAt([[0, 0.5]], 1600));
    expect(actions).toContainEqual({ kind: 'seek', toSec: 0.3, recovery: 'seek' });
  });

  it('is not a stall while paused, and pausing ends one', () => {
    const ranges: TimeRange[] = [[0, 30]];
    expect(run(stuckAt(ranges, 3000, { paused: true })).actions).toEqual([]);
    const samples = [...stuckAt(ranges, 1600), sample(1700, 1, ranges, { paused: true })];
    const { actions } = run(samples);
    expect(actions[0]).toEqual({ kind: 'stall-start' });
    expect(actions.at(-1)).toMatchObject({ kind: 'stall-end' });
  });

  it('never seeks outside the buffered ranges or backwards (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 50, noNaN: true }),
            fc.double({ min: 0.01, max: 5, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (parts, at) => {
          const ranges: TimeRange[] = [];
          let cursor = 0;
          for (const [gap, length] of parts) {
            ranges.push([cursor + gap, cursor + gap + length]);
            cursor += gap + length + 0.001;
          }
          const samples = [
            sample(0, Math.max(0, at - 1), ranges),
            ...stuckAt(ranges, 5000)
              .slice(1)
              .map((s) => ({ ...s, currentTime: at })),
          ];
          samples[1] = sample(1000, at, ranges);
          for (const action of run(samples).actions) {
            if (action.kind !== 'seek') continue;
            const inside = ranges.some(([s, e]) => action.toSec >= s && action.toSec <= e);
            expect(inside).toBe(true);
            if (action.recovery === 'nudge') expect(action.toSec).toBeGreaterThan(at);
          }
        },
      ),
    );
  });
});
