import { InvalidArgumentError } from '../errors.js';
import { decimalFloat, decimalInteger, formatAttributeList, yes } from './attribute-list.js';
import { formatDateTime } from './date-time.js';
import { skippableSegmentCount } from './media-playlist-delta.js';
import {
  checkUri,
  formatByteRange,
  formatKey,
  formatMap,
  formatStart,
  keyVersion,
  quotedUri,
  sameKey,
  sameMap,
} from './playlist-tag-format.js';
import type {
  MediaInitializationSection,
  MediaPlaylist,
  MediaSegment,
  PartialSegment,
  PreloadHint,
  RenditionReport,
  SegmentKey,
  ServerControl,
} from './playlist-types.js';

export interface MediaPlaylistWriteOptions {
  /**
   * Write a Playlist Delta Update (rfc8216bis 6.2.5.1): the segments that end at least this
   * many seconds before the end of the playlist become one EXT-X-SKIP tag. Pass the
   * CAN-SKIP-UNTIL value when the request carries `_HLS_skip=YES`.
   */
  skipUntil?: number;
}

/** EXTINF duration text: up to 5 decimals, trailing zeros trimmed (RFC 8216 4.3.2.1). */
export function formatDuration(seconds: number): string {
  return decimalFloat(seconds, 'duration');
}

/**
 * EXT-X-TARGETDURATION for `segments` (RFC 8216 4.3.3.1): each duration, rounded to the nearest
 * integer as written, must not exceed it. `atLeast` (the configured target) is kept when larger
 * so the value stays constant over a live stream.
 */
export function targetDurationFor(
  segments: readonly Pick<MediaSegment, 'duration'>[],
  atLeast = 0,
): number {
  let target = Math.ceil(atLeast);
  for (const s of segments)
    target = Math.max(target, Math.round(Number(formatDuration(s.duration))));
  return target;
}

function partLine(part: PartialSegment): string {
  return `#EXT-X-PART:${formatAttributeList([
    ['DURATION', formatDuration(part.duration)],
    ['URI', quotedUri(part.uri, 'EXT-X-PART URI')],
    ['INDEPENDENT', yes(part.independent)],
    [
      'BYTERANGE',
      part.byteRange === undefined ? undefined : `"${formatByteRange(part.byteRange)}"`,
    ],
    ['GAP', yes(part.gap)],
  ])}`;
}

/** The EXT-X-SERVER-CONTROL line, or undefined when it would have no attributes. */
function serverControlLine(c: ServerControl): string | undefined {
  const num = (v: number | undefined, what: string): string | undefined =>
    v === undefined ? undefined : decimalFloat(v, what);
  const attributes = formatAttributeList([
    ['CAN-SKIP-UNTIL', num(c.canSkipUntil, 'CAN-SKIP-UNTIL')],
    ['CAN-SKIP-DATERANGES', yes(c.canSkipDateRanges)],
    ['HOLD-BACK', num(c.holdBack, 'HOLD-BACK')],
    ['PART-HOLD-BACK', num(c.partHoldBack, 'PART-HOLD-BACK')],
    ['CAN-BLOCK-RELOAD', yes(c.canBlockReload)],
  ]);
  return attributes === '' ? undefined : `#EXT-X-SERVER-CONTROL:${attributes}`;
}

function preloadHintLine(h: PreloadHint): string {
  if (h.type !== 'PART' && h.type !== 'MAP') {
    throw new InvalidArgumentError(`preload hint type ${String(h.type)}`);
  }
  const int = (v: number | undefined, what: string): string | undefined =>
    v === undefined ? undefined : decimalInteger(v, what);
  return `#EXT-X-PRELOAD-HINT:${formatAttributeList([
    ['TYPE', h.type],
    ['URI', quotedUri(h.uri, 'EXT-X-PRELOAD-HINT URI')],
    ['BYTERANGE-START', int(h.byteRangeStart, 'BYTERANGE-START')],
    ['BYTERANGE-LENGTH', int(h.byteRangeLength, 'BYTERANGE-LENGTH')],
  ])}`;
}

function renditionReportLine(r: RenditionReport): string {
  const int = (v: number | undefined, what: string): string | undefined =>
    v === undefined ? undefined : decimalInteger(v, what);
  return `#EXT-X-RENDITION-REPORT:${formatAttributeList([
    ['URI', quotedUri(r.uri, 'EXT-X-RENDITION-REPORT URI')],
    ['LAST-MSN', int(r.lastMsn, 'LAST-MSN')],
    ['LAST-PART', int(r.lastPart, 'LAST-PART')],
  ])}`;
}

/** EXT-X-VERSION the written content needs (RFC 8216 7, rfc8216bis 7). */
function requiredVersion(p: MediaPlaylist, written: readonly MediaSegment[], skip: number): number {
  let v = Math.max(keyVersion(p.partialSegment?.key), p.iFramesOnly === true ? 4 : 1);
  let anyMap = p.map !== undefined || p.partialSegment?.map !== undefined;
  for (const s of written) {
    if (formatDuration(s.duration).includes('.')) v = Math.max(v, 3);
    if (s.byteRange !== undefined) v = Math.max(v, 4);
    v = Math.max(v, keyVersion(s.key));
    anyMap ||= s.map !== undefined;
  }
  if (anyMap) v = Math.max(v, p.iFramesOnly === true ? 5 : 6);
  if (skip > 0) v = Math.max(v, 9);
  return v;
}

/** Tracks the EXT-X-MAP and EXT-X-KEY in effect so each is written only where it changes. */
class SegmentTagState {
  private map: MediaInitializationSection | undefined;
  private key: SegmentKey | undefined;

  constructor(
    private readonly lines: string[],
    private readonly defaultMap: MediaInitializationSection | undefined,
  ) {
    this.map = defaultMap;
  }

  write(s: {
    discontinuity: boolean;
    map?: MediaInitializationSection;
    key?: SegmentKey;
    programDateTime?: Date;
  }): void {
    if (s.discontinuity) this.lines.push('#EXT-X-DISCONTINUITY');
    if (!sameKey(s.key, this.key)) {
      this.lines.push(`#EXT-X-KEY:${formatKey(s.key)}`);
      this.key = s.key;
    }
    const map = s.map ?? this.defaultMap;
    if (!sameMap(map, this.map)) {
      if (map === undefined)
        throw new InvalidArgumentError('a segment after an EXT-X-MAP lacks one');
      this.lines.push(`#EXT-X-MAP:${formatMap(map)}`);
      this.map = map;
    }
    if (s.programDateTime !== undefined) {
      this.lines.push(`#EXT-X-PROGRAM-DATE-TIME:${formatDateTime(s.programDateTime)}`);
    }
  }
}

/**
 * The text of a Media Playlist (RFC 8216 4.3.3, rfc8216bis 4.4.3-4.4.5), LF line ends. With
 * `options.skipUntil` it is a Playlist Delta Update. Throws InvalidArgumentError for values
 * that cannot be written (negative or non-finite numbers, URIs with line breaks, ...).
 */
export function writeMediaPlaylist(
  p: MediaPlaylist,
  options: MediaPlaylistWriteOptions = {},
): string {
  const alreadySkipped = p.skippedSegments ?? 0;
  const newlySkipped =
    options.skipUntil === undefined ? 0 : skippableSegmentCount(p.segments, options.skipUntil);
  const skip = alreadySkipped + newlySkipped;
  const written = p.segments.slice(newlySkipped);
  const version = Math.max(1, p.version, requiredVersion(p, written, skip));

  const lines = ['#EXTM3U', `#EXT-X-VERSION:${decimalInteger(version, 'EXT-X-VERSION')}`];
  // The target covers skipped segments too: it must not change between updates (6.2.1).
  lines.push(`#EXT-X-TARGETDURATION:${targetDurationFor(p.segments, p.targetDuration)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${decimalInteger(p.mediaSequence, 'EXT-X-MEDIA-SEQUENCE')}`);
  if (p.discontinuitySequence !== 0) {
    const dseq = decimalInteger(p.discontinuitySequence, 'EXT-X-DISCONTINUITY-SEQUENCE');
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${dseq}`);
  }
  if (p.playlistType !== undefined) {
    if (p.playlistType !== 'EVENT' && p.playlistType !== 'VOD') {
      throw new InvalidArgumentError(`playlist type ${String(p.playlistType)}`);
    }
    lines.push(`#EXT-X-PLAYLIST-TYPE:${p.playlistType}`);
  }
  if (p.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  if (p.iFramesOnly === true) lines.push('#EXT-X-I-FRAMES-ONLY');
  if (p.start !== undefined) lines.push(`#EXT-X-START:${formatStart(p.start)}`);
  const control = p.serverControl === undefined ? undefined : serverControlLine(p.serverControl);
  if (control !== undefined) lines.push(control);
  if (p.partInf !== undefined) {
    lines.push(`#EXT-X-PART-INF:PART-TARGET=${decimalFloat(p.partInf.partTarget, 'PART-TARGET')}`);
  }
  if (p.map !== undefined) lines.push(`#EXT-X-MAP:${formatMap(p.map)}`);
  if (skip > 0)
    lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${decimalInteger(skip, 'SKIPPED-SEGMENTS')}`);

  const state = new SegmentTagState(lines, p.map);
  for (const s of written) {
    state.write(s);
    for (const part of s.parts) lines.push(partLine(part));
    if (s.gap === true) lines.push('#EXT-X-GAP');
    const title = s.title ?? '';
    if (/[\r\n]/.test(title)) throw new InvalidArgumentError('EXTINF title with a line break');
    lines.push(`#EXTINF:${formatDuration(s.duration)},${title}`);
    if (s.byteRange !== undefined) lines.push(`#EXT-X-BYTERANGE:${formatByteRange(s.byteRange)}`);
    lines.push(checkUri(s.uri, 'segment URI'));
  }
  if (p.partialSegment !== undefined) {
    state.write(p.partialSegment);
    for (const part of p.partialSegment.parts) lines.push(partLine(part));
  }
  for (const h of p.preloadHints) lines.push(preloadHintLine(h));
  for (const r of p.renditionReports) lines.push(renditionReportLine(r));
  if (p.endList) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
