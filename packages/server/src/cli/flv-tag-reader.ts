/**
 * Splits an FLV byte stream into raw tags (FLV spec v10.1 E.2-E.4.1) without decoding the
 * bodies: `tidecast push` forwards each audio/video/script body as one RTMP message (the RTMP
 * payload is the FLV tag body, RTMP spec 7.1.4-7.1.5).
 */
import {
  ChunkQueue,
  FLV_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE,
  FLV_TAG_HEADER_SIZE,
  parseFlvHeader,
  parseFlvTagHeader,
} from '@tidecast/media';

export interface FlvRawTag {
  tagType: number;
  /** Milliseconds (with TimestampExtended). */
  timestamp: number;
  body: Uint8Array;
}

export async function* readFlvTags(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<FlvRawTag> {
  const queue = new ChunkQueue();
  let skip = -1; // bytes of header + PreviousTagSize0 still to drop; -1 = header not seen
  for await (const chunk of chunks) {
    queue.push(chunk);
    while (true) {
      if (skip < 0) {
        const head = queue.peek(FLV_HEADER_SIZE);
        if (head === undefined) break;
        skip = parseFlvHeader(head).dataOffset + FLV_PREVIOUS_TAG_SIZE;
      }
      if (skip > 0) {
        skip -= queue.skip(skip);
        if (skip > 0) break;
      }
      const header = queue.peek(FLV_TAG_HEADER_SIZE);
      if (header === undefined) break;
      const tag = parseFlvTagHeader(header);
      const total = FLV_TAG_HEADER_SIZE + tag.dataSize + FLV_PREVIOUS_TAG_SIZE;
      if (queue.length < total) break;
      queue.skip(FLV_TAG_HEADER_SIZE);
      const body = queue.take(tag.dataSize) ?? new Uint8Array(0);
      queue.skip(FLV_PREVIOUS_TAG_SIZE);
      yield { tagType: tag.tagType, timestamp: tag.timestamp, body };
    }
  }
}
