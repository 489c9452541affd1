/**
 * What a variant's playlist says right now, as a MediaPlaylist for the shared writer:
 * RFC 8216 4.3 for both variants, plus the LL-HLS tags for the fMP4 one
 * (draft-pantos-hls-rfc8216bis 4.4.3.7 PART-INF, 4.4.3.8 SERVER-CONTROL, 4.4.4.9 PART,
 * 4.4.5.3 PRELOAD-HINT).
 */
import type { MediaPlaylist, MediaSegment, PartialSegment } from '@tidecast/media';
import type { HlsSegment, SegmentWindow } from './hls-segment-window.js';
import { targetDurationSec } from './hls-timing.js';
import type { HlsTiming } from './hls-timing.js';
import { hlsFileName } from './hls-names.js';

export type HlsVariantKind = 'cmaf' | 'ts';

export interface PlaylistViewOptions {
  kind: HlsVariantKind;
  timing: HlsTiming;
  /** Prefix of every URI, relative to the playlist (e.g. `demo/hls/k2x9/`). */
  base: string;
}

/** Parts are listed for segments this many target durations from the live edge (bis 6.2.2). */
const PART_LISTING_TARGETS = 3;

export function playlistView(window: SegmentWindow, options: PlaylistViewOptions): MediaPlaylist {
  const { kind, timing, base } = options;
  const listed = window.listed();
  const complete = listed.filter((s) => s.complete);
  const open = listed.find((s) => !s.complete);
  const targetDuration = targetDurationSec(timing, window.longestSegmentMs);
  const ll = kind === 'cmaf';
  const partTarget = timing.partTargetMs / 1000;
  const edgeMs = (open ?? complete[complete.length - 1])?.startMs ?? 0;
  const partsFrom = edgeMs - PART_LISTING_TARGETS * targetDuration * 1000;
  const mapOf = (s: HlsSegment): MediaSegment['map'] =>
    s.mapId === undefined
      ? undefined
      : { uri: base + hlsFileName({ type: 'init', mapId: s.mapId }) };
  const partsOf = (s: HlsSegment): PartialSegment[] =>
    ll && s.startMs >= partsFrom
      ? s.parts.map((p) => ({
          uri: base + hlsFileName({ type: 'part', serial: p.serial }),
          duration: p.durationMs / 1000,
          independent: p.independent,
        }))
      : [];
  const segments: MediaSegment[] = complete.map((s) =>
    withOptional(
      {
        uri:
          base + hlsFileName({ type: kind === 'cmaf' ? 'segment-mp4' : 'segment-ts', msn: s.msn }),
        duration: s.durationMs / 1000,
        discontinuity: s.discontinuity,
        programDateTime: new Date(s.programDateTime),
        parts: partsOf(s),
      },
      'map',
      mapOf(s),
    ),
  );
  const playlist: MediaPlaylist = {
    version: ll ? 9 : 3,
    targetDuration,
    mediaSequence: listed[0]?.msn ?? 0,
    discontinuitySequence: window.discontinuitySequence(),
    endList: window.ended,
    independentSegments: true,
    segments,
    preloadHints: [],
    renditionReports: [],
  };
  if (!ll) return playlist;
  playlist.partInf = { partTarget };
  playlist.serverControl = {
    canBlockReload: true,
    partHoldBack: round3(3 * partTarget),
    holdBack: 3 * targetDuration,
    canSkipUntil: 6 * targetDuration,
  };
  if (open !== undefined) {
    playlist.partialSegment = withOptional(
      {
        parts: partsOf(open),
        discontinuity: open.discontinuity,
        programDateTime: new Date(open.programDateTime),
      },
      'map',
      mapOf(open),
    );
  }
  if (!window.ended) {
    // The next part by serial: it exists soon whether it extends the open segment or opens the
    // next one, so a client's preloaded request always gets it (bis 4.4.5.3).
    playlist.preloadHints.push({
      type: 'PART',
      uri: base + hlsFileName({ type: 'part', serial: window.nextPartSerial }),
    });
  }
  return playlist;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Sets `key` only when `value` is defined (exactOptionalPropertyTypes-friendly). */
function withOptional<T extends object, K extends string, V>(
  target: T,
  key: K,
  value: V | undefined,
): T & { [P in K]?: V } {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target as T & { [P in K]?: V };
}
