export * from './errors.js';
export * from './types.js';
export { ByteReader } from './io/byte-reader.js';
export { ByteWriter } from './io/byte-writer.js';
export { BitReader, unescapeRbsp } from './io/bit-reader.js';
export { ChunkQueue } from './io/chunk-queue.js';
export { crc32Mpeg2 } from './io/crc32.js';
export * from './amf/amf0-types.js';
export { readAmf0Value, readAmf0Values } from './amf/amf0-reader.js';
export { writeAmf0Value, encodeAmf0 } from './amf/amf0-writer.js';
export { FlvDemuxer } from './flv/flv-demuxer.js';
export { FlvMuxer } from './flv/flv-muxer.js';
export type { FlvMuxerOptions } from './flv/flv-muxer.js';
export { parseVideoTagBody } from './flv/flv-video.js';
export type { FlvVideoBody } from './flv/flv-video.js';
export { parseAudioTagBody } from './flv/flv-audio.js';
export type { FlvAudioBody } from './flv/flv-audio.js';
export {
  FlvTagType,
  FLV_HEADER_SIZE,
  FLV_TAG_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE,
  FLV_MAX_DATA_SIZE,
  FLV_MAX_TIMESTAMP,
  buildFlvTag,
  parseFlvHeader,
  parseFlvTagHeader,
  writeFlvHeader,
} from './flv/flv-tag.js';
export type { FlvHeader, FlvTagHeader } from './flv/flv-tag.js';
export {
  VideoPacketType,
  AudioPacketType,
  VideoFrameType,
  fourccValue,
  fourccText,
} from './flv/enhanced-flv.js';
export { FLV_TIMESCALE } from './flv/flv-tracks.js';
export { opusHeadFromDops } from './flv/flv-opus.js';
