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
export {
  buildInitSegment,
  mp4Timescale,
  MOVIE_TIMESCALE,
  VIDEO_TIMESCALE,
} from './mp4/init-segment.js';
export type { InitSegmentOptions } from './mp4/init-segment.js';
export {
  buildMediaSegment,
  SYNC_SAMPLE_FLAGS,
  NON_SYNC_SAMPLE_FLAGS,
} from './mp4/media-segment.js';
export type { FragmentSample, TrackFragment } from './mp4/media-segment.js';
export { buildSidx } from './mp4/sidx-writer.js';
export type { SidxOptions, SidxReference } from './mp4/sidx-writer.js';
export { Mp4Fragmenter } from './mp4/mp4-fragmenter.js';
export type {
  Fmp4Chunk,
  Fmp4InitChunk,
  Fmp4MediaChunk,
  Mp4FragmenterOptions,
} from './mp4/mp4-fragmenter.js';
export * from './codecs/h264/annexb.js';
export * from './codecs/h264/h264-vui.js';
export * from './codecs/h264/h264-sps.js';
export * from './codecs/h264/h264-avcc.js';
export * from './codecs/h265/h265-ptl.js';
export * from './codecs/h265/h265-sps.js';
export * from './codecs/h265/h265-hvcc.js';
export * from './codecs/av1/av1-sequence-header.js';
export * from './codecs/av1/av1-config.js';
export * from './codecs/aac/aac-tables.js';
export * from './codecs/aac/aac-asc.js';
export * from './codecs/aac/aac-adts.js';
export * from './codecs/mp3/mp3-header.js';
export * from './codecs/opus/opus-head.js';
export * from './codecs/codec-string.js';
export * from './codecs/track-config.js';
export { readBoxes, findBox, findBoxes, fieldsOf, findFields } from './mp4/box-reader.js';
export type { Mp4Box, ReadBoxesOptions } from './mp4/box-reader.js';
export { readFragmentedMp4 } from './mp4/fmp4-reader.js';
export type {
  Fmp4Sample,
  Fmp4TrackInfo,
  Mp4ReadResult,
  ReadMp4Options,
} from './mp4/fmp4-reader.js';
export type { BoxFields, BoxFieldsKind, FieldsOf } from './mp4/mp4-boxes.js';
export type { SidxFields } from './mp4/box-fields-moof.js';
export type { ByteRange } from './io/chunk-queue.js';
export { TsMuxer } from './mpegts/ts-muxer.js';
export type { TsMuxerOptions } from './mpegts/ts-muxer.js';
export { TsDemuxer } from './mpegts/ts-demuxer.js';
export * from './hls/playlist-types.js';
export {
  writeMediaPlaylist,
  formatDuration,
  targetDurationFor,
} from './hls/media-playlist-writer.js';
export type { MediaPlaylistWriteOptions } from './hls/media-playlist-writer.js';
export { skippableSegmentCount, applyDeltaUpdate } from './hls/media-playlist-delta.js';
export { resolveUri } from './hls/uri-resolve.js';
export { parseMediaPlaylist } from './hls/media-playlist-parser.js';
export { parseMultivariantPlaylist, isMultivariant } from './hls/multivariant-playlist-parser.js';
export { writeMultivariantPlaylist } from './hls/multivariant-playlist-writer.js';
