import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';
import { applyDeltaUpdate, skippableSegmentCount } from './media-playlist-delta.js';
import { parseMediaPlaylist } from './media-playlist-parser.js';
import { writeMediaPlaylist } from './media-playlist-writer.js';
import type { MediaPlaylist, MediaSegment } from './playlist-types.js';

/** A live LL-HLS playlist: 12 segments of 2 s, discontinuities at 3 and 9, a map change at 6. */
function live(): MediaPlaylist {
  const segments: MediaSegment[] = Array.from({ length: 12 }, (_, i) => ({
    uri: `seg${100 + i}.m4s`,
    duration: 2,
    discontinuity: i === 3 || i === 9,
    map: { uri: i < 6 ? 'init-a.mp4' : 'init-b.mp4' },
    parts:
      i === 11
        ? [
            { uri: `part${100 + i}.0.m4s`, duration: 1, independent: true },
            { uri: `part${100 + i}.1.m4s`, duration: 1, independent: false },
          ]
        : [],
    ...(i === 0 || i === 9 ? { programDateTime: new Date(Date.UTC(2024, 0, 1, 0, 0, 2 * i)) } : {}),
  }));
  return {
    version: 9,
    targetDuration: 2,
    mediaSequence: 100,
    discontinuitySequence: 7,
    endList: false,
    independentSegments: true,
    map: { uri: 'init-a.mp4' },
    partInf: { partTarget: 1 },
    serverControl: { canBlockReload: true, canSkipUntil: 12, partHoldBack: 3 },
    segments,
    partialSegment: {
      discontinuity: false,
      map: { uri: 'init-b.mp4' },
      parts: [{ uri: 'part112.0.m4s', duration: 1, independent: true }],
    },
    preloadHints: [{ type: 'PART', uri: 'part112.1.m4s' }],
    renditionReports: [{ uri: '../audio/index.m3u8', lastMsn: 112, lastPart: 0 }],
  };
}

describe('skippableSegmentCount (rfc8216bis 6.2.5.1)', () => {
  const twos = Array.from({ length: 10 }, () => ({ duration: 2 }));
  it('skips only segments that end at least skipUntil seconds before the end', () => {
    expect(skippableSegmentCount(twos, 12)).toBe(4); // 6 segments = 12 s stay
    expect(skippableSegmentCount(twos, 11)).toBe(4);
    expect(skippableSegmentCount(twos, 12.5)).toBe(3);
    expect(skippableSegmentCount(twos, 0)).toBe(10);
    expect(skippableSegmentCount(twos, 20)).toBe(0);
    expect(skippableSegmentCount([], 6)).toBe(0);
    expect(() => skippableSegmentCount(twos, -1)).toThrow(InvalidArgumentError);
  });
});

describe('delta updates', () => {
  const full = live();
  const fullText = writeMediaPlaylist(full);
  const deltaText = writeMediaPlaylist(full, { skipUntil: 12 });

  it('replaces the old segments with EXT-X-SKIP and keeps the sequence numbers', () => {
    expect(deltaText).toContain('#EXT-X-VERSION:9\n');
    expect(deltaText).toContain('#EXT-X-MEDIA-SEQUENCE:100\n');
    expect(deltaText).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:7\n');
    expect(deltaText).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n');
    expect(deltaText).not.toContain('seg105.m4s');
    expect(deltaText).toContain('seg106.m4s');
    // The map in effect for the first listed segment is written even though its tag was skipped.
    expect(deltaText).toMatch(/#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n#EXT-X-MAP:URI="init-b.mp4"\n/);
    // Skipped discontinuities are not written; the one at seg109 is.
    expect(deltaText.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(fullText.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(2);
  });

  it('reads back as the same playlist once merged with the previous copy', () => {
    const previous = parseMediaPlaylist(fullText);
    const delta = parseMediaPlaylist(deltaText);
    expect(delta.skippedSegments).toBe(6);
    expect(delta.segments).toHaveLength(6);
    expect(applyDeltaUpdate(previous, delta)).toEqual(previous);
  });

  it('merges with an older previous copy (the window moved)', () => {
    const older = parseMediaPlaylist(
      writeMediaPlaylist({
        ...full,
        mediaSequence: 98,
        segments: [...full.segments.slice(0, 2), ...full.segments].slice(0, 10),
      }),
    );
    const merged = applyDeltaUpdate(older, parseMediaPlaylist(deltaText));
    expect(merged.segments.map((s) => s.uri)).toEqual(full.segments.map((s) => s.uri));
  });

  it('fills implicit byte-range offsets that follow the skip', () => {
    const ranged: MediaPlaylist = {
      ...full,
      map: undefined,
      partialSegment: undefined,
      segments: full.segments.map((s, i) => ({
        ...s,
        uri: 'all.mp4',
        map: undefined,
        parts: [],
        byteRange: i === 0 ? { length: 1000, offset: 0 } : { length: 1000 },
      })),
    };
    const previous = parseMediaPlaylist(writeMediaPlaylist(ranged));
    const delta = parseMediaPlaylist(writeMediaPlaylist(ranged, { skipUntil: 12 }));
    expect(delta.segments[0]?.byteRange).toEqual({ length: 1000 });
    const merged = applyDeltaUpdate(previous, delta);
    expect(merged.segments.map((s) => s.byteRange?.offset)).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 1000),
    );
    expect(merged).toEqual(previous);
  });

  it('returns a complete playlist unchanged and refuses deltas the previous copy cannot fill', () => {
    const previous = parseMediaPlaylist(fullText);
    expect(applyDeltaUpdate(previous, previous)).toBe(previous);
    const delta = parseMediaPlaylist(deltaText);
    const tooNew = { ...previous, mediaSequence: 101, segments: previous.segments.slice(1) };
    expect(thrownMediaError(() => applyDeltaUpdate(tooNew, delta))).toBeInstanceOf(MalformedError);
    expect(thrownMediaError(() => applyDeltaUpdate(delta, delta))).toBeInstanceOf(MalformedError);
  });

  it('adds to an existing skip count when writing a parsed delta again', () => {
    const delta = parseMediaPlaylist(deltaText);
    expect(writeMediaPlaylist(delta)).toBe(deltaText);
    expect(writeMediaPlaylist(delta, { skipUntil: 8 })).toContain(
      '#EXT-X-SKIP:SKIPPED-SEGMENTS=8\n',
    );
  });
});
