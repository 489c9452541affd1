import { InvalidArgumentError, MalformedError } from '../errors.js';
import type { MediaPlaylist, MediaSegment } from './playlist-types.js';

/**
 * Playlist Delta Updates (rfc8216bis 4.4.5.2 EXT-X-SKIP, 6.2.5.1 and 6.3.7): the server replaces
 * the segments before the Skip Boundary with `EXT-X-SKIP:SKIPPED-SEGMENTS=N`; EXT-X-MEDIA-SEQUENCE
 * and EXT-X-DISCONTINUITY-SEQUENCE keep describing the first (skipped) segment, and the client
 * takes the skipped segments from the copy of the playlist it already has.
 */

/**
 * How many of the oldest segments a delta update with Skip Boundary `skipUntil` seconds may
 * replace: those that end at least `skipUntil` seconds before the end of the last complete
 * segment, so everything within the boundary is still listed.
 */
export function skippableSegmentCount(
  segments: readonly Pick<MediaSegment, 'duration'>[],
  skipUntil: number,
): number {
  if (!Number.isFinite(skipUntil) || skipUntil < 0) {
    throw new InvalidArgumentError(`skip boundary ${skipUntil} is not a duration`);
  }
  let after = 0; // seconds from the end of segment i to the end of the playlist
  for (let i = segments.length - 1; i >= 0; i--) {
    if (after >= skipUntil) return i + 1;
    after += segments[i]?.duration ?? 0;
  }
  return 0;
}

/**
 * The full playlist a client reconstructs from `previous` (its last copy) and a delta update
 * (rfc8216bis 6.3.7). A delta without EXT-X-SKIP is already complete and is returned as is.
 * Throws MalformedError when `previous` does not hold every skipped segment.
 */
export function applyDeltaUpdate(previous: MediaPlaylist, delta: MediaPlaylist): MediaPlaylist {
  const skipped = delta.skippedSegments ?? 0;
  if (skipped === 0) return delta;
  const first = delta.mediaSequence - previous.mediaSequence;
  const complete = (previous.skippedSegments ?? 0) === 0;
  if (!complete || first < 0 || first + skipped > previous.segments.length) {
    throw new MalformedError(
      `delta update skips segments ${delta.mediaSequence}..${delta.mediaSequence + skipped - 1}` +
        ` that the previous playlist (${previous.mediaSequence}, ${previous.segments.length} segments) lacks`,
    );
  }
  const kept = previous.segments.slice(first, first + skipped);
  const last = kept[kept.length - 1];
  // An EXT-X-MAP may go with the skipped segments it preceded: the delta's segments before its
  // own first EXT-X-MAP (the only ones a parser leaves without a map) keep the skipped one's.
  const segments = delta.segments.map((s): MediaSegment => {
    let seg = s;
    if (seg.map === undefined && last?.map !== undefined) seg = { ...seg, map: last.map };
    return seg;
  });
  // Implicit byte-range offsets right after the skip continue the last skipped segment's range.
  let before = last;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg?.byteRange === undefined || seg.byteRange.offset !== undefined) break;
    const prior = before?.byteRange;
    if (before === undefined || prior?.offset === undefined || before.uri !== seg.uri) break;
    before = { ...seg, byteRange: { ...seg.byteRange, offset: prior.offset + prior.length } };
    segments[i] = before;
  }
  const merged: MediaPlaylist = { ...delta, segments: [...kept, ...segments] };
  delete merged.skippedSegments;
  if (merged.map === undefined && previous.map !== undefined) merged.map = previous.map;
  return merged;
}
