import {
  audioTrackFromAsc,
  audioTrackFromMp3Frame,
  audioTrackFromOpusHead,
  videoTrackFromAv1C,
  videoTrackFromAvcC,
  videoTrackFromHvcC,
} from '../codecs/track-config.js';
import { MalformedError, TruncatedError } from '../errors.js';
import type { AudioCodec, AudioTrack, VideoCodec, VideoTrack } from '../types.js';

/** FLV time is milliseconds (FLV spec v10.1 E.4.1). */
export const FLV_TIMESCALE = 1000;

/**
 * Per-stream codec state of an FLV demuxer: turns sequence headers into tracks (announcing a
 * track only when its header really changed) and knows how frames must be reframed.
 */
export class FlvTracks {
  /** Configured video codec and the NAL length size its frames use; undefined until usable. */
  video: { codec: VideoCodec; lengthSize: number } | undefined;
  audio: AudioCodec | undefined;
  private videoHeader: Uint8Array | undefined;
  private videoHeaderCodec: VideoCodec | undefined;
  private audioHeader: Uint8Array | undefined;
  private audioHeaderCodec: AudioCodec | undefined;
  /** The MPEG audio header fields that define an MP3 track, -1 when none yet. */
  private mp3Key = -1;

  /**
   * A video sequence header arrived: the track to announce, or undefined when it repeats the
   * last one. Throws MediaError when the record cannot be parsed (the video stays unusable
   * until a good header arrives).
   */
  videoConfig(codec: VideoCodec, config: Uint8Array): VideoTrack | undefined {
    if (codec === this.videoHeaderCodec && sameBytes(config, this.videoHeader)) return undefined;
    // A copy (new Uint8Array, as Buffer#slice would share): the track outlives the input chunk.
    const copy = new Uint8Array(config);
    this.videoHeader = copy;
    this.videoHeaderCodec = codec;
    this.video = undefined;
    let track: VideoTrack;
    let lengthSize = 4;
    if (codec === 'av1') {
      track = videoTrackFromAv1C(copy, FLV_TIMESCALE);
    } else {
      // ISO/IEC 14496-15: lengthSizeMinusOne is the low 2 bits of avcC byte 4 (5.3.3.1) and of
      // hvcC byte 21 (8.3.3.1). Packets leave here with 4-byte lengths, so the record must say so.
      const at = codec === 'avc' ? 4 : 21;
      const byte = copy[at];
      if (byte === undefined) {
        throw new TruncatedError(`${codec === 'avc' ? 'avcC' : 'hvcC'} of ${copy.length} bytes`);
      }
      lengthSize = (byte & 3) + 1;
      let record = copy;
      if (lengthSize !== 4) {
        record = new Uint8Array(copy);
        record[at] = byte | 3;
      }
      track =
        codec === 'avc'
          ? videoTrackFromAvcC(record, FLV_TIMESCALE)
          : videoTrackFromHvcC(record, FLV_TIMESCALE);
    }
    this.video = { codec, lengthSize };
    return track;
  }

  /** An AAC or Opus sequence header arrived; same contract as videoConfig. */
  audioConfig(codec: AudioCodec, config: Uint8Array): AudioTrack | undefined {
    if (codec === this.audioHeaderCodec && sameBytes(config, this.audioHeader)) return undefined;
    const copy = new Uint8Array(config);
    this.audioHeader = copy;
    this.audioHeaderCodec = codec;
    this.audio = undefined;
    this.mp3Key = -1;
    let track: AudioTrack;
    if (codec === 'aac') track = audioTrackFromAsc(copy, FLV_TIMESCALE);
    else if (codec === 'opus') track = audioTrackFromOpusHead(copy, FLV_TIMESCALE);
    else throw new MalformedError('MP3 has no sequence header');
    this.audio = codec;
    return track;
  }

  /**
   * MP3 has no sequence header (FLV spec v10.1 E.4.2.1): the track comes from the frame header
   * and is announced again only when version, layer, sample rate or channel mode change
   * (ISO/IEC 11172-3 2.4.1.3).
   */
  mp3Frame(frame: Uint8Array): AudioTrack | undefined {
    const b1 = frame[1];
    const b2 = frame[2];
    const b3 = frame[3];
    if (b1 === undefined || b2 === undefined || b3 === undefined) {
      throw new TruncatedError(`MP3 frame of ${frame.length} bytes has no header`);
    }
    const key = (b1 & 0x1e) * 0x10000 + (b2 & 0x0c) * 0x100 + (b3 & 0xc0);
    if (key === this.mp3Key && this.audio === 'mp3') return undefined;
    this.audio = undefined;
    this.audioHeader = undefined;
    this.audioHeaderCodec = undefined;
    const track = audioTrackFromMp3Frame(frame, FLV_TIMESCALE);
    this.mp3Key = key;
    this.audio = 'mp3';
    return track;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Rewrites length-prefixed NAL units from `lengthSize` (1-3) byte lengths to the 4-byte lengths
 * MediaPacket promises (ISO/IEC 14496-15 NALUnitLength). Copies; callers use it only when the
 * stream's record says the lengths are not already 4 bytes.
 */
export function toFourByteLengths(data: Uint8Array, lengthSize: number): Uint8Array {
  let count = 0;
  let pos = 0;
  while (pos < data.length) {
    if (pos + lengthSize > data.length) throw new MalformedError('NAL length field cut short');
    let len = 0;
    for (let i = 0; i < lengthSize; i++) len = len * 256 + (data[pos + i] ?? 0);
    pos += lengthSize + len;
    if (pos > data.length) throw new MalformedError(`NAL unit of ${len} bytes overruns its frame`);
    count++;
  }
  const out = new Uint8Array(data.length + count * (4 - lengthSize));
  let src = 0;
  let dst = 0;
  while (src < data.length) {
    let len = 0;
    for (let i = 0; i < lengthSize; i++) len = len * 256 + (data[src + i] ?? 0);
    src += lengthSize;
    out[dst] = Math.floor(len / 0x1000000) % 256;
    out[dst + 1] = Math.floor(len / 0x10000) % 256;
    out[dst + 2] = Math.floor(len / 0x100) % 256;
    out[dst + 3] = len % 256;
    dst += 4;
    out.set(data.subarray(src, src + len), dst);
    src += len;
    dst += len;
  }
  return out;
}
