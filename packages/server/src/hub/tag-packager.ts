/**
 * What the FLV and RTMP packagers share: both carry FLV tag bodies (the RTMP audio/video/data
 * message payload is the FLV tag body, FLV spec v10.1 E.4 / RTMP spec 7.1.4-7.1.5), so both
 * serialize through FlvMuxer and differ only in the framing around a tag body.
 */
import { FLV_PREVIOUS_TAG_SIZE, FLV_TAG_HEADER_SIZE, FlvMuxer } from '@tidecast/media';
import type { Amf0Value, MediaPacket, TrackInfo, TrackKind } from '@tidecast/media';
import { GopCache } from './gop-cache.js';
import type { GopCacheOptions } from './gop-cache.js';
import { headerChunk } from './stream-output.js';
import type { OutputFormat, StreamChunk, StreamPackager } from './stream-output.js';

export interface TagPackagerOptions {
  gopCache?: GopCacheOptions;
  /** Write HEVC with the legacy CodecID 12 instead of Enhanced RTMP (FlvMuxer option). */
  hevcLegacyCodecId12?: boolean;
}

/** An FLV tag (header + body + PreviousTagSize) as FlvMuxer returns it. */
export interface FlvTagBytes {
  readonly tag: Uint8Array;
  readonly typeId: number;
  readonly dtsMs: number;
}

export abstract class TagPackager implements StreamPackager {
  abstract readonly format: OutputFormat;
  protected readonly muxer: FlvMuxer;
  protected readonly tracks = new Map<TrackKind, TrackInfo>();
  private readonly sequenceHeaders = new Map<TrackKind, StreamChunk>();
  private metadataChunk: StreamChunk | undefined;
  private readonly cache: GopCache<StreamChunk & { size: number }>;
  /** Newest decode time, for sequence headers that arrive mid-stream. */
  private lastDtsMs = 0;

  constructor(options: TagPackagerOptions = {}) {
    this.muxer = new FlvMuxer({ hevcLegacyCodecId12: options.hevcLegacyCodecId12 });
    this.cache = new GopCache(options.gopCache);
  }

  /** Framing of one tag for this format. */
  protected abstract encode(tag: FlvTagBytes): Uint8Array;

  /** Bytes before everything else for a joining viewer (the FLV file header), if any. */
  protected abstract formatHeader(): StreamChunk | undefined;

  joinChunks(): StreamChunk[] {
    const out: StreamChunk[] = [];
    const header = this.formatHeader();
    if (header !== undefined) out.push(header);
    if (this.metadataChunk !== undefined) out.push(this.metadataChunk);
    for (const kind of ['video', 'audio'] as const) {
      const seq = this.sequenceHeaders.get(kind);
      if (seq !== undefined) out.push(seq);
    }
    out.push(...this.cache.entries());
    return out;
  }

  setTrack(track: TrackInfo): StreamChunk[] {
    const current = this.tracks.get(track.kind);
    if (current !== undefined && sameTrack(current, track)) return [];
    this.tracks.set(track.kind, track);
    // Cached frames were coded for the old configuration; joiners wait for the next keyframe.
    this.cache.clear();
    const tag = this.muxer.sequenceHeader({ ...track, timescale: 1000 }, this.lastDtsMs);
    if (tag === undefined) {
      this.sequenceHeaders.delete(track.kind);
      return [];
    }
    const chunk = headerChunk(this.frame(tag, this.lastDtsMs));
    this.sequenceHeaders.set(track.kind, chunk);
    return [chunk];
  }

  setMetadata(value: Amf0Value): StreamChunk[] {
    const tag = this.muxer.script('onMetaData', value, 0);
    this.metadataChunk = headerChunk(this.frame(tag, 0));
    return [this.metadataChunk];
  }

  packet(packet: MediaPacket): StreamChunk[] {
    const track = this.tracks.get(packet.kind);
    if (track === undefined) return []; // no sequence header yet: nothing can describe it
    const dtsMs = Math.round((packet.dts * 1000) / packet.timescale);
    const bytes = this.frame(this.muxer.packet(packet, track), dtsMs);
    this.lastDtsMs = Math.max(this.lastDtsMs, dtsMs);
    const chunk = {
      bytes,
      kind: packet.kind,
      keyframe: packet.keyframe,
      dtsMs,
      frames: 1,
      size: bytes.length,
    };
    this.cache.push(chunk);
    return [chunk];
  }

  flush(): StreamChunk[] {
    return [];
  }

  /** Whether the stream has (or announces) each kind, for the FLV header flags. */
  protected presentKinds(): { hasVideo: boolean; hasAudio: boolean } {
    const hasVideo = this.tracks.has('video');
    const hasAudio = this.tracks.has('audio');
    // Before any sequence header, announce both: players then wait for whichever comes.
    if (!hasVideo && !hasAudio) return { hasVideo: true, hasAudio: true };
    return { hasVideo, hasAudio };
  }

  private frame(tag: Uint8Array, dtsMs: number): Uint8Array {
    return this.encode({ tag, typeId: tag[0] ?? 0, dtsMs });
  }
}

/** The FLV tag body: what follows the 11-byte tag header, without the PreviousTagSize. */
export function flvTagBody(tag: Uint8Array): Uint8Array {
  return tag.subarray(FLV_TAG_HEADER_SIZE, tag.length - FLV_PREVIOUS_TAG_SIZE);
}

/** Same codec and decoder configuration: a repeated sequence header changes nothing. */
export function sameTrack(a: TrackInfo, b: TrackInfo): boolean {
  if (a.kind !== b.kind || a.codec !== b.codec || a.codecString !== b.codecString) return false;
  if (a.config.length !== b.config.length) return false;
  for (let i = 0; i < a.config.length; i++) if (a.config[i] !== b.config[i]) return false;
  if (a.kind === 'video' && b.kind === 'video') return a.width === b.width && a.height === b.height;
  if (a.kind === 'audio' && b.kind === 'audio') {
    return a.sampleRate === b.sampleRate && a.channels === b.channels;
  }
  return false;
}
