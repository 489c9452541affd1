/**
 * Types for the mpegts.js internals the peer adapter drives. The npm package ships its source
 * (src/, ES modules, untyped JS) next to the UMD bundle; the bundle exposes only the player API,
 * so the bench loads the demuxer and remuxer classes from src/ (tsx transpiles them).
 * Only the members the adapter touches are declared, as read from mpegts.js 1.8.2.
 */

declare module 'mpegts.js/src/demux/flv-demuxer.js' {
  export interface FlvProbeResult {
    match?: boolean;
    needMoreData?: boolean;
    consumed?: number;
    dataOffset?: number;
    hasAudioTrack?: boolean;
    hasVideoTrack?: boolean;
  }

  export default class FLVDemuxer {
    constructor(probeData: FlvProbeResult, config: object);
    static probe(buffer: ArrayBuffer): FlvProbeResult;
    /** Parses whole tags from `chunk`; returns the bytes consumed (the caller keeps the rest). */
    parseChunks(chunk: ArrayBuffer, byteStart: number): number;
    onError: ((type: string, info: string) => void) | null;
    onMediaInfo: ((mediaInfo: unknown) => void) | null;
    destroy(): void;
  }
}

declare module 'mpegts.js/src/remux/mp4-remuxer.js' {
  import type FLVDemuxer from 'mpegts.js/src/demux/flv-demuxer.js';

  export interface InitSegment {
    type: string;
    data: ArrayBuffer;
    codec: string;
    container: string;
  }

  export interface MediaSegment {
    type: string;
    data: ArrayBuffer;
    sampleCount: number;
  }

  export default class MP4Remuxer {
    constructor(config: object);
    /** Wires the demuxer's onDataAvailable / onTrackMetadata to this remuxer. */
    bindDataSource(producer: FLVDemuxer): this;
    onInitSegment: ((type: string, segment: InitSegment) => void) | null;
    onMediaSegment: ((type: string, segment: MediaSegment) => void) | null;
    /** Emits the last sample of each track, held back to learn its duration (end of input). */
    flushStashedSamples(): void;
    destroy(): void;
  }
}

declare module 'mpegts.js/src/config.js' {
  export function createDefaultConfig(): Record<string, unknown>;
}

declare module 'mpegts.js/src/utils/logger.js' {
  interface Logger {
    ENABLE_ERROR: boolean;
    ENABLE_INFO: boolean;
    ENABLE_WARN: boolean;
    ENABLE_DEBUG: boolean;
    ENABLE_VERBOSE: boolean;
    ENABLE_CALLBACK: boolean;
    emitter: {
      on(event: 'log', listener: (level: string, message: string) => void): unknown;
    };
  }
  /** A class with static members in the source; only its statics are used. */
  const Log: Logger;
  export default Log;
}
