/**
 * RTMP messages (Adobe RTMP spec 1.0, 5.4, 6.2 and 7.1): the message model the chunk stream
 * carries, the message type ids, and the protocol control and user control payloads.
 */
import { RtmpProtocolError } from './rtmp-errors.js';

/** One reassembled RTMP message (5.1; 6.1.1 message header). */
export interface RtmpMessage {
  typeId: number;
  /** Message stream id (0 for protocol control and NetConnection commands). */
  streamId: number;
  /** 32-bit timestamp in ms as carried on the wire (wraps at 2^32; the session extends it). */
  timestamp: number;
  payload: Uint8Array;
}

/** Message type ids (5.4 protocol control, 6.2 user control, 7.1 command/data/media). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAMF3: 15,
  SharedObjectAMF3: 16,
  CommandAMF3: 17,
  DataAMF0: 18,
  SharedObjectAMF0: 19,
  CommandAMF0: 20,
  Aggregate: 22,
} as const;

/** Protocol control messages travel on chunk stream 2, message stream 0 (5.4). */
export const CONTROL_CHUNK_STREAM_ID = 2;

/** Set Peer Bandwidth limit types (5.4.5). */
export const PeerBandwidthLimit = { Hard: 0, Soft: 1, Dynamic: 2 } as const;
export type PeerBandwidthLimitType = (typeof PeerBandwidthLimit)[keyof typeof PeerBandwidthLimit];

/** User control event types (6.2 and 7.1.7). */
export const UserControlEvent = {
  StreamBegin: 0,
  StreamEOF: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

/** A decoded user control event. Unknown event types are kept, not rejected. */
export type UserControl =
  | { kind: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded'; streamId: number }
  | { kind: 'set-buffer-length'; streamId: number; bufferMs: number }
  | { kind: 'ping-request' | 'ping-response'; timestamp: number }
  | { kind: 'unknown'; eventType: number; data: Uint8Array };

/** A protocol control / user control message: message stream 0, timestamp 0 unless given. */
export function controlMessage(typeId: number, payload: Uint8Array, timestamp = 0): RtmpMessage {
  return { typeId, streamId: 0, timestamp, payload };
}

const MAX_UINT32 = 0xffffffff;
const MAX_CHUNK_SIZE_FIELD = 0x7fffffff;

const USER_CONTROL_KINDS = {
  [UserControlEvent.StreamBegin]: 'stream-begin',
  [UserControlEvent.StreamEOF]: 'stream-eof',
  [UserControlEvent.StreamDry]: 'stream-dry',
  [UserControlEvent.StreamIsRecorded]: 'stream-is-recorded',
} as const;

function u32(value: number, what: string): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, checkU32(value, what));
  return out;
}

function checkU32(value: number, what: string, max = MAX_UINT32): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RtmpProtocolError('INVALID_ARGUMENT', `${what} out of range: ${value}`);
  }
  return value;
}

function view(payload: Uint8Array, need: number, what: string): DataView {
  if (payload.length < need) {
    throw new RtmpProtocolError(
      'BAD_MESSAGE',
      `${what} payload has ${payload.length} bytes, needs ${need}`,
    );
  }
  return new DataView(payload.buffer, payload.byteOffset, payload.length);
}

/** Set Chunk Size (5.4.1): 31-bit size, the top bit MUST be zero. */
export function encodeSetChunkSize(size: number): Uint8Array {
  if (size < 1) throw new RtmpProtocolError('INVALID_ARGUMENT', `chunk size ${size} below 1`);
  return u32(checkU32(size, 'chunk size', MAX_CHUNK_SIZE_FIELD), 'chunk size');
}

/**
 * Returns the 32-bit field as sent (top bit included); the chunk reader applies the bounds so
 * that one place decides what is absurd (5.4.1).
 */
export function decodeSetChunkSize(payload: Uint8Array): number {
  return view(payload, 4, 'Set Chunk Size').getUint32(0);
}

/** Abort Message (5.4.2): the chunk stream id whose partial message to drop. */
export function encodeAbort(chunkStreamId: number): Uint8Array {
  return u32(chunkStreamId, 'chunk stream id');
}
export function decodeAbort(payload: Uint8Array): number {
  return view(payload, 4, 'Abort').getUint32(0);
}

/** Acknowledgement (5.4.3): bytes received so far (wraps at 2^32). */
export function encodeAcknowledgement(sequenceNumber: number): Uint8Array {
  return u32(sequenceNumber, 'sequence number');
}
export function decodeAcknowledgement(payload: Uint8Array): number {
  return view(payload, 4, 'Acknowledgement').getUint32(0);
}

/** Window Acknowledgement Size (5.4.4). */
export function encodeWindowAckSize(size: number): Uint8Array {
  return u32(size, 'window size');
}
export function decodeWindowAckSize(payload: Uint8Array): number {
  return view(payload, 4, 'Window Acknowledgement Size').getUint32(0);
}

/** Set Peer Bandwidth (5.4.5): window size then limit type (0 hard, 1 soft, 2 dynamic). */
export function encodeSetPeerBandwidth(
  windowSize: number,
  limitType: PeerBandwidthLimitType,
): Uint8Array {
  const out = new Uint8Array(5);
  out.set(u32(windowSize, 'window size'));
  out[4] = checkU32(limitType, 'limit type', 2);
  return out;
}
export function decodeSetPeerBandwidth(payload: Uint8Array): {
  windowSize: number;
  limitType: PeerBandwidthLimitType;
} {
  const v = view(payload, 5, 'Set Peer Bandwidth');
  const limitType = v.getUint8(4);
  if (limitType > 2) {
    throw new RtmpProtocolError('BAD_MESSAGE', `Set Peer Bandwidth limit type ${limitType}`);
  }
  return { windowSize: v.getUint32(0), limitType: limitType as PeerBandwidthLimitType };
}

/** User Control Message (6.2, 7.1.7): 2-byte event type then the event data. */
export function encodeUserControl(event: UserControl): Uint8Array {
  switch (event.kind) {
    case 'stream-begin':
    case 'stream-eof':
    case 'stream-dry':
    case 'stream-is-recorded':
      return withEventType(eventTypeOf(event.kind), u32(event.streamId, 'stream id'));
    case 'set-buffer-length': {
      const data = new Uint8Array(8);
      data.set(u32(event.streamId, 'stream id'));
      data.set(u32(event.bufferMs, 'buffer length'), 4);
      return withEventType(UserControlEvent.SetBufferLength, data);
    }
    case 'ping-request':
    case 'ping-response':
      return withEventType(
        event.kind === 'ping-request'
          ? UserControlEvent.PingRequest
          : UserControlEvent.PingResponse,
        u32(event.timestamp, 'ping timestamp'),
      );
    case 'unknown':
      return withEventType(checkU32(event.eventType, 'event type', 0xffff), event.data);
  }
}

function eventTypeOf(kind: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded') {
  switch (kind) {
    case 'stream-begin':
      return UserControlEvent.StreamBegin;
    case 'stream-eof':
      return UserControlEvent.StreamEOF;
    case 'stream-dry':
      return UserControlEvent.StreamDry;
    case 'stream-is-recorded':
      return UserControlEvent.StreamIsRecorded;
  }
}

function withEventType(eventType: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + data.length);
  out[0] = Math.floor(eventType / 256);
  out[1] = eventType % 256;
  out.set(data, 2);
  return out;
}

export function decodeUserControl(payload: Uint8Array): UserControl {
  const v = view(payload, 2, 'User Control');
  const eventType = v.getUint16(0);
  switch (eventType) {
    case UserControlEvent.StreamBegin:
    case UserControlEvent.StreamEOF:
    case UserControlEvent.StreamDry:
    case UserControlEvent.StreamIsRecorded:
      return {
        kind: USER_CONTROL_KINDS[eventType],
        streamId: view(payload, 6, 'User Control stream event').getUint32(2),
      };
    case UserControlEvent.SetBufferLength: {
      const d = view(payload, 10, 'User Control SetBufferLength');
      return { kind: 'set-buffer-length', streamId: d.getUint32(2), bufferMs: d.getUint32(6) };
    }
    case UserControlEvent.PingRequest:
    case UserControlEvent.PingResponse:
      return {
        kind: eventType === UserControlEvent.PingRequest ? 'ping-request' : 'ping-response',
        timestamp: view(payload, 6, 'User Control ping').getUint32(2),
      };
    default:
      return { kind: 'unknown', eventType, data: payload.slice(2) };
  }
}
