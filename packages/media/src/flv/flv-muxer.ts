import type { Amf0Value } from '../amf/amf0-types.js';
import { encodeAmf0 } from '../amf/amf0-writer.js';
import { InvalidArgumentError, MalformedError } from '../errors.js';
import type { AudioTrack, MediaPacket, TrackInfo, VideoTrack } from '../types.js';
import {
  AudioPacketType,
  SOUND_FORMAT_EX_HEADER,
  VideoFrameType,
  VideoPacketType,
} from './enhanced-flv.js';
import { FLV_MAX_TIMESTAMP, FlvTagType, buildFlvTag, writeFlvHeader } from './flv-tag.js';
import { opusHeadFromDops } from './flv-opus.js';

export interface FlvMuxerOptions {
  /**
   * Write HEVC the pre-standard way (legacy CodecID 12 laid out like AVC) instead of the
   * Enhanced RTMP `hvc1` FourCC form. Some older players only know the former.
   */
  hevcLegacyCodecId12?: boolean | undefined;
}

// FourCC bytes for the Enhanced RTMP forms we write.
const HVC1 = [0x68, 0x76, 0x63, 0x31];
const AV01 = [0x61, 0x76, 0x30, 0x31];
const OPUS = [0x4f, 0x70, 0x75, 0x73];

/** FLV spec v10.1 E.4.2.1: AAC is always written as 44 kHz, 16-bit, stereo (0xAF). */
const AAC_FLAGS = (10 << 4) | (3 << 2) | (1 << 1) | 1;
const EX_AUDIO = SOUND_FORMAT_EX_HEADER << 4;

/**
 * Serializes tracks, packets and script data as FLV tags (FLV spec v10.1 Annex E). Every
 * method returns a complete tag followed by its PreviousTagSize, so the bytes can be sent as
 * they are to any number of HTTP-FLV / WS-FLV viewers after `header()`. AVC, AAC and MP3 use
 * the legacy layout; HEVC, AV1 and Opus use Enhanced RTMP.
 */
export class FlvMuxer {
  private readonly hevcLegacy: boolean;

  constructor(options: FlvMuxerOptions = {}) {
    this.hevcLegacy = options.hevcLegacyCodecId12 === true;
  }

  /** FLV header (E.2) followed by PreviousTagSize0. */
  header(options: { hasVideo: boolean; hasAudio: boolean }): Uint8Array {
    return writeFlvHeader(options);
  }

  /**
   * The sequence-header tag of `track` at `dts` (in track.timescale ticks), or undefined for
   * MP3, which has none.
   */
  sequenceHeader(track: TrackInfo, dts = 0): Uint8Array | undefined {
    const ms = toMilliseconds(dts, track.timescale, 'sequence header dts');
    if (track.kind === 'video')
      return buildFlvTag(FlvTagType.Video, ms, ...videoConfig(track, this.hevcLegacy));
    switch (track.codec) {
      case 'aac':
        return buildFlvTag(FlvTagType.Audio, ms, [AAC_FLAGS, 0], track.config);
      case 'opus':
        // Enhanced RTMP v2: the Opus SequenceStart is the OpusHead; our tracks hold dOps.
        return buildFlvTag(
          FlvTagType.Audio,
          ms,
          [EX_AUDIO | AudioPacketType.SequenceStart, ...OPUS],
          opusHeadFromDops(track.config),
        );
      case 'mp3':
        return undefined;
    }
  }

  /** One packet as a tag; `track` is the track it belongs to. */
  packet(packet: MediaPacket, track: TrackInfo): Uint8Array {
    if (packet.kind !== track.kind) {
      throw new InvalidArgumentError(`${packet.kind} packet given with a ${track.kind} track`);
    }
    const dtsMs = toMilliseconds(packet.dts, packet.timescale, 'packet dts');
    if (track.kind === 'audio') {
      return buildFlvTag(FlvTagType.Audio, dtsMs, audioPrefix(track), packet.data);
    }
    const cts = toMilliseconds(packet.pts, packet.timescale, 'packet pts', true) - dtsMs;
    if (cts < -0x800000 || cts > 0x7fffff) {
      throw new InvalidArgumentError(
        `composition offset ${cts} ms does not fit the SI24 CompositionTime`,
      );
    }
    const frameType = packet.keyframe ? VideoFrameType.Key : VideoFrameType.Inter;
    return buildFlvTag(
      FlvTagType.Video,
      dtsMs,
      videoPrefix(track, frameType, cts, this.hevcLegacy),
      packet.data,
    );
  }

  /** A script tag (E.4.4): `name` then `value`, e.g. "onMetaData" and an Amf0EcmaArray. */
  script(name: string, value: Amf0Value, dtsMs = 0): Uint8Array {
    return buildFlvTag(FlvTagType.Script, dtsMs, [], encodeAmf0(name, value));
  }
}

/** Tag prefix and payload of a video sequence header. */
function videoConfig(track: VideoTrack, hevcLegacy: boolean): [number[], Uint8Array] {
  const key = VideoFrameType.Key << 4;
  switch (track.codec) {
    case 'avc':
      // E.4.3.1: AVCPacketType 0, CompositionTime 0, then the avcC.
      return [[key | 7, 0, 0, 0, 0], withFourByteLengths(track.config, 4, 'avcC')];
    case 'hevc': {
      const hvcC = withFourByteLengths(track.config, 21, 'hvcC');
      if (hevcLegacy) return [[key | 12, 0, 0, 0, 0], hvcC];
      return [[0x80 | key | VideoPacketType.SequenceStart, ...HVC1], hvcC];
    }
    case 'av1':
      return [[0x80 | key | VideoPacketType.SequenceStart, ...AV01], track.config];
  }
}

/** Tag prefix of a coded video frame. */
function videoPrefix(
  track: VideoTrack,
  frameType: number,
  cts: number,
  hevcLegacy: boolean,
): number[] {
  const flags = frameType << 4;
  switch (track.codec) {
    case 'avc':
      return [flags | 7, 1, ...si24(cts)];
    case 'hevc':
      if (hevcLegacy) return [flags | 12, 1, ...si24(cts)];
      // Enhanced RTMP v1: CodedFramesX saves the SI24 when the offset is 0.
      if (cts === 0) return [0x80 | flags | VideoPacketType.CodedFramesX, ...HVC1];
      return [0x80 | flags | VideoPacketType.CodedFrames, ...HVC1, ...si24(cts)];
    case 'av1':
      // AV1 CodedFrames carry no composition time.
      return [0x80 | flags | VideoPacketType.CodedFrames, ...AV01];
  }
}

/** Tag prefix of an audio frame. */
function audioPrefix(track: AudioTrack): number[] {
  switch (track.codec) {
    case 'aac':
      return [AAC_FLAGS, 1];
    case 'opus':
      return [EX_AUDIO | AudioPacketType.CodedFrames, ...OPUS];
    case 'mp3':
      // E.4.2.1: SoundFormat 2, SoundRate from the track (the decoder trusts the frame header;
      // FLV cannot say 48 kHz), SoundSize 16-bit, SoundType from the channel count.
      return [
        (2 << 4) | (mp3RateIndex(track.sampleRate) << 2) | (1 << 1) | (track.channels > 1 ? 1 : 0),
      ];
  }
}

function mp3RateIndex(sampleRate: number): number {
  if (sampleRate >= 44100) return 3;
  if (sampleRate >= 22050) return 2;
  if (sampleRate >= 11025) return 1;
  return 0;
}

function si24(v: number): number[] {
  const u = v < 0 ? v + 0x1000000 : v;
  return [Math.floor(u / 0x10000), Math.floor(u / 0x100) % 256, u % 256];
}

/**
 * MediaPacket video is always 4-byte length-prefixed, so the record we write must say
 * lengthSizeMinusOne = 3 (ISO/IEC 14496-15 5.3.3.1 avcC byte 4, 8.3.3.1 hvcC byte 21).
 */
function withFourByteLengths(config: Uint8Array, at: number, what: string): Uint8Array {
  const byte = config[at];
  if (byte === undefined)
    throw new MalformedError(`${what} of ${config.length} bytes is too short`);
  if ((byte & 3) === 3) return config;
  const out = new Uint8Array(config);
  out[at] = byte | 3;
  return out;
}

/** Ticks at `timescale` to whole milliseconds, rejecting what an FLV timestamp cannot hold. */
function toMilliseconds(
  ticks: number,
  timescale: number,
  what: string,
  allowNegative = false,
): number {
  if (!Number.isFinite(timescale) || timescale <= 0) {
    throw new InvalidArgumentError(`${what}: timescale ${timescale} is not positive`);
  }
  const ms = timescale === 1000 ? ticks : Math.round((ticks * 1000) / timescale);
  if (!Number.isInteger(ms) || ms > FLV_MAX_TIMESTAMP || (!allowNegative && ms < 0)) {
    throw new InvalidArgumentError(
      `${what} ${ticks}/${timescale} s is ${ms} ms, outside [0, 2^32-1]`,
    );
  }
  return ms;
}
