import { MalformedError, TruncatedError } from '../errors.js';
import type { AudioCodec } from '../types.js';
import {
  AudioPacketType,
  FOURCC_AC3,
  FOURCC_EC3,
  FOURCC_FLAC,
  FOURCC_MP3,
  FOURCC_MP4A,
  FOURCC_OPUS,
  SOUND_FORMAT_EX_HEADER,
  fourccText,
  skipModEx,
} from './enhanced-flv.js';
import { readU32 } from './flv-tag.js';

/**
 * What one audio tag body (FLV spec v10.1 E.4.2, or an Enhanced RTMP v2 ExAudioTagHeader)
 * holds. Same bytes as an RTMP audio message payload.
 */
export type FlvAudioBody =
  /** AAC AudioSpecificConfig, or Opus OpusHead (RFC 7845 5.1). */
  | { type: 'config'; codec: AudioCodec; config: Uint8Array }
  /** One raw frame, a view into the body. */
  | { type: 'frame'; codec: AudioCodec; data: Uint8Array }
  | { type: 'end'; codec: AudioCodec }
  /** Nothing to do: an empty "silence" message or a multichannel layout message. */
  | { type: 'ignore' }
  | { type: 'unsupported'; what: string };

/** FLV spec v10.1 E.4.2.1 SoundFormat names for the formats we do not carry. */
const LEGACY_FORMAT_NAMES: Record<number, string> = {
  0: 'Linear PCM, platform endian',
  1: 'ADPCM',
  3: 'Linear PCM, little endian',
  4: 'Nellymoser 16 kHz mono',
  5: 'Nellymoser 8 kHz mono',
  6: 'Nellymoser',
  7: 'G.711 A-law',
  8: 'G.711 mu-law',
  11: 'Speex',
  15: 'device-specific sound',
};

const EX_FOURCC_NAMES = new Map<number, string>([
  [FOURCC_FLAC, 'FLAC'],
  [FOURCC_AC3, 'AC-3'],
  [FOURCC_EC3, 'E-AC-3'],
]);

const IGNORE: FlvAudioBody = { type: 'ignore' };

/**
 * Parses an audio tag body, `body[start, end)` (default: all of it; see parseVideoTagBody);
 * throws MediaError only for bodies too short for their header.
 */
export function parseAudioTagBody(body: Uint8Array, start = 0, end = body.length): FlvAudioBody {
  // RTMP "audio silence": an audio message with no AudioTagHeader (Enhanced RTMP v2).
  if (end <= start) return IGNORE;
  const b0 = body[start] ?? 0;
  // E.4.2.1 AUDIODATA: SoundFormat UB[4], SoundRate UB[2], SoundSize UB[1], SoundType UB[1].
  const soundFormat = b0 >> 4;
  if (soundFormat === SOUND_FORMAT_EX_HEADER) return parseExAudio(body, b0, start, end);
  if (soundFormat === 10) {
    // E.4.2.2 AACAUDIODATA: AACPacketType UI8 then ASC or a raw frame.
    if (end - start < 2) throw new TruncatedError('AAC audio tag without AACPacketType');
    const packetType = body[start + 1];
    if (packetType === 0)
      return { type: 'config', codec: 'aac', config: body.subarray(start + 2, end) };
    if (packetType === 1)
      return { type: 'frame', codec: 'aac', data: body.subarray(start + 2, end) };
    throw new MalformedError(`reserved AACPacketType ${packetType}`);
  }
  // 2 = MP3, 14 = "MP3 8 kHz": the MPEG audio frame header is authoritative either way.
  if (soundFormat === 2 || soundFormat === 14) {
    return { type: 'frame', codec: 'mp3', data: body.subarray(start + 1, end) };
  }
  return {
    type: 'unsupported',
    what: `audio format ${LEGACY_FORMAT_NAMES[soundFormat] ?? `id ${soundFormat}`}`,
  };
}

/** Enhanced RTMP v2 ExAudioTagHeader + ExAudioTagBody. */
function parseExAudio(body: Uint8Array, b0: number, start: number, end: number): FlvAudioBody {
  let packetType = b0 & 0x0f;
  let pos = start + 1;
  if (packetType === AudioPacketType.ModEx) {
    const next = skipModEx(body, packetType, pos, end);
    packetType = next.packetType;
    pos = next.pos;
  }
  if (packetType === AudioPacketType.Multitrack) {
    return { type: 'unsupported', what: 'Enhanced RTMP multitrack audio' };
  }
  if (end < pos + 4) throw new TruncatedError('Enhanced RTMP audio tag without a FourCC');
  const fourcc = readU32(body, pos);
  pos += 4;
  let codec: AudioCodec;
  if (fourcc === FOURCC_OPUS) codec = 'opus';
  else if (fourcc === FOURCC_MP4A) codec = 'aac';
  else if (fourcc === FOURCC_MP3) codec = 'mp3';
  else {
    const name = EX_FOURCC_NAMES.get(fourcc) ?? `FourCC "${fourccText(fourcc)}"`;
    return { type: 'unsupported', what: `audio ${name}` };
  }
  switch (packetType) {
    case AudioPacketType.SequenceStart:
      // MP3 has no configuration record; a SequenceStart for it carries nothing we need.
      if (codec === 'mp3') return IGNORE;
      return { type: 'config', codec, config: body.subarray(pos, end) };
    case AudioPacketType.CodedFrames:
      return { type: 'frame', codec, data: body.subarray(pos, end) };
    case AudioPacketType.SequenceEnd:
      return { type: 'end', codec };
    case AudioPacketType.MultichannelConfig:
      return IGNORE;
    default:
      throw new MalformedError(`reserved Enhanced RTMP AudioPacketType ${packetType}`);
  }
}
