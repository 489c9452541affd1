/**
 * RTMP chunk stream reader (Adobe RTMP spec 1.0, 5.3): reassembles messages from chunks split
 * anywhere by the network. Sans-IO; throws only RtmpProtocolError.
 *
 * Memory: a message buffer grows with the bytes that actually arrived (never preallocated from
 * the declared length), and all partial messages together are bounded by maxBufferedBytes, so a
 * peer that announces 16 MiB messages on every chunk stream and then stalls costs little.
 */
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType, decodeAbort, decodeSetChunkSize } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

export interface ChunkReaderLimits {
  /** Largest message length accepted (default 16 MiB: every 24-bit length). */
  maxMessageBytes?: number;
  /** Most distinct chunk stream ids a peer may use (default 64). */
  maxChunkStreams?: number;
  /** Largest Set Chunk Size accepted (default 0xFFFFFF; see setChunkSize). */
  maxChunkSize?: number;
  /** Bound on bytes held for incomplete messages across all chunk streams (default 32 MiB). */
  maxBufferedBytes?: number;
}

/** Chunk size before any Set Chunk Size (5.4.1). */
export const DEFAULT_CHUNK_SIZE = 128;
/**
 * 5.4.1 allows 1 .. 0x7FFFFFFF but notes that sizes above 0xFFFFFF are all equivalent, since no
 * message is longer than 0xFFFFFF bytes. We reject above that: no encoder needs more (FMS caps
 * at 65536, ffmpeg and OBS send 4096..60000), and 2^31-1 is only ever a probe.
 */
export const MAX_CHUNK_SIZE = 0xffffff;

const TS_EXTENDED = 0xffffff;
const TWO_32 = 4294967296;
/** First allocation for a message whose declared length is larger. */
const INITIAL_CAPACITY = 64 * 1024;
/** Basic header (3) + type 0 message header (11) + extended timestamp (4), 5.3.1. */
const MAX_HEADER = 18;
const MESSAGE_HEADER_LENGTH = [11, 7, 3, 0] as const;

/** Header state of one chunk stream (5.3.1.2): what fmt 1/2/3 chunks leave out. */
interface ChunkStream {
  timestamp: number;
  /** Delta applied by a fmt 3 chunk that starts a message; after fmt 0, its timestamp (5.3.1.2.4). */
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  /** The latest fmt 0/1/2 header carried an extended timestamp with this value (5.3.1.3). */
  extended: number | undefined;
  /** Partial message, or undefined between messages. */
  buffer: Uint8Array | undefined;
  filled: number;
}

export class ChunkReader {
  private readonly maxMessageBytes: number;
  private readonly maxChunkStreams: number;
  private readonly maxChunkSize: number;
  private readonly maxBufferedBytes: number;
  private readonly streams = new Map<number, ChunkStream>();
  private size = DEFAULT_CHUNK_SIZE;
  private buffered = 0;
  /** Header bytes collected so far for the chunk being parsed. */
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLength = 0;
  /** Chunk stream whose chunk payload is being read, and payload bytes left in this chunk. */
  private current: ChunkStream | undefined;
  private chunkLeft = 0;
  private failure: RtmpProtocolError | undefined;
  /** Trailing header bytes that turned out to be payload (absent fmt 3 extended timestamp). */
  private pushback = 0;

  constructor(limits: ChunkReaderLimits = {}) {
    this.maxMessageBytes = limits.maxMessageBytes ?? 16 * 1024 * 1024;
    this.maxChunkStreams = limits.maxChunkStreams ?? 64;
    this.maxChunkSize = limits.maxChunkSize ?? MAX_CHUNK_SIZE;
    this.maxBufferedBytes = limits.maxBufferedBytes ?? 32 * 1024 * 1024;
  }

  /**
   * Feeds bytes (any split); returns the messages they complete, in order. Set Chunk Size and
   * Abort messages take effect right where they end (later chunks in the same bytes depend on
   * them) and are still returned. After a throw the reader stays failed.
   */
  push(bytes: Uint8Array): RtmpMessage[] {
    if (this.failure) throw this.failure;
    const out: RtmpMessage[] = [];
    try {
      this.consume(bytes, out);
    } catch (error) {
      this.failure =
        error instanceof RtmpProtocolError
          ? error
          : new RtmpProtocolError('BAD_CHUNK', 'chunk stream parse failed', { cause: error });
      throw this.failure;
    }
    return out;
  }

  /**
   * Applies the peer's Set Chunk Size (5.4.1). push() already does this for type 1 messages;
   * calling it again with the same value is harmless.
   */
  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > this.maxChunkSize) {
      throw new RtmpProtocolError(
        'BAD_CHUNK_SIZE',
        `chunk size ${size} outside 1..${this.maxChunkSize}`,
      );
    }
    this.size = size;
  }

  /**
   * Drops the partial message of one chunk stream (Abort Message, 5.4.2). push() already does
   * this for type 2 messages at the right byte; a later call would drop a newer partial message.
   */
  abort(chunkStreamId: number): void {
    const stream = this.streams.get(chunkStreamId);
    if (!stream?.buffer) return;
    if (this.current === stream && this.chunkLeft > 0) return; // mid-chunk: cannot cut here
    this.buffered -= stream.buffer.length;
    stream.buffer = undefined;
    stream.filled = 0;
  }

  /** Bytes held for incomplete messages (allocated capacity), for memory accounting. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  get chunkSize(): number {
    return this.size;
  }

  private consume(data: Uint8Array, out: RtmpMessage[]): void {
    let pos = 0;
    while (pos < data.length) {
      const stream = this.current;
      if (stream === undefined) {
        const start = pos;
        pos = this.readHeader(data, pos, out);
        const back = this.pushback;
        if (back > 0) {
          // Bytes taken for an absent fmt 3 extended timestamp are payload: read them again.
          this.pushback = 0;
          if (pos - start >= back) {
            pos -= back;
          } else {
            const again = new Uint8Array(back + data.length - pos);
            again.set(this.header.subarray(this.headerLength - back, this.headerLength));
            again.set(data.subarray(pos), back);
            data = again;
            pos = 0;
          }
          this.headerLength = 0;
          this.startPayload();
        }
        continue;
      }
      const n = Math.min(this.chunkLeft, data.length - pos);
      this.append(stream, data.subarray(pos, pos + n));
      pos += n;
      this.chunkLeft -= n;
      if (this.chunkLeft === 0) {
        this.current = undefined;
        if (stream.filled === stream.length) this.complete(stream, out);
      }
    }
  }

  /**
   * Collects header bytes; returns the position after them (also when more bytes are needed:
   * then `current` stays unset). Sets `pushback` when the last header bytes taken must be read
   * again as payload.
   */
  private readHeader(data: Uint8Array, pos: number, out: RtmpMessage[]): number {
    const h = this.header;
    const take = (need: number): boolean => {
      while (this.headerLength < need && pos < data.length) {
        h[this.headerLength++] = data[pos++] ?? 0;
      }
      return this.headerLength >= need;
    };
    if (!take(1)) return pos;
    const b0 = h[0] ?? 0;
    const fmt = Math.floor(b0 / 64);
    const low = b0 % 64;
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    if (!take(basic)) return pos;
    const csid =
      low === 0 ? 64 + (h[1] ?? 0) : low === 1 ? 64 + (h[1] ?? 0) + 256 * (h[2] ?? 0) : low;
    const fixed = basic + (MESSAGE_HEADER_LENGTH[fmt] ?? 0);
    if (!take(fixed)) return pos;

    const stream = this.streams.get(csid);
    if (fmt === 3) {
      if (stream === undefined) {
        throw new RtmpProtocolError('BAD_CHUNK', `fmt 3 chunk on new chunk stream ${csid}`);
      }
      const expected = stream.extended;
      if (expected !== undefined) {
        // 5.3.1.3: present when the latest fmt 0/1/2 header had one; rtmpdump-era peers omit
        // it, so keep the 4 bytes only when they repeat that value (as SRS and lal do). Bytes
        // are compared one at a time so a mismatch is known without waiting for all four.
        while (this.headerLength < fixed + 4) {
          if (!take(this.headerLength + 1)) return pos;
          const k = this.headerLength - fixed - 1;
          if (h[fixed + k] !== Math.floor(expected / 256 ** (3 - k)) % 256) {
            this.beginChunk(stream, out);
            this.pushback = k + 1;
            return pos;
          }
        }
      }
      this.beginChunk(stream, out);
      this.headerLength = 0;
      this.startPayload();
      return pos;
    }

    const field = readU24(h, basic);
    const hasExtended = field === TS_EXTENDED;
    if (hasExtended && !take(fixed + 4)) return pos;
    const time = hasExtended ? readU32(h, fixed) : field;
    if (stream?.buffer) {
      throw new RtmpProtocolError(
        'BAD_CHUNK',
        `fmt ${fmt} header on chunk stream ${csid} in the middle of a message`,
      );
    }
    let state = stream;
    if (state === undefined) {
      if (fmt === 2) {
        throw new RtmpProtocolError('BAD_CHUNK', `fmt 2 chunk on new chunk stream ${csid}`);
      }
      if (this.streams.size >= this.maxChunkStreams) {
        throw new RtmpProtocolError(
          'TOO_MANY_CHUNK_STREAMS',
          `more than ${this.maxChunkStreams} chunk streams`,
        );
      }
      // fmt 1 on a fresh chunk stream: librtmp sends its first control messages this way.
      state = {
        timestamp: 0,
        delta: 0,
        length: 0,
        typeId: 0,
        streamId: 0,
        extended: undefined,
        buffer: undefined,
        filled: 0,
      };
      this.streams.set(csid, state);
    }
    if (fmt <= 1) {
      state.length = readU24(h, basic + 3);
      state.typeId = h[basic + 6] ?? 0;
      if (state.length > this.maxMessageBytes) {
        throw new RtmpProtocolError(
          'MESSAGE_TOO_LARGE',
          `message of ${state.length} bytes on chunk stream ${csid} (limit ${this.maxMessageBytes})`,
        );
      }
    }
    if (fmt === 0) {
      // Message stream id is little-endian (5.3.1.2.1).
      state.streamId =
        (h[basic + 7] ?? 0) +
        256 * (h[basic + 8] ?? 0) +
        65536 * (h[basic + 9] ?? 0) +
        16777216 * (h[basic + 10] ?? 0);
      state.timestamp = time;
      state.delta = time;
    } else {
      state.delta = time;
      state.timestamp = (state.timestamp + time) % TWO_32;
    }
    state.extended = hasExtended ? time : undefined;
    this.headerLength = 0;
    this.current = state;
    this.startMessage(state, out);
    return pos;
  }

  /** fmt 3: a continuation, or a new message that repeats the previous header (5.3.1.2.4). */
  private beginChunk(stream: ChunkStream, out: RtmpMessage[]): void {
    this.current = stream;
    if (stream.buffer === undefined && stream.filled === 0) {
      stream.timestamp = (stream.timestamp + stream.delta) % TWO_32;
      this.startMessage(stream, out);
    }
  }

  /** Begins a message on `stream` (already `current`); empty messages complete at once. */
  private startMessage(stream: ChunkStream, out: RtmpMessage[]): void {
    stream.filled = 0;
    if (stream.length === 0) {
      this.current = undefined;
      this.complete(stream, out);
      return;
    }
    this.startPayload();
  }

  private startPayload(): void {
    const stream = this.current;
    if (stream === undefined) return;
    this.chunkLeft = Math.min(this.size, stream.length - stream.filled);
  }

  private append(stream: ChunkStream, bytes: Uint8Array): void {
    const need = stream.filled + bytes.length;
    let buffer = stream.buffer;
    if (buffer === undefined || buffer.length < need) {
      const old = buffer?.length ?? 0;
      const capacity = Math.min(stream.length, Math.max(need, old * 2, INITIAL_CAPACITY));
      if (this.buffered - old + capacity > this.maxBufferedBytes) {
        throw new RtmpProtocolError(
          'BUFFER_LIMIT',
          `partial messages would hold more than ${this.maxBufferedBytes} bytes`,
        );
      }
      const grown = new Uint8Array(capacity);
      if (buffer) grown.set(buffer.subarray(0, stream.filled));
      this.buffered += capacity - old;
      stream.buffer = buffer = grown;
    }
    buffer.set(bytes, stream.filled);
    stream.filled = need;
  }

  private complete(stream: ChunkStream, out: RtmpMessage[]): void {
    const payload = stream.buffer ?? new Uint8Array(0);
    if (stream.buffer) this.buffered -= stream.buffer.length;
    stream.buffer = undefined;
    stream.filled = 0;
    const message: RtmpMessage = {
      typeId: stream.typeId,
      streamId: stream.streamId,
      timestamp: stream.timestamp,
      payload,
    };
    out.push(message);
    // Control messages change how the very next bytes parse (5.4.1, 5.4.2).
    if (message.typeId === MessageType.SetChunkSize) {
      this.setChunkSize(decodeSetChunkSize(payload));
    } else if (message.typeId === MessageType.Abort) {
      this.abort(decodeAbort(payload));
    }
  }
}

function readU24(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) * 65536 + (b[at + 1] ?? 0) * 256 + (b[at + 2] ?? 0);
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) * 16777216 + readU24(b, at + 1);
}
