import { MalformedError, TruncatedError } from '../errors.js';
import type { VideoCodec } from '../types.js';
import {
  FOURCC_AV01,
  FOURCC_AVC1,
  FOURCC_HVC1,
  VideoFrameType,
  VideoPacketType,
  fourccText,
  skipModEx,
} from './enhanced-flv.js';
import { readI24, readU32 } from './flv-tag.js';

/**
 * What one video tag body (FLV spec v10.1 E.4.3, or an Enhanced RTMP ExVideoTagHeader) holds.
 * The same bytes are an RTMP video message payload, so RTMP code can share this parser.
 */
export type FlvVideoBody =
  /** Decoder configuration record: avcC, hvcC or av1C. */
  | { type: 'config'; codec: VideoCodec; config: Uint8Array }
  /** Coded frame; `data` is a view into the body (AVCC/HVCC framing, or AV1 OBUs). */
  | { type: 'frame'; codec: VideoCodec; keyframe: boolean; cts: number; data: Uint8Array }
  | { type: 'end'; codec: VideoCodec }
  /** Carries no picture (command frame, metadata frame): nothing to do. */
  | { type: 'ignore' }
  /** A codec or feature we do not carry; `what` names it, one kind per distinct text. */
  | { type: 'unsupported'; what: string };

const LEGACY_CODEC_NAMES: Record<number, string> = {
  1: 'JPEG',
  2: 'Sorenson H.263',
  3: 'Screen video',
  4: 'On2 VP6',
  5: 'On2 VP6 with alpha',
  6: 'Screen video v2',
};

const IGNORE: FlvVideoBody = { type: 'ignore' };

/**
 * Parses a video tag body, `body[start, end)` (default: all of it; a range lets the FLV demuxer
 * read a tag in place in its input chunk). Throws MediaError when the body is too short for its
 * own header or uses a reserved packet type; returns `unsupported` (no throw) for valid but
 * foreign codecs so a stream of them costs no exceptions.
 */
export function parseVideoTagBody(body: Uint8Array, start = 0, end = body.length): FlvVideoBody {
  if (end <= start) throw new TruncatedError('empty video tag body');
  const b0 = body[start] ?? 0;
  // Enhanced RTMP v1: IsExHeader is the top bit of the first byte.
  if (b0 >= 0x80) return parseExVideo(body, b0, start, end);

  // FLV spec v10.1 E.4.3.1 VIDEODATA: FrameType UB[4], CodecID UB[4].
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (frameType === VideoFrameType.Command) return IGNORE;
  let codec: VideoCodec;
  if (codecId === 7) codec = 'avc';
  else if (codecId === 12)
    codec = 'hevc'; // de facto: HEVC laid out like AVC (pre-Enhanced RTMP)
  else
    return {
      type: 'unsupported',
      what: `video codec ${LEGACY_CODEC_NAMES[codecId] ?? `id ${codecId}`}`,
    };

  // E.4.3.1 AVCVIDEOPACKET header: AVCPacketType UI8, CompositionTime SI24.
  if (end - start < 5) {
    throw new TruncatedError(`${codec} video tag body of ${end - start} bytes`);
  }
  const packetType = body[start + 1];
  if (packetType === 0) return { type: 'config', codec, config: body.subarray(start + 5, end) };
  if (packetType === 1) {
    return {
      type: 'frame',
      codec,
      keyframe: frameType === VideoFrameType.Key,
      cts: readI24(body, start + 2),
      data: body.subarray(start + 5, end),
    };
  }
  if (packetType === 2) return { type: 'end', codec };
  throw new MalformedError(`reserved AVCPacketType ${packetType}`);
}

/** Enhanced RTMP v1/v2 ExVideoTagHeader + ExVideoTagBody. */
function parseExVideo(body: Uint8Array, b0: number, start: number, end: number): FlvVideoBody {
  const frameType = (b0 >> 4) & 0x07;
  let packetType = b0 & 0x0f;
  let pos = start + 1;
  if (packetType === VideoPacketType.ModEx) {
    const next = skipModEx(body, packetType, pos, end);
    packetType = next.packetType;
    pos = next.pos;
  }
  // v2: a command frame carries a VideoCommand byte and no body, unless it is Metadata.
  if (frameType === VideoFrameType.Command && packetType !== VideoPacketType.Metadata)
    return IGNORE;
  if (packetType === VideoPacketType.Multitrack) {
    return { type: 'unsupported', what: 'Enhanced RTMP multitrack video' };
  }
  if (end < pos + 4) throw new TruncatedError('Enhanced RTMP video tag without a FourCC');
  const fourcc = readU32(body, pos);
  pos += 4;
  let codec: VideoCodec;
  if (fourcc === FOURCC_AVC1) codec = 'avc';
  else if (fourcc === FOURCC_HVC1) codec = 'hevc';
  else if (fourcc === FOURCC_AV01) codec = 'av1';
  else return { type: 'unsupported', what: `video FourCC "${fourccText(fourcc)}"` };

  switch (packetType) {
    case VideoPacketType.SequenceStart:
      return { type: 'config', codec, config: body.subarray(pos, end) };
    case VideoPacketType.CodedFrames: {
      // Only AVC and HEVC carry the SI24 composition time here (Enhanced RTMP v1).
      let cts = 0;
      if (codec !== 'av1') {
        if (end < pos + 3) throw new TruncatedError('Enhanced RTMP video tag without CTS');
        cts = readI24(body, pos);
        pos += 3;
      }
      return {
        type: 'frame',
        codec,
        keyframe: frameType === VideoFrameType.Key,
        cts,
        data: body.subarray(pos, end),
      };
    }
    case VideoPacketType.CodedFramesX:
      return {
        type: 'frame',
        codec,
        keyframe: frameType === VideoFrameType.Key,
        cts: 0,
        data: body.subarray(pos, end),
      };
    case VideoPacketType.SequenceEnd:
      return { type: 'end', codec };
    case VideoPacketType.Metadata:
      // AMF-encoded colour/HDR info; no picture.
      return IGNORE;
    case VideoPacketType.MPEG2TSSequenceStart:
      return { type: 'unsupported', what: 'Enhanced RTMP MPEG2TSSequenceStart video packet' };
    default:
      throw new MalformedError(`reserved Enhanced RTMP VideoPacketType ${packetType}`);
  }
}
