import { LimitExceededError, MalformedError, onlyMediaErrors } from '../errors.js';
import { AttributeList, parseDecimalFloat, parseDecimalInteger } from './attribute-list.js';
import { parseDateTime } from './date-time.js';
import { lineError, parseOptions, playlistLines, tagValue } from './playlist-lines.js';
import type { PlaylistLine } from './playlist-lines.js';
import {
  parseByteRange,
  parseKey,
  parsePart,
  parsePartInf,
  parsePreloadHint,
  parseRenditionReport,
  parseServerControl,
  parseSkip,
  parseStart,
} from './playlist-tag-parse.js';
import type { UriResolver } from './playlist-tag-parse.js';
import type {
  ByteRangeSpec,
  MediaInitializationSection,
  MediaPlaylist,
  MediaSegment,
  PartialSegment,
  PlaylistParseOptions,
  SegmentKey,
} from './playlist-types.js';

/** Tags that only a Multivariant Playlist may hold (RFC 8216 4.1: never both kinds). */
const MULTIVARIANT_TAGS = new Set([
  'EXT-X-STREAM-INF',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-MEDIA',
  'EXT-X-SESSION-DATA',
  'EXT-X-SESSION-KEY',
  'EXT-X-CONTENT-STEERING',
]);

/** Where the last sub-range ended, for the next implicit offset (RFC 8216 4.3.2.2). */
interface RangeEnd {
  uri: string;
  /** Unknown after a range that follows segments skipped by a delta update. */
  end: number | undefined;
}

/** Media Segment tags seen since the last URI line: they apply to the next segment. */
interface Pending {
  extinf?: { duration: number; title: string | undefined; line: PlaylistLine };
  byteRange?: ByteRangeSpec;
  discontinuity: boolean;
  programDateTime?: Date;
  gap: boolean;
  parts: PartialSegment[];
}

function emptyPending(): Pending {
  return { discontinuity: false, gap: false, parts: [] };
}

/** `#EXTINF:<duration>,[<title>]` (RFC 8216 4.3.2.1); a missing comma is tolerated. */
function parseExtinf(value: string): { duration: number; title: string | undefined } {
  const comma = value.indexOf(',');
  const duration = parseDecimalFloat((comma < 0 ? value : value.slice(0, comma)).trim(), 'EXTINF');
  const title = comma < 0 ? '' : value.slice(comma + 1);
  return { duration, title: title === '' ? undefined : title };
}

class MediaPlaylistReader {
  readonly playlist: MediaPlaylist = {
    version: 1,
    targetDuration: 0,
    mediaSequence: 0,
    discontinuitySequence: 0,
    endList: false,
    independentSegments: false,
    segments: [],
    preloadHints: [],
    renditionReports: [],
  };
  private hasTargetDuration = false;
  private pending = emptyPending();
  private map: MediaInitializationSection | undefined;
  private key: SegmentKey | undefined;
  private segmentRange: RangeEnd | undefined;
  private partRange: RangeEnd | undefined;
  private entries = 0;

  constructor(
    private readonly resolve: UriResolver,
    private readonly maxEntries: number,
  ) {}

  private count(): void {
    if (++this.entries > this.maxEntries) {
      throw new LimitExceededError(`more than ${this.maxEntries} segments and parts`);
    }
  }

  private get started(): boolean {
    return this.playlist.segments.length > 0 || this.pending.parts.length > 0;
  }

  tag(line: PlaylistLine & { kind: 'tag' }): void {
    const p = this.playlist;
    const value = (): string => tagValue(line);
    switch (line.name) {
      case 'EXTINF':
        if (this.pending.extinf !== undefined) {
          throw lineError(this.pending.extinf.line, new MalformedError('EXTINF without a URI'));
        }
        this.pending.extinf = { ...parseExtinf(value()), line };
        break;
      case 'EXT-X-BYTERANGE':
        this.pending.byteRange = parseByteRange(value(), 'EXT-X-BYTERANGE');
        break;
      case 'EXT-X-DISCONTINUITY':
        this.pending.discontinuity = true;
        break;
      case 'EXT-X-PROGRAM-DATE-TIME':
        this.pending.programDateTime = parseDateTime(value().trim());
        break;
      case 'EXT-X-GAP':
        this.pending.gap = true;
        break;
      case 'EXT-X-KEY':
        this.key = parseKey(value(), this.resolve);
        break;
      case 'EXT-X-MAP':
        this.readMap(value());
        break;
      case 'EXT-X-PART':
        this.readPart(value());
        break;
      case 'EXT-X-TARGETDURATION':
        // decimal-integer (4.3.3.1); a decimal such as "10.0" is accepted as written.
        p.targetDuration = parseDecimalFloat(value().trim(), 'EXT-X-TARGETDURATION');
        this.hasTargetDuration = true;
        break;
      case 'EXT-X-MEDIA-SEQUENCE':
        p.mediaSequence = parseDecimalInteger(value().trim(), 'EXT-X-MEDIA-SEQUENCE');
        break;
      case 'EXT-X-DISCONTINUITY-SEQUENCE':
        p.discontinuitySequence = parseDecimalInteger(value().trim(), line.name);
        break;
      case 'EXT-X-VERSION':
        p.version = parseDecimalInteger(value().trim(), 'EXT-X-VERSION');
        break;
      case 'EXT-X-PLAYLIST-TYPE': {
        const type = value().trim();
        if (type !== 'EVENT' && type !== 'VOD') throw new MalformedError(`playlist type ${type}`);
        p.playlistType = type;
        break;
      }
      case 'EXT-X-ENDLIST':
        p.endList = true;
        break;
      case 'EXT-X-INDEPENDENT-SEGMENTS':
        p.independentSegments = true;
        break;
      case 'EXT-X-I-FRAMES-ONLY':
        p.iFramesOnly = true;
        break;
      case 'EXT-X-START':
        p.start = parseStart(value());
        break;
      case 'EXT-X-SERVER-CONTROL':
        p.serverControl = parseServerControl(line.value ?? ''); // may be empty
        break;
      case 'EXT-X-PART-INF':
        p.partInf = parsePartInf(value());
        break;
      case 'EXT-X-SKIP':
        if (p.skippedSegments !== undefined || this.started) {
          throw new MalformedError('EXT-X-SKIP must come once, before the first segment');
        }
        p.skippedSegments = parseSkip(value());
        break;
      case 'EXT-X-PRELOAD-HINT':
        this.count();
        p.preloadHints.push(parsePreloadHint(value(), this.resolve));
        break;
      case 'EXT-X-RENDITION-REPORT':
        this.count();
        p.renditionReports.push(parseRenditionReport(value(), this.resolve));
        break;
      default:
        if (MULTIVARIANT_TAGS.has(line.name)) {
          throw new MalformedError(`#${line.name} in a Media Playlist`);
        }
      // Unknown tags are ignored (RFC 8216 6.3.1).
    }
  }

  private readMap(value: string): void {
    const a = AttributeList.parse(value);
    const map: MediaInitializationSection = {
      uri: this.resolve(AttributeList.require(a.quoted('URI'), 'URI', 'EXT-X-MAP')),
    };
    const range = a.quoted('BYTERANGE');
    if (range !== undefined) {
      // No implicit offset here: a map range without "@o" starts at byte 0.
      const r = parseByteRange(range, 'EXT-X-MAP BYTERANGE');
      map.byteRange = { length: r.length, offset: r.offset ?? 0 };
    }
    this.map = map;
    if (!this.started && this.playlist.map === undefined) this.playlist.map = map;
  }

  private readPart(value: string): void {
    this.count();
    const part = parsePart(value);
    const written = part.uri;
    part.uri = this.resolve(written);
    const range = part.byteRange;
    if (range !== undefined) {
      // rfc8216bis 4.4.4.9: without "@o" the range follows the previous part's, same resource.
      if (range.offset === undefined) {
        if (this.partRange?.uri !== written || this.partRange.end === undefined) {
          throw new MalformedError('EXT-X-PART BYTERANGE without offset after no part of its URI');
        }
        range.offset = this.partRange.end;
      }
      this.partRange = { uri: written, end: range.offset + range.length };
    } else {
      this.partRange = undefined;
    }
    this.pending.parts.push(part);
  }

  uri(line: PlaylistLine & { kind: 'uri' }): void {
    const pending = this.pending;
    if (pending.extinf === undefined) throw new MalformedError(`URI "${line.uri}" without EXTINF`);
    this.count();
    const range = pending.byteRange;
    if (range !== undefined) {
      if (range.offset === undefined) {
        if (this.segmentRange?.uri === line.uri) {
          const end = this.segmentRange.end;
          if (end !== undefined) range.offset = end;
        } else if (
          this.playlist.segments.length > 0 ||
          (this.playlist.skippedSegments ?? 0) === 0
        ) {
          throw new MalformedError('EXT-X-BYTERANGE without offset after no range of its URI');
        }
        // else: the previous segment was skipped by a delta update; applyDeltaUpdate fills it.
      }
      const end = range.offset === undefined ? undefined : range.offset + range.length;
      this.segmentRange = { uri: line.uri, end };
    } else {
      this.segmentRange = undefined;
    }
    const segment: MediaSegment = {
      uri: this.resolve(line.uri),
      duration: pending.extinf.duration,
      discontinuity: pending.discontinuity,
      parts: pending.parts,
    };
    if (pending.extinf.title !== undefined) segment.title = pending.extinf.title;
    if (range !== undefined) segment.byteRange = range;
    if (pending.programDateTime !== undefined) segment.programDateTime = pending.programDateTime;
    if (this.map !== undefined) segment.map = this.map;
    if (this.key !== undefined) segment.key = this.key;
    if (pending.gap) segment.gap = true;
    this.playlist.segments.push(segment);
    this.pending = emptyPending();
  }

  finish(): MediaPlaylist {
    const { pending, playlist } = this;
    if (pending.extinf !== undefined) {
      throw lineError(pending.extinf.line, new MalformedError('EXTINF without a URI'));
    }
    if (!this.hasTargetDuration) {
      const message = 'line 1: Media Playlist without EXT-X-TARGETDURATION (RFC 8216 4.3.3.1)';
      throw new MalformedError(message, { offset: 0 });
    }
    if (pending.parts.length > 0) {
      playlist.partialSegment = { parts: pending.parts, discontinuity: pending.discontinuity };
      if (pending.programDateTime !== undefined) {
        playlist.partialSegment.programDateTime = pending.programDateTime;
      }
      if (this.map !== undefined) playlist.partialSegment.map = this.map;
      if (this.key !== undefined) playlist.partialSegment.key = this.key;
    }
    return playlist;
  }
}

/**
 * Reads a Media Playlist (RFC 8216 4.3.1-4.3.3, rfc8216bis LL-HLS tags). Lenient about
 * whitespace, CRLF and unknown tags; strict about what playback depends on: MalformedError
 * (`line N: ...`, `offset` = byte offset of the line) for a missing #EXTM3U or
 * EXT-X-TARGETDURATION, an EXTINF without URI, non-numeric values, bad attribute lists and
 * implicit byte-range offsets that follow nothing. LimitExceededError past the size bounds.
 */
export function parseMediaPlaylist(
  text: string,
  options?: PlaylistParseOptions | string,
): MediaPlaylist {
  return onlyMediaErrors(() => {
    const { resolve, maxLength, maxEntries } = parseOptions(options);
    const reader = new MediaPlaylistReader(resolve, maxEntries);
    for (const line of playlistLines(text, maxLength)) {
      try {
        if (line.kind === 'tag') reader.tag(line);
        else reader.uri(line);
      } catch (e) {
        throw lineError(line, e);
      }
    }
    return reader.finish();
  });
}
