/**
 * HTTP-FLV / WS-FLV bytes, serialized once for every viewer: a joiner gets the FLV header and
 * PreviousTagSize0 (FLV spec v10.1 E.2-E.3), onMetaData, the sequence headers, then the cached
 * GOP; live viewers get each tag as FlvMuxer wrote it (tag + PreviousTagSize).
 */
import { TagPackager } from './tag-packager.js';
import type { FlvTagBytes } from './tag-packager.js';
import { headerChunk } from './stream-output.js';
import type { StreamChunk } from './stream-output.js';

export class FlvPackager extends TagPackager {
  readonly format = 'flv' as const;
  /** FLV header for the current track set (rebuilt only when the flags change). */
  private header: { key: string; chunk: StreamChunk } | undefined;

  protected encode(tag: FlvTagBytes): Uint8Array {
    return tag.tag;
  }

  protected formatHeader(): StreamChunk {
    const kinds = this.presentKinds();
    const key = `${kinds.hasVideo}/${kinds.hasAudio}`;
    if (this.header?.key !== key) {
      this.header = { key, chunk: headerChunk(this.muxer.header(kinds)) };
    }
    return this.header.chunk;
  }
}
