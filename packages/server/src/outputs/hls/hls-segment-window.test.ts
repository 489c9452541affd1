import { describe, expect, it } from 'vitest';
import { SegmentWindow } from './hls-segment-window.js';
import { playlistView } from './hls-playlist-view.js';
import { parseMediaPlaylist, writeMediaPlaylist } from '@tidecast/media';

const part = (ms: number, independent = false) => ({
  durationMs: ms,
  independent,
  bytes: new Uint8Array([1, 2, 3]),
});

function fill(
  window: SegmentWindow,
  segments: number,
  opts: { discontinuityAt?: number; mapId?: number | undefined } = { mapId: 1 },
): void {
  for (let i = 0; i < segments; i++) {
    window.openSegment({
      startMs: i * 1000,
      programDateTime: 1_700_000_000_000 + i * 1000,
      discontinuity: opts.discontinuityAt === i,
      mapId: 'mapId' in opts ? opts.mapId : 1,
    });
    window.addPart(part(500, true));
    window.addPart(part(500));
    window.completeOpen(new Uint8Array(6), 1000);
  }
}

describe('SegmentWindow', () => {
  it('lists the newest complete segments plus the open one and keeps memory bounded', () => {
    const window = new SegmentWindow({ windowSegments: 3, lingerSegments: 1, partSegments: 2 });
    fill(window, 10);
    window.openSegment({ startMs: 10_000, programDateTime: 0, discontinuity: false, mapId: 1 });
    expect(window.listed().map((s) => s.msn)).toEqual([7, 8, 9, 10]);
    expect(window.segment(6)?.complete).toBe(true); // lingering, not listed
    expect(window.segment(5)).toBeUndefined(); // gone
    expect(window.segment(7)?.parts).toEqual([]); // old parts dropped
    expect(window.segment(9)?.parts.length).toBe(2);
    expect(window.lastMsn).toBe(10);
  });

  it('counts discontinuities that left the playlist in EXT-X-DISCONTINUITY-SEQUENCE', () => {
    const window = new SegmentWindow({ windowSegments: 3 });
    fill(window, 8, { discontinuityAt: 2 });
    expect(window.discontinuitySequence()).toBe(1);
    const fresh = new SegmentWindow({ windowSegments: 3 });
    fill(fresh, 8, { discontinuityAt: 6 });
    expect(fresh.discontinuitySequence()).toBe(0);
  });

  it('wakes a waiter when its condition holds, times out otherwise, and stops on abort or end', async () => {
    const window = new SegmentWindow({ windowSegments: 3 });
    const woken = window.waitFor(() => window.lastMsn >= 0, 1000);
    expect(window.waiting).toBe(1);
    fill(window, 1);
    await expect(woken).resolves.toBe(true);
    await expect(window.waitFor(() => window.lastMsn >= 5, 20)).resolves.toBe(false);
    const controller = new AbortController();
    const aborted = window.waitFor(() => false, 10_000, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
    const ended = window.waitFor(() => false, 10_000);
    window.end();
    await expect(ended).resolves.toBe(false);
    expect(window.waiting).toBe(0);
  });
});

describe('playlistView', () => {
  const timing = { segmentMs: 1000, partTargetMs: 500 };

  it('writes LL-HLS tags that the playlist parser reads back', () => {
    const window = new SegmentWindow({ windowSegments: 4 });
    window.addInit(1, new Uint8Array(8));
    fill(window, 3);
    window.openSegment({ startMs: 3000, programDateTime: 0, discontinuity: false, mapId: 1 });
    window.addPart(part(500, true));
    const text = writeMediaPlaylist(
      playlistView(window, { kind: 'cmaf', timing, base: 's/hls/e1/' }),
    );
    const parsed = parseMediaPlaylist(text);
    expect(parsed.targetDuration).toBe(1);
    expect(parsed.partInf?.partTarget).toBe(0.5);
    expect(parsed.serverControl?.canBlockReload).toBe(true);
    expect(parsed.serverControl?.partHoldBack).toBe(1.5);
    expect(parsed.segments.map((s) => s.uri)).toEqual([
      's/hls/e1/seg-0.m4s',
      's/hls/e1/seg-1.m4s',
      's/hls/e1/seg-2.m4s',
    ]);
    expect(parsed.segments[0]?.map?.uri).toBe('s/hls/e1/init-1.mp4');
    // Parts are named by serial across segments: 3 segments of 2 parts came before.
    expect(parsed.partialSegment?.parts.map((p) => p.uri)).toEqual(['s/hls/e1/part-6.m4s']);
    expect(parsed.preloadHints[0]?.uri).toBe('s/hls/e1/part-7.m4s');
  });

  it('a delta update skips segments older than CAN-SKIP-UNTIL', () => {
    const window = new SegmentWindow({ windowSegments: 20 });
    window.addInit(1, new Uint8Array(8));
    fill(window, 15);
    const view = playlistView(window, { kind: 'cmaf', timing, base: '' });
    expect(view.serverControl?.canSkipUntil).toBe(6);
    const text = writeMediaPlaylist(view, { skipUntil: 6 });
    const skipped = Number(/#EXT-X-SKIP:SKIPPED-SEGMENTS=(\d+)/.exec(text)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(8);
    expect(text).not.toContain('seg-0.m4s');
    expect(text).toContain('seg-14.m4s');
  });

  it('the TS variant is a plain version-3 playlist, with ENDLIST once ended', () => {
    const window = new SegmentWindow({ windowSegments: 4 });
    fill(window, 2, { mapId: undefined });
    window.end();
    const text = writeMediaPlaylist(playlistView(window, { kind: 'ts', timing, base: '' }));
    expect(text).toContain('#EXT-X-VERSION:3');
    expect(text).not.toContain('EXT-X-PART');
    expect(text).not.toContain('PRELOAD-HINT');
    expect(text).toContain('seg-1.ts');
    expect(text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });
});

describe('preload hint', () => {
  const timing = { segmentMs: 1000, partTargetMs: 500 };
  const hintOf = (window: SegmentWindow): string | undefined =>
    parseMediaPlaylist(writeMediaPlaylist(playlistView(window, { kind: 'cmaf', timing, base: '' })))
      .preloadHints[0]?.uri;

  it('names the next part, which exists next even when a keyframe closes the segment first', () => {
    const window = new SegmentWindow({ windowSegments: 4 });
    window.addInit(1, new Uint8Array(8));
    window.openSegment({ startMs: 0, programDateTime: 0, discontinuity: false, mapId: 1 });
    window.addPart(part(500, true));
    expect(hintOf(window)).toBe('part-1.m4s');
    // The segment closes before a second part: the hinted part is the next segment's first.
    window.completeOpen(new Uint8Array(6), 500);
    expect(hintOf(window)).toBe('part-1.m4s');
    window.openSegment({ startMs: 500, programDateTime: 0, discontinuity: false, mapId: 1 });
    window.addPart(part(500, true));
    expect(window.part(1)?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(window.segment(1)?.parts[0]?.serial).toBe(1);
    expect(window.part(0)?.index).toBe(0);
    expect(window.part(2)).toBeUndefined();
    expect(hintOf(window)).toBe('part-2.m4s');
  });
});
