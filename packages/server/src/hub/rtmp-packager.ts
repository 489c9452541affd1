/**
 * RTMP play bytes, serialized once for every viewer. Each audio/video/data message is the FLV
 * tag body (RTMP spec 7.1.4-7.1.5; Enhanced RTMP keeps that identity) chunked at 4096 bytes on
 * message stream 1 with chunk streams 4 (audio), 6 (video) and 5 (data). Every message starts
 * with a type 0 chunk header (RTMP spec 5.3.1.2.1), so a viewer can join at any message boundary
 * and every viewer shares the same bytes. The session announces the chunk size (Set Chunk Size)
 * and sends StreamBegin / NetStream.Play.Start itself before subscribing.
 */
import { FlvTagType } from '@tidecast/media';
import { ChunkWriter } from '../rtmp/chunk-writer.js';
import { TagPackager, flvTagBody } from './tag-packager.js';
import type { FlvTagBytes } from './tag-packager.js';
import type { StreamChunk } from './stream-output.js';

export const RTMP_PLAY_CHUNK_SIZE = 4096;
export const RTMP_PLAY_STREAM_ID = 1;
export const RTMP_CSID = { audio: 4, data: 5, video: 6 } as const;

/** RTMP timestamps are 32-bit milliseconds that wrap (RTMP spec 5.3.1.3). */
const TIMESTAMP_WRAP = 0x1_0000_0000;

export class RtmpPackager extends TagPackager {
  readonly format = 'rtmp' as const;
  private readonly writer = new ChunkWriter({ chunkSize: RTMP_PLAY_CHUNK_SIZE, compress: false });

  protected encode(tag: FlvTagBytes): Uint8Array {
    const csid =
      tag.typeId === FlvTagType.Audio
        ? RTMP_CSID.audio
        : tag.typeId === FlvTagType.Video
          ? RTMP_CSID.video
          : RTMP_CSID.data;
    return this.writer.write(csid, {
      typeId: tag.typeId, // FLV TagType 8/9/18 equal RTMP message types 8/9/18
      streamId: RTMP_PLAY_STREAM_ID,
      timestamp: tag.dtsMs % TIMESTAMP_WRAP,
      payload: flvTagBody(tag.tag),
    });
  }

  protected formatHeader(): StreamChunk | undefined {
    return undefined;
  }
}
