/**
 * The HLS playlist model shared by the writers and parsers: RFC 8216 plus the Low-Latency HLS
 * tags of draft-pantos-hls-rfc8216bis (EXT-X-PART, -PART-INF, -SERVER-CONTROL, -PRELOAD-HINT,
 * -RENDITION-REPORT, -SKIP). Durations are seconds as written in the playlist; URIs are kept as
 * written unless the parser was given a base URI.
 */

/** `<n>[@<o>]` (RFC 8216 4.3.2.2). Parsers always fill in `offset`, implicit ones included. */
export interface ByteRangeSpec {
  length: number;
  offset?: number;
}

/** EXT-X-MAP (RFC 8216 4.3.2.5): the Media Initialization Section (fMP4 init segment). */
export interface MediaInitializationSection {
  uri: string;
  byteRange?: ByteRangeSpec;
}

/** EXT-X-KEY / EXT-X-SESSION-KEY (RFC 8216 4.3.2.4); METHOD=NONE is the absence of a key. */
export interface SegmentKey {
  /** AES-128, SAMPLE-AES, or another enumerated method. */
  method: string;
  uri?: string;
  /** 128-bit initialization vector. */
  iv?: Uint8Array;
  keyFormat?: string;
  keyFormatVersions?: string;
}

/** EXT-X-PART (rfc8216bis 4.4.4.9). */
export interface PartialSegment {
  uri: string;
  duration: number;
  independent: boolean;
  byteRange?: ByteRangeSpec;
  gap?: boolean;
}

/**
 * A Media Segment (RFC 8216 3, 4.3.2). `map` and `key` are the ones in effect for the segment
 * (a parser sets them on every segment an EXT-X-MAP / EXT-X-KEY applies to; a writer emits the
 * tag only where the value changes).
 */
export interface MediaSegment {
  uri: string;
  duration: number;
  title?: string;
  byteRange?: ByteRangeSpec;
  discontinuity: boolean;
  programDateTime?: Date;
  map?: MediaInitializationSection;
  key?: SegmentKey;
  gap?: boolean;
  /** The EXT-X-PART lines that precede this segment's URI. */
  parts: PartialSegment[];
}

/** The trailing segment still being produced: parts only, no URI yet (rfc8216bis 4.4.4.9). */
export interface InProgressSegment {
  parts: PartialSegment[];
  discontinuity: boolean;
  programDateTime?: Date;
  map?: MediaInitializationSection;
  key?: SegmentKey;
}

/** EXT-X-PRELOAD-HINT (rfc8216bis 4.4.5.3). */
export interface PreloadHint {
  type: 'PART' | 'MAP';
  uri: string;
  byteRangeStart?: number;
  byteRangeLength?: number;
}

/** EXT-X-RENDITION-REPORT (rfc8216bis 4.4.5.4). */
export interface RenditionReport {
  uri: string;
  lastMsn?: number;
  lastPart?: number;
}

/** EXT-X-SERVER-CONTROL (rfc8216bis 4.4.3.8). */
export interface ServerControl {
  canBlockReload?: boolean;
  canSkipUntil?: number;
  canSkipDateRanges?: boolean;
  holdBack?: number;
  partHoldBack?: number;
}

/** EXT-X-START (RFC 8216 4.3.5.2): a preferred start point, negative = from the end. */
export interface StartPoint {
  timeOffset: number;
  precise: boolean;
}

export interface MediaPlaylist {
  /** EXT-X-VERSION; 1 when absent. Writers emit max(version, what the content requires). */
  version: number;
  targetDuration: number;
  /** Media Sequence Number of the first segment, skipped ones included (RFC 8216 4.3.3.2). */
  mediaSequence: number;
  /** Discontinuity Sequence Number of the first segment, skipped ones included (4.3.3.3). */
  discontinuitySequence: number;
  playlistType?: 'EVENT' | 'VOD';
  endList: boolean;
  independentSegments: boolean;
  iFramesOnly?: boolean;
  start?: StartPoint;
  /** EXT-X-MAP written before the first segment (the default for segments without one). */
  map?: MediaInitializationSection;
  partInf?: { partTarget: number };
  serverControl?: ServerControl;
  /**
   * EXT-X-SKIP SKIPPED-SEGMENTS of a Playlist Delta Update (rfc8216bis 4.4.5.2): `segments`
   * then starts at Media Sequence Number mediaSequence + skippedSegments.
   */
  skippedSegments?: number;
  segments: MediaSegment[];
  partialSegment?: InProgressSegment;
  preloadHints: PreloadHint[];
  renditionReports: RenditionReport[];
}

export interface Resolution {
  width: number;
  height: number;
}

/** Attributes shared by EXT-X-STREAM-INF and EXT-X-I-FRAME-STREAM-INF (RFC 8216 4.3.4.2-3). */
export interface VariantAttributes {
  uri: string;
  bandwidth: number;
  averageBandwidth?: number;
  score?: number;
  /** The CODECS list as written, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs?: string;
  supplementalCodecs?: string;
  resolution?: Resolution;
  hdcpLevel?: string;
  allowedCpc?: string;
  videoRange?: string;
  stableVariantId?: string;
  /** GROUP-ID of the VIDEO renditions. */
  video?: string;
  pathwayId?: string;
}

/** EXT-X-STREAM-INF plus the URI line after it. */
export interface VariantStream extends VariantAttributes {
  frameRate?: number;
  audio?: string;
  subtitles?: string;
  /** GROUP-ID of the CLOSED-CAPTIONS renditions; null is the enumerated value NONE. */
  closedCaptions?: string | null;
}

/** EXT-X-MEDIA (RFC 8216 4.3.4.1). */
export interface RenditionMedia {
  type: 'AUDIO' | 'VIDEO' | 'SUBTITLES' | 'CLOSED-CAPTIONS';
  uri?: string;
  groupId: string;
  language?: string;
  assocLanguage?: string;
  name: string;
  stableRenditionId?: string;
  default: boolean;
  autoselect: boolean;
  forced?: boolean;
  instreamId?: string;
  bitDepth?: number;
  sampleRate?: number;
  characteristics?: string;
  channels?: string;
}

/** EXT-X-SESSION-DATA (RFC 8216 4.3.4.4): exactly one of value and uri. */
export interface SessionData {
  dataId: string;
  value?: string;
  uri?: string;
  format?: 'JSON' | 'RAW';
  language?: string;
}

/** EXT-X-CONTENT-STEERING (rfc8216bis 4.4.6.6). */
export interface ContentSteering {
  serverUri: string;
  pathwayId?: string;
}

export interface MultivariantPlaylist {
  version: number;
  independentSegments: boolean;
  start?: StartPoint;
  variants: VariantStream[];
  iFrameVariants: VariantAttributes[];
  media: RenditionMedia[];
  sessionData: SessionData[];
  sessionKeys: SegmentKey[];
  contentSteering?: ContentSteering;
}

/** Bounds for parsers fed from the network. */
export interface PlaylistParseOptions {
  /** Resolve every URI against this (RFC 3986 5.2); URIs are kept as written without it. */
  baseUri?: string;
  /** Longest accepted text in UTF-16 code units; default 16 MiB. */
  maxLength?: number;
  /**
   * Most entries accepted (segments, parts, hints and reports; or variants, renditions and
   * session tags); default 100 000.
   */
  maxEntries?: number;
}
