import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from './media-playlist-parser.js';
import { writeMediaPlaylist } from './media-playlist-writer.js';
import type {
  ByteRangeSpec,
  InProgressSegment,
  MediaInitializationSection,
  MediaPlaylist,
  MediaSegment,
  PartialSegment,
  SegmentKey,
} from './playlist-types.js';

/*
 * write -> parse is the identity on playlists in the parser's normal form: explicit byte-range
 * offsets, the map and key in effect set on every segment, durations with at most 5 decimals,
 * and a version and target duration at least what the content needs.
 */

const uri = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._~%/?=&,;: -]{0,20}[a-zA-Z0-9]$/);
const duration = fc.integer({ min: 0, max: 2_000_000 }).map((k) => k / 100_000);
const byteRange: fc.Arbitrary<ByteRangeSpec> = fc.record({
  length: fc.nat({ max: 2 ** 40 }),
  offset: fc.nat({ max: 2 ** 40 }),
});
const date = fc.integer({ min: 0, max: 253402300799999 }).map((ms) => new Date(ms));
const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(a, { nil: undefined });
const yes = optional(fc.constant(true as const));

const maps: MediaInitializationSection[] = [
  { uri: 'init.mp4' },
  { uri: 'init-2.mp4', byteRange: { length: 720, offset: 0 } },
];
const keys: SegmentKey[] = [
  { method: 'AES-128', uri: 'key1.bin', iv: Uint8Array.from({ length: 16 }, (_, i) => i * 7) },
  { method: 'SAMPLE-AES', uri: 'skd://k2', keyFormat: 'identity', keyFormatVersions: '1/2' },
];

const part: fc.Arbitrary<PartialSegment> = fc.record(
  { uri, duration, independent: fc.boolean(), byteRange, gap: yes },
  { requiredKeys: ['uri', 'duration', 'independent'] },
);

interface Drawn {
  segments: (Omit<MediaSegment, 'map' | 'key'> & { mapIndex: number; keyIndex: number })[];
}

const segment = fc.record(
  {
    uri,
    duration,
    title: fc.stringMatching(/^[^\s\r\n](?:[^\r\n]{0,10}[^\s\r\n])?$/),
    byteRange,
    discontinuity: fc.boolean(),
    programDateTime: date,
    gap: yes,
    parts: fc.array(part, { maxLength: 3 }),
    mapIndex: fc.nat({ max: 1 }),
    keyIndex: fc.integer({ min: -1, max: 1 }),
  },
  { requiredKeys: ['uri', 'duration', 'discontinuity', 'parts', 'mapIndex', 'keyIndex'] },
);

const playlist: fc.Arbitrary<MediaPlaylist> = fc
  .record({
    useMap: fc.boolean(),
    segments: fc.array(segment, { maxLength: 12 }),
    partial: optional(
      fc.record({
        parts: fc.array(part, { minLength: 1, maxLength: 3 }),
        discontinuity: fc.boolean(),
        programDateTime: optional(date),
        mapIndex: fc.nat({ max: 1 }),
        keyIndex: fc.integer({ min: -1, max: 1 }),
      }),
    ),
    mediaSequence: fc.nat({ max: 2 ** 40 }),
    discontinuitySequence: fc.nat({ max: 1000 }),
    playlistType: optional(fc.constantFrom('EVENT' as const, 'VOD' as const)),
    endList: fc.boolean(),
    independentSegments: fc.boolean(),
    iFramesOnly: yes,
    start: optional(
      fc.record({
        timeOffset: fc.integer({ min: -1e7, max: 1e7 }).map((k) => k / 1000),
        precise: fc.boolean(),
      }),
    ),
    partInf: optional(fc.record({ partTarget: duration })),
    serverControl: optional(
      fc.record(
        {
          canBlockReload: fc.constant(true),
          canSkipUntil: duration,
          canSkipDateRanges: fc.constant(true),
          holdBack: duration,
          partHoldBack: duration,
        },
        { requiredKeys: [] },
      ),
    ),
    skippedSegments: optional(fc.nat({ max: 100 })),
    preloadHints: fc.array(
      fc.record(
        {
          type: fc.constantFrom('PART' as const, 'MAP' as const),
          uri,
          byteRangeStart: fc.nat(),
          byteRangeLength: fc.nat(),
        },
        { requiredKeys: ['type', 'uri'] },
      ),
      { maxLength: 2 },
    ),
    renditionReports: fc.array(
      fc.record({ uri, lastMsn: fc.nat(), lastPart: fc.nat() }, { requiredKeys: ['uri'] }),
      { maxLength: 3 },
    ),
  })
  .map((d): MediaPlaylist => {
    const mapOf = (i: number): MediaInitializationSection | undefined =>
      d.useMap ? maps[i] : undefined;
    const keyOf = (i: number): SegmentKey | undefined => (i < 0 ? undefined : keys[i]);
    const segments = d.segments.map(({ mapIndex, keyIndex, ...s }: Drawn['segments'][number]) => ({
      ...s,
      map: mapOf(mapIndex),
      key: keyOf(keyIndex),
    }));
    let partialSegment: InProgressSegment | undefined;
    if (d.partial !== undefined) {
      const { mapIndex, keyIndex, ...rest } = d.partial;
      partialSegment = { ...rest, map: mapOf(mapIndex), key: keyOf(keyIndex) };
    }
    return {
      version: 12,
      targetDuration: 21,
      mediaSequence: d.mediaSequence,
      discontinuitySequence: d.discontinuitySequence,
      playlistType: d.playlistType,
      endList: d.endList,
      independentSegments: d.independentSegments,
      iFramesOnly: d.iFramesOnly,
      start: d.start,
      map: d.useMap ? maps[0] : undefined,
      partInf: d.partInf,
      // An EXT-X-SERVER-CONTROL without attributes is not written.
      serverControl:
        d.serverControl === undefined || Object.keys(d.serverControl).length === 0
          ? undefined
          : d.serverControl,
      skippedSegments: d.skippedSegments === 0 ? undefined : d.skippedSegments,
      segments,
      partialSegment,
      preloadHints: d.preloadHints,
      renditionReports: d.renditionReports,
    };
  });

describe('media playlist round trip', () => {
  it('parse(write(p)) equals p, and writing again gives the same text', () => {
    fc.assert(
      fc.property(playlist, (p) => {
        const text = writeMediaPlaylist(p);
        const parsed = parseMediaPlaylist(text);
        expect(parsed).toEqual(p);
        expect(writeMediaPlaylist(parsed)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
