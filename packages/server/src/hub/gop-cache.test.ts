import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GopCache } from './gop-cache.js';
import type { GopEntry } from './gop-cache.js';

type E = GopEntry & { id: number };
let nextId = 0;
const v = (dtsMs: number, keyframe: boolean, size = 100): E => ({
  kind: 'video',
  keyframe,
  dtsMs,
  size,
  id: nextId++,
});
const a = (dtsMs: number, size = 10): E => ({
  kind: 'audio',
  keyframe: true,
  dtsMs,
  size,
  id: nextId++,
});

describe('GopCache', () => {
  it('keeps only the newest GOP, starting at its keyframe', () => {
    const cache = new GopCache<E>();
    cache.push(v(0, false)); // delta before any keyframe: useless
    cache.push(a(5)); // audio before the first keyframe
    const k1 = v(40, true);
    cache.push(k1);
    cache.push(a(45));
    cache.push(v(80, false));
    expect(cache.entries()[0]).toBe(k1);
    expect(cache.length).toBe(3);
    const k2 = v(120, true);
    cache.push(k2);
    cache.push(v(160, false));
    expect(cache.entries().map((e) => e.id)).toEqual([k2.id, k2.id + 1]);
    expect(cache.bytes).toBe(200);
    expect(cache.durationMs).toBe(40);
  });

  it('drops a GOP longer than maxDurationMs whole and resumes at the next keyframe', () => {
    const cache = new GopCache<E>({ maxDurationMs: 1000 });
    cache.push(v(0, true));
    for (let t = 40; t <= 1000; t += 40) cache.push(v(t, false));
    expect(cache.durationMs).toBe(1000);
    cache.push(v(1040, false)); // 1040 ms > 1000 ms
    expect(cache.length).toBe(0);
    cache.push(v(1080, false));
    cache.push(a(1090));
    expect(cache.length).toBe(0);
    cache.push(v(1120, true));
    expect(cache.length).toBe(1);
  });

  it('drops a GOP larger than maxBytes', () => {
    const cache = new GopCache<E>({ maxBytes: 1000 });
    cache.push(v(0, true, 600));
    cache.push(v(40, false, 400));
    expect(cache.bytes).toBe(1000);
    cache.push(a(50, 1));
    expect(cache.bytes).toBe(0);
    expect(cache.length).toBe(0);
  });

  it('holds a trailing window of audio when there is no video', () => {
    const cache = new GopCache<E>({ audioOnlyMs: 100 });
    for (let t = 0; t <= 500; t += 20) cache.push(a(t));
    expect(cache.durationMs).toBe(100);
    expect(cache.entries()[0]?.dtsMs).toBe(400);
  });

  it('stores nothing when disabled, and headers never', () => {
    const off = new GopCache<E>({ enabled: false });
    off.push(v(0, true));
    expect(off.length).toBe(0);
    const on = new GopCache<E>();
    on.push({ kind: 'header', keyframe: false, dtsMs: 0, size: 5, id: 0 });
    expect(on.length).toBe(0);
  });

  it('never exceeds its bounds whatever the input (property)', () => {
    const entry = fc.record({
      kind: fc.constantFrom('video' as const, 'audio' as const),
      keyframe: fc.boolean(),
      step: fc.integer({ min: 0, max: 200 }),
      size: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), (entries) => {
        const cache = new GopCache<E>({ maxDurationMs: 1000, maxBytes: 5000, audioOnlyMs: 300 });
        let t = 0;
        for (const e of entries) {
          t += e.step;
          cache.push({ kind: e.kind, keyframe: e.keyframe, dtsMs: t, size: e.size, id: 0 });
          expect(cache.bytes).toBeLessThanOrEqual(5000);
          expect(cache.durationMs).toBeLessThanOrEqual(1000);
          const first = cache.entries()[0];
          const hasVideo = entries.some((x) => x.kind === 'video');
          if (first !== undefined && hasVideo && cache.entries().some((x) => x.kind === 'video')) {
            expect(first.kind === 'video' && first.keyframe).toBe(true);
          }
        }
      }),
    );
  });
});
