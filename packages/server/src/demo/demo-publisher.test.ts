import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaPacket, TrackInfo } from '@tidecast/media';
import { DemoPublisher, clipFromFlv } from './demo-publisher.js';
import type { LoopClip } from './demo-publisher.js';
import { makeTestClip } from '../test-support/test-server.js';

let dir = '';
let clip: LoopClip;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-demo-'));
  const file = join(dir, 'clip.flv');
  makeTestClip(file, 0.6);
  clip = clipFromFlv(new Uint8Array(readFileSync(file)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DemoPublisher', () => {
  it('demuxes a clip with both tracks, rebased to 0', () => {
    expect(clip.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    expect(Math.min(...clip.packets.map((p) => p.dts))).toBe(0);
    expect(clip.loopMs).toBeGreaterThanOrEqual(580);
    expect(clip.loopMs).toBeLessThan(700);
  });

  it('loops in real time with strictly increasing, continuous timestamps', async () => {
    const packets: MediaPacket[] = [];
    const tracks: TrackInfo[] = [];
    const sentAt: number[] = [];
    const t0 = performance.now();
    const publisher = new DemoPublisher(clip, {
      setTrack: (t) => tracks.push(t),
      setMetadata: () => undefined,
      publish: (p) => {
        packets.push(p);
        sentAt.push(performance.now() - t0);
      },
    });
    publisher.start();
    await new Promise((resolve) => setTimeout(resolve, clip.loopMs * 2 + 300));
    publisher.stop();
    const count = packets.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(packets.length).toBe(count); // stop() really stops
    expect(tracks).toHaveLength(2);
    expect(publisher.loops).toBeGreaterThanOrEqual(2);
    for (const kind of ['video', 'audio'] as const) {
      const dts = packets.filter((p) => p.kind === kind).map((p) => p.dts);
      const steps = dts.slice(1).map((d, i) => d - (dts[i] ?? 0));
      expect(Math.min(...steps)).toBeGreaterThan(0);
      // Continuous: no gap across the loop seam larger than a few frame intervals.
      expect(Math.max(...steps)).toBeLessThanOrEqual(kind === 'video' ? 3 * 40 : 3 * 22);
    }
    // Real-time pacing: nothing leaves before its time, nothing lags far behind it.
    packets.forEach((p, i) => {
      const at = sentAt[i] ?? 0;
      expect(at).toBeGreaterThanOrEqual(p.dts - 5);
      expect(at).toBeLessThan(p.dts + 150);
    });
  });

  it('stops and reports when the target throws', () => {
    let reported: unknown;
    const publisher = new DemoPublisher(
      clip,
      {
        setTrack: () => undefined,
        setMetadata: () => undefined,
        publish: () => {
          throw new Error('gone');
        },
      },
      { onError: (e) => (reported = e) },
    );
    publisher.start();
    expect(reported).toBeInstanceOf(Error);
    expect(publisher.sent).toBe(1);
  });
});
