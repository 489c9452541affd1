import type { Amf0Value } from './amf/amf0-types.js';
import type { MediaError } from './errors.js';

/**
 * Shared media contracts. Time is always integer ticks with an explicit timescale
 * (FLV: 1000, MPEG-TS: 90000, MP4: per track); never float seconds.
 */

export type TrackKind = 'video' | 'audio';

export interface MediaPacket {
  kind: TrackKind;
  /** Decode timestamp, in `timescale` ticks. */
  dts: number;
  /** Presentation timestamp, in `timescale` ticks (pts = dts + composition offset). */
  pts: number;
  timescale: number;
  /** True for a random access point (IDR for video; every audio frame). */
  keyframe: boolean;
  /**
   * Video: access unit as 4-byte length-prefixed NAL units (AVCC/HVCC framing).
   * Audio: one raw frame (AAC raw_data_block, MP3 frame, Opus packet).
   */
  data: Uint8Array;
}

export type VideoCodec = 'avc' | 'hevc' | 'av1';
export type AudioCodec = 'aac' | 'mp3' | 'opus';

export interface VideoTrack {
  kind: 'video';
  codec: VideoCodec;
  /** RFC 6381 codec string, e.g. `avc1.64001f`. */
  codecString: string;
  width: number;
  height: number;
  /** Sample aspect ratio, 1:1 when unknown. */
  sarNum: number;
  sarDen: number;
  /** Frames per second from the bitstream (VUI) or metadata, when known. */
  frameRate?: number | undefined;
  timescale: number;
  /** Decoder configuration record (avcC / hvcC / av1C payload). */
  config: Uint8Array;
}

export interface AudioTrack {
  kind: 'audio';
  codec: AudioCodec;
  /** RFC 6381 codec string, e.g. `mp4a.40.2`, `mp4a.6B`, `opus`. */
  codecString: string;
  sampleRate: number;
  channels: number;
  timescale: number;
  /** AAC: AudioSpecificConfig; Opus: OpusHead (dOps) payload; MP3: empty. */
  config: Uint8Array;
}

export type TrackInfo = VideoTrack | AudioTrack;

/**
 * What a streaming demuxer emits. Demuxers never throw: bad input becomes an `error` event
 * (after which the demuxer ignores further input until `reset`) or a `warning` (recovered).
 */
export type DemuxEvent =
  /** A track was configured or reconfigured (new sequence header / codec parameters). */
  | { type: 'track'; track: TrackInfo }
  | { type: 'packet'; packet: MediaPacket }
  /** Script data such as FLV onMetaData: name plus decoded AMF0 value. */
  | { type: 'script'; name: string; value: Amf0Value; dts: number }
  | { type: 'warning'; error: MediaError }
  | { type: 'error'; error: MediaError };

export interface Demuxer {
  push(chunk: Uint8Array): DemuxEvent[];
  /** End of input: emits what is pending and reports a truncated trailing unit as an error. */
  flush(): DemuxEvent[];
}
