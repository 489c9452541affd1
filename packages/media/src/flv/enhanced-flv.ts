import { MalformedError } from '../errors.js';

/**
 * Enhanced RTMP (veovera, v1 and v2) constants: the ExVideoTagHeader / ExAudioTagHeader packet
 * types and the FourCCs that replace the legacy 4-bit CodecID / SoundFormat.
 */

/** Enhanced RTMP v1 "ExVideoTagHeader": VideoPacketType, the low 4 bits of the first byte. */
export const VideoPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  /** CodedFrames with an implied composition time of 0 (no SI24 on the wire). */
  CodedFramesX: 3,
  Metadata: 4,
  MPEG2TSSequenceStart: 5,
  /** Enhanced RTMP v2. */
  Multitrack: 6,
  /** Enhanced RTMP v2: modifier extension, followed by the real packet type. */
  ModEx: 7,
} as const;

/** Enhanced RTMP v2 "ExAudioTagHeader": AudioPacketType, the low 4 bits of the first byte. */
export const AudioPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  MultichannelConfig: 4,
  Multitrack: 5,
  ModEx: 7,
} as const;

/** FLV spec v10.1 E.4.3.1 FrameType (legacy 4 bits; Enhanced RTMP keeps the low 3 bits). */
export const VideoFrameType = {
  Key: 1,
  Inter: 2,
  DisposableInter: 3,
  GeneratedKey: 4,
  /** "video info/command frame": carries no picture. */
  Command: 5,
} as const;

/** FLV spec v10.1 E.4.2.1 SoundFormat 9 is reused by Enhanced RTMP v2 as the ExHeader signal. */
export const SOUND_FORMAT_EX_HEADER = 9;

/** A FourCC as the big-endian u32 it is on the wire, so tags compare numbers, not strings. */
export function fourccValue(code: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (code.charCodeAt(i) & 0xff);
  return v;
}

/** The four characters of a u32 FourCC, for messages. */
export function fourccText(value: number): string {
  let s = '';
  for (let shift = 3; shift >= 0; shift--) {
    const c = Math.floor(value / 256 ** shift) % 256;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

export const FOURCC_AVC1 = fourccValue('avc1');
export const FOURCC_HVC1 = fourccValue('hvc1');
export const FOURCC_AV01 = fourccValue('av01');
export const FOURCC_VP09 = fourccValue('vp09');
export const FOURCC_OPUS = fourccValue('Opus');
export const FOURCC_MP4A = fourccValue('mp4a');
export const FOURCC_MP3 = fourccValue('.mp3');
export const FOURCC_FLAC = fourccValue('fLaC');
export const FOURCC_AC3 = fourccValue('ac-3');
export const FOURCC_EC3 = fourccValue('ec-3');

/**
 * Reads the Enhanced RTMP v2 ModEx chain that may sit where the packet type is (the packet type
 * nibble is ModEx = 7): a size (UI8 + 1, or UI16 + 1 when the byte says 256), the data, then a
 * byte whose low nibble is the next packet type. Returns the real packet type and the position
 * after the chain; bytes from `end` on are not the tag's. The only defined ModEx
 * (TimestampOffsetNano) is below FLV's 1 ms resolution, so its value is not used.
 */
export function skipModEx(
  body: Uint8Array,
  packetType: number,
  pos: number,
  end = body.length,
): { packetType: number; pos: number } {
  let type = packetType;
  let p = pos;
  // ModEx is 7 in both VideoPacketType and AudioPacketType.
  while (type === VideoPacketType.ModEx) {
    if (p + 1 > end) throw modExOverrun();
    let size = (body[p] ?? 0) + 1;
    p += 1;
    if (size === 256) {
      if (p + 2 > end) throw modExOverrun();
      size = (body[p] ?? 0) * 256 + (body[p + 1] ?? 0) + 1;
      p += 2;
    }
    p += size;
    if (p + 1 > end) throw modExOverrun();
    const next = body[p] ?? 0;
    type = next & 0x0f;
    p += 1;
  }
  return { packetType: type, pos: p };
}

function modExOverrun(): MalformedError {
  return new MalformedError('Enhanced RTMP ModEx data runs past the end of the tag body');
}
