/**
 * Live fMP4 bytes (init segment, then media segments), serialized once for every viewer. The
 * Mp4Fragmenter is run with a 1 ms maximum fragment length, which cuts before every video
 * frame: each fragment holds one video frame plus the audio up to the next frame, so latency is
 * one frame interval (the fragmenter needs the next frame to know a sample's duration). Audio-
 * only streams are cut every `audioFragmentMs`. A joiner gets the newest init segment, then the
 * fragments since the last one that opens with a video sync sample.
 */
import { Mp4Fragmenter, fieldsOf, findBoxes, readBoxes } from '@tidecast/media';
import type { Amf0Value, Fmp4Chunk, MediaPacket, TrackInfo, TrackKind } from '@tidecast/media';
import { GopCache } from './gop-cache.js';
import type { GopCacheOptions } from './gop-cache.js';
import { headerChunk } from './stream-output.js';
import type { StreamChunk, StreamPackager } from './stream-output.js';

export interface Fmp4PackagerOptions {
  gopCache?: GopCacheOptions;
  /** Fragment length of audio-only streams. Default 100 ms. */
  audioFragmentMs?: number;
  /**
   * Kinds the stream carries, so the init segment need not wait (the fragmenter otherwise waits
   * for both kinds, or 2 s of media).
   */
  expectedKinds?: TrackKind[];
}

/** "Cut at this length even without a keyframe": 1 ms cuts before every video frame. */
const FRAGMENT_PER_FRAME_MS = 1;

type CachedChunk = StreamChunk & { size: number };

export class Fmp4Packager implements StreamPackager {
  readonly format = 'fmp4' as const;
  private readonly fragmenter: Mp4Fragmenter;
  private readonly cache: GopCache<CachedChunk>;
  private init: StreamChunk | undefined;
  /** track_ID of video in the current init segment. */
  private videoTrackId: number | undefined;

  constructor(options: Fmp4PackagerOptions = {}) {
    this.fragmenter = new Mp4Fragmenter({
      maxFragmentMs: FRAGMENT_PER_FRAME_MS,
      audioOnlyFragmentMs: options.audioFragmentMs ?? 100,
      ...(options.expectedKinds === undefined ? {} : { expectedKinds: options.expectedKinds }),
    });
    this.cache = new GopCache(options.gopCache);
  }

  joinChunks(): StreamChunk[] {
    if (this.init === undefined) return []; // the init arrives live, like any header
    return [this.init, ...this.cache.entries()];
  }

  setTrack(track: TrackInfo): StreamChunk[] {
    return this.convert(this.fragmenter.push({ type: 'track', track }));
  }

  setMetadata(_value: Amf0Value): StreamChunk[] {
    return []; // fMP4 has no place for onMetaData
  }

  packet(packet: MediaPacket): StreamChunk[] {
    return this.convert(this.fragmenter.push({ type: 'packet', packet }));
  }

  flush(): StreamChunk[] {
    return this.convert(this.fragmenter.flush());
  }

  private convert(chunks: Fmp4Chunk[]): StreamChunk[] {
    const out: StreamChunk[] = [];
    for (const c of chunks) {
      if (c.kind === 'init') {
        const video = c.tracks.findIndex((t) => t.kind === 'video');
        this.videoTrackId = video < 0 ? undefined : video + 1;
        this.init = headerChunk(c.bytes);
        // Earlier fragments belong to the previous init segment.
        this.cache.clear();
        out.push(this.init);
        continue;
      }
      const content = describeFragment(c.bytes, this.videoTrackId);
      const chunk: CachedChunk = {
        bytes: c.bytes,
        kind: content.hasVideo ? 'video' : 'audio',
        // startsWithKeyframe is also true for audio-only fragments; only video counts here.
        keyframe: content.hasVideo && c.startsWithKeyframe,
        dtsMs: Math.round(c.startMs),
        frames: content.samples,
        size: c.bytes.length,
      };
      this.cache.push(chunk);
      out.push(chunk);
    }
    return out;
  }
}

/**
 * Whether a media segment carries video (its first traf is the video track: the fragmenter
 * writes video first) and how many samples it holds, read from moof/traf/tfhd and trun
 * (ISO/IEC 14496-12 8.8.7, 8.8.8). Only the moof is parsed.
 */
export function describeFragment(
  bytes: Uint8Array,
  videoTrackId: number | undefined,
): { hasVideo: boolean; samples: number } {
  const moofSize =
    (bytes[0] ?? 0) * 0x1000000 +
    (bytes[1] ?? 0) * 0x10000 +
    (bytes[2] ?? 0) * 0x100 +
    (bytes[3] ?? 0);
  const boxes = readBoxes(bytes.subarray(0, Math.min(moofSize, bytes.length)));
  let hasVideo = false;
  let samples = 0;
  for (const traf of findBoxes(boxes, 'moof/traf')) {
    for (const child of traf.children ?? []) {
      const tfhd = fieldsOf(child, 'tfhd');
      if (tfhd !== undefined && tfhd.trackId === videoTrackId) hasVideo = true;
      const trun = fieldsOf(child, 'trun');
      if (trun !== undefined) samples += trun.sampleCount;
    }
  }
  return { hasVideo, samples };
}
