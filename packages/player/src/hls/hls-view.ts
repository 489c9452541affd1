/**
 * The media playlist as the loader needs it: absolute URLs, a Media Sequence Number on every
 * segment, the in-progress segment (LL-HLS) as the last entry, and the PART preload hint.
 * Built from @tidecast/media's MediaPlaylist, so the scheduler works on plain data.
 */
import type {
  ByteRangeSpec,
  MediaInitializationSection,
  MediaPlaylist,
  PartialSegment,
} from '@tidecast/media';

/** A URL to fetch, optionally a byte range of it (RFC 8216 4.3.2.2). */
export interface HlsResource {
  url: string;
  /** First byte and length; length undefined = to the end (an open preload hint). */
  range?: { offset: number; length: number | undefined };
}

export interface HlsPartView extends HlsResource {
  duration: number;
  independent: boolean;
}

export interface HlsSegmentView {
  msn: number;
  /** Undefined for the in-progress segment (parts only, rfc8216bis 4.4.4.9). */
  resource: HlsResource | undefined;
  duration: number;
  discontinuity: boolean;
  map: HlsResource | undefined;
  parts: HlsPartView[];
}

export interface PlaylistView {
  targetDuration: number;
  /** EXT-X-PART-INF PART-TARGET when the playlist is Low-Latency HLS. */
  partTarget: number | undefined;
  endList: boolean;
  canBlockReload: boolean;
  segments: HlsSegmentView[];
  /** EXT-X-PRELOAD-HINT TYPE=PART. */
  preloadPart: HlsResource | undefined;
  /** An EXT-X-KEY other than METHOD=NONE applies to some segment (not supported). */
  encrypted: boolean;
}

function resolve(uri: string, base: URL): string {
  return new URL(uri, base).href;
}

function resource(uri: string, range: ByteRangeSpec | undefined, base: URL): HlsResource {
  const url = resolve(uri, base);
  return range === undefined
    ? { url }
    : { url, range: { offset: range.offset ?? 0, length: range.length } };
}

function mapOf(map: MediaInitializationSection | undefined, base: URL): HlsResource | undefined {
  return map === undefined ? undefined : resource(map.uri, map.byteRange, base);
}

function partsOf(parts: readonly PartialSegment[], base: URL): HlsPartView[] {
  return parts
    .filter((p) => p.gap !== true)
    .map((p) => ({
      ...resource(p.uri, p.byteRange, base),
      duration: p.duration,
      independent: p.independent,
    }));
}

export function toPlaylistView(playlist: MediaPlaylist, base: URL): PlaylistView {
  let msn = playlist.mediaSequence + (playlist.skippedSegments ?? 0);
  const fallbackMap = playlist.map;
  let encrypted = false;
  const segments: HlsSegmentView[] = playlist.segments.map((s) => {
    if (s.key !== undefined && s.key.method !== 'NONE') encrypted = true;
    return {
      msn: msn++,
      resource: resource(s.uri, s.byteRange, base),
      duration: s.duration,
      discontinuity: s.discontinuity,
      map: mapOf(s.map ?? fallbackMap, base),
      parts: partsOf(s.parts, base),
    };
  });
  const partial = playlist.partialSegment;
  if (partial !== undefined && partial.parts.length > 0) {
    if (partial.key !== undefined && partial.key.method !== 'NONE') encrypted = true;
    const parts = partsOf(partial.parts, base);
    segments.push({
      msn,
      resource: undefined,
      duration: parts.reduce((sum, p) => sum + p.duration, 0),
      discontinuity: partial.discontinuity,
      map: mapOf(partial.map ?? playlist.segments.at(-1)?.map ?? fallbackMap, base),
      parts,
    });
  }
  const hint = playlist.preloadHints.find((h) => h.type === 'PART');
  return {
    targetDuration: playlist.targetDuration,
    partTarget: playlist.partInf?.partTarget,
    endList: playlist.endList,
    canBlockReload: playlist.serverControl?.canBlockReload === true,
    segments,
    preloadPart:
      hint === undefined
        ? undefined
        : {
            url: resolve(hint.uri, base),
            ...(hint.byteRangeStart === undefined && hint.byteRangeLength === undefined
              ? {}
              : { range: { offset: hint.byteRangeStart ?? 0, length: hint.byteRangeLength } }),
          },
    encrypted,
  };
}
