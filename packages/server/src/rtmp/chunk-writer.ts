/**
 * RTMP chunk stream writer (Adobe RTMP spec 1.0, 5.3): splits messages into chunks with the
 * smallest header the previous message on the same chunk stream allows.
 */
import { RtmpProtocolError } from './rtmp-errors.js';
import type { RtmpMessage } from './rtmp-message.js';

export interface ChunkWriterOptions {
  /** Outgoing chunk size (default 128; announce it with Set Chunk Size before using it). */
  chunkSize?: number;
  /**
   * Header compression across messages (fmt 1/2/3, default true). false: every message starts
   * with a fmt 0 header, so the bytes can be joined at any message boundary (shared fan-out).
   */
  compress?: boolean;
}

const TS_EXTENDED = 0xffffff;
const MAX_U32 = 0xffffffff;
const MAX_MESSAGE_LENGTH = 0xffffff;
/** 5.3.1.1: ids 2..63 fit the 1-byte form, up to 319 the 2-byte form, up to 65599 the 3-byte. */
const MAX_CSID = 65599;
const MESSAGE_HEADER_LENGTH = [11, 7, 3, 0] as const;

interface SentHeader {
  timestamp: number;
  /** Timestamp field of the latest fmt 0/1/2 header (absolute for fmt 0, else a delta). */
  field: number;
  fmt: number;
  length: number;
  typeId: number;
  streamId: number;
}

export class ChunkWriter {
  private size: number;
  private readonly compress: boolean;
  private readonly sent = new Map<number, SentHeader>();

  constructor(options: ChunkWriterOptions = {}) {
    this.size = 128;
    this.compress = options.compress ?? true;
    if (options.chunkSize !== undefined) this.setChunkSize(options.chunkSize);
  }

  /** Changes the outgoing chunk size for the next messages (1 .. 0x7FFFFFFF, 5.4.1). */
  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > 0x7fffffff) {
      throw new RtmpProtocolError('INVALID_ARGUMENT', `chunk size ${size} outside 1..2^31-1`);
    }
    this.size = size;
  }

  get chunkSize(): number {
    return this.size;
  }

  /** Serializes one message on chunk stream `csid` (2 .. 65599). */
  write(csid: number, msg: RtmpMessage): Uint8Array {
    checkArguments(csid, msg);
    const length = msg.payload.length;
    const prev = this.compress ? this.sent.get(csid) : undefined;
    // Pick the header (5.3.1.2): fmt 0 on a new stream, a new message stream id or time going
    // backwards; fmt 1 when length or type change; fmt 2 when only the delta changes; fmt 3
    // when the delta repeats that of the previous fmt 1/2 header. After fmt 0 we never use fmt 3
    // for a new message: peers disagree on what delta it implies.
    let fmt = 0;
    let field = msg.timestamp;
    if (prev && prev.streamId === msg.streamId && msg.timestamp >= prev.timestamp) {
      field = msg.timestamp - prev.timestamp;
      if (prev.length !== length || prev.typeId !== msg.typeId) fmt = 1;
      else if (prev.fmt === 0 || prev.field !== field) fmt = 2;
      else fmt = 3;
    }
    const extended = field >= TS_EXTENDED;
    const basic = csid < 64 ? 1 : csid < 320 ? 2 : 3;
    const headerLength = basic + (MESSAGE_HEADER_LENGTH[fmt] ?? 0) + (extended ? 4 : 0);
    const continuation = basic + (extended ? 4 : 0);
    const chunks = Math.max(1, Math.ceil(length / this.size));
    const out = new Uint8Array(headerLength + (chunks - 1) * continuation + length);
    const view = new DataView(out.buffer);

    let at = writeBasic(out, 0, fmt, csid);
    if (fmt <= 2) {
      writeU24(out, at, extended ? TS_EXTENDED : field);
      at += 3;
      if (fmt <= 1) {
        writeU24(out, at, length);
        out[at + 3] = msg.typeId;
        at += 4;
        if (fmt === 0) {
          view.setUint32(at, msg.streamId, true); // little-endian, 5.3.1.2.1
          at += 4;
        }
      }
    }
    // 5.3.1.3: the extended timestamp repeats on every fmt 3 chunk of the message.
    if (extended) {
      view.setUint32(at, field);
      at += 4;
    }
    let offset = 0;
    for (let i = 0; i < chunks; i++) {
      if (i > 0) {
        at = writeBasic(out, at, 3, csid);
        if (extended) {
          view.setUint32(at, field);
          at += 4;
        }
      }
      const n = Math.min(this.size, length - offset);
      out.set(msg.payload.subarray(offset, offset + n), at);
      at += n;
      offset += n;
    }
    if (this.compress) {
      this.sent.set(csid, {
        timestamp: msg.timestamp,
        field: fmt === 3 && prev ? prev.field : field,
        fmt: fmt === 3 && prev ? prev.fmt : fmt,
        length,
        typeId: msg.typeId,
        streamId: msg.streamId,
      });
    }
    return out;
  }

  /** Forgets the header state of every chunk stream (next message on each is fmt 0). */
  reset(): void {
    this.sent.clear();
  }
}

function checkArguments(csid: number, msg: RtmpMessage): void {
  if (!Number.isInteger(csid) || csid < 2 || csid > MAX_CSID) {
    throw new RtmpProtocolError('INVALID_ARGUMENT', `chunk stream id ${csid} outside 2..65599`);
  }
  if (msg.payload.length > MAX_MESSAGE_LENGTH) {
    throw new RtmpProtocolError(
      'INVALID_ARGUMENT',
      `message of ${msg.payload.length} bytes exceeds the 24-bit length field`,
    );
  }
  for (const [name, value, max] of [
    ['timestamp', msg.timestamp, MAX_U32],
    ['message stream id', msg.streamId, MAX_U32],
    ['message type id', msg.typeId, 255],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RtmpProtocolError('INVALID_ARGUMENT', `${name} ${value} outside 0..${max}`);
    }
  }
}

/** Basic header (5.3.1.1). */
function writeBasic(out: Uint8Array, at: number, fmt: number, csid: number): number {
  if (csid < 64) {
    out[at] = fmt * 64 + csid;
    return at + 1;
  }
  const id = csid - 64;
  if (csid < 320) {
    out[at] = fmt * 64;
    out[at + 1] = id;
    return at + 2;
  }
  out[at] = fmt * 64 + 1;
  out[at + 1] = id % 256;
  out[at + 2] = Math.floor(id / 256);
  return at + 3;
}

function writeU24(out: Uint8Array, at: number, value: number): void {
  out[at] = Math.floor(value / 65536);
  out[at + 1] = Math.floor(value / 256) % 256;
  out[at + 2] = value % 256;
}
