/**
 * The viewer side of the live hub. Output glue (HTTP-FLV, WS-FLV, RTMP play, fMP4) wraps its
 * socket in a `ByteSink` and subscribes a `StreamOutput`; the hub serializes each packet once
 * per format (a packager) and hands the same `Uint8Array` to every viewer of that format
 * through the viewer's bounded `SubscriberQueue`.
 */
import type { Amf0Value, MediaPacket, TrackInfo } from '@tidecast/media';

export type OutputProtocol = 'flv-http' | 'flv-ws' | 'rtmp' | 'fmp4-http' | 'fmp4-ws';

/** Wire format shared by several protocols (the unit of "serialize once"). */
export type OutputFormat = 'flv' | 'rtmp' | 'fmp4';

export const OUTPUT_PROTOCOLS: readonly OutputProtocol[] = [
  'flv-http',
  'flv-ws',
  'rtmp',
  'fmp4-http',
  'fmp4-ws',
];

export function formatOf(protocol: OutputProtocol): OutputFormat {
  switch (protocol) {
    case 'flv-http':
    case 'flv-ws':
      return 'flv';
    case 'rtmp':
      return 'rtmp';
    case 'fmp4-http':
    case 'fmp4-ws':
      return 'fmp4';
  }
}

/**
 * Why the hub closes a viewer: the stream ended (no publisher after the grace period), the
 * viewer stayed behind longer than allowed, or the stream was disposed (server stop, kick).
 */
export type CloseReason = 'end-of-stream' | 'too-slow' | 'stream-disposed';

/**
 * A writable byte destination, e.g. a net.Socket, an HTTP response or a WebSocket. Mirrors
 * the Node stream contract: `write` always accepts the bytes and returns false once the
 * sink's own buffer is full; `onDrain` listeners run when it has room again.
 */
export interface ByteSink {
  /** One payload; the sink adds its protocol's framing (HTTP chunk, WebSocket message). */
  write(bytes: Uint8Array): boolean;
  /**
   * How the sink frames a payload on the wire. With `writeFramed`, the hub frames each turn's
   * batch once per framing and every in-sync viewer gets the same wire bytes in one write.
   */
  readonly framing?: WireFraming;
  /** Writes bytes already framed with `framing`, as they are. */
  writeFramed?(wire: Uint8Array): boolean;
  /** Registers a listener for every future drain (registered once per viewer). */
  onDrain(listener: () => void): void;
  /** Ends the viewer's connection; the glue sends protocol goodbyes (RTMP StreamEOF, ...). */
  close(reason: CloseReason): void;
  /** Optional batching around one turn's writes (net.Socket cork/uncork -> one writev). */
  cork?(): void;
  uncork?(): void;
}

/** A protocol's wire framing of one payload (stateless, so its output can be shared). */
export interface WireFraming {
  frame(payload: Uint8Array): Uint8Array;
}

export interface StreamOutput {
  readonly protocol: OutputProtocol;
  /** For stats and logs (e.g. the connection id). */
  readonly id: string;
  readonly sink: ByteSink;
  /**
   * The media kinds this viewer wants (RTMP receiveAudio / receiveVideo); all when absent. The
   * hub reads it at every delivery, so the glue may change it while the viewer plays.
   */
  readonly receive?: MediaSelection;
}

/** Which media a viewer receives; headers (sequence headers, metadata) always go. */
export interface MediaSelection {
  audio: boolean;
  video: boolean;
}

/**
 * One serialized unit shared by all viewers of a format. `header` chunks (FLV header,
 * metadata, sequence headers, fMP4 init) are never dropped; media chunks may be.
 */
export interface StreamChunk {
  readonly bytes: Uint8Array;
  readonly kind: 'header' | 'video' | 'audio';
  /** Video: a decoder can start here (IDR / fMP4 fragment opening with a sync sample). */
  readonly keyframe: boolean;
  /** Decode time in milliseconds (0 for headers). */
  readonly dtsMs: number;
  /** Media frames inside (1 per FLV tag / RTMP message; an fMP4 fragment may hold several). */
  readonly frames: number;
}

/** Serializes the stream once for one format and remembers what a joining viewer needs. */
export interface StreamPackager {
  readonly format: OutputFormat;
  /** Format header, metadata and sequence headers (or init segment), then the cached GOP. */
  joinChunks(): StreamChunk[];
  setTrack(track: TrackInfo): StreamChunk[];
  setMetadata(value: Amf0Value): StreamChunk[];
  packet(packet: MediaPacket): StreamChunk[];
  /** Publisher gone for good: emit whatever is still pending. */
  flush(): StreamChunk[];
}

export function headerChunk(bytes: Uint8Array): StreamChunk {
  return { bytes, kind: 'header', keyframe: false, dtsMs: 0, frames: 0 };
}
