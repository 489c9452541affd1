/**
 * Media messages of a publishing stream as the session hands them on: 32-bit timestamps
 * extended past 2^32 ms (RTMP spec 1.0 5.3.1.1: timestamps wrap), aggregate messages split
 * (7.1.6), AMF3 data messages reduced to their AMF0 form, `@setDataFrame` unwrapped.
 */
import { decodeData } from './rtmp-commands.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
/** "@setDataFrame" as an AMF0 string: marker 0x02, u16 length 13, the 13 characters. */
const SET_DATA_FRAME = Uint8Array.from([0x02, 0x00, 0x0d, ...'@setDataFrame'].map(toByte));
/** Aggregate sub-message header (7.1.6: an FLV tag header) and back pointer. */
const SUB_HEADER = 11;
const BACK_POINTER = 4;

function toByte(c: number | string): number {
  return typeof c === 'number' ? c : c.charCodeAt(0);
}

/**
 * Extends one message stream's 32-bit timestamps (serial number arithmetic, RFC 1982): a step
 * of less than 2^31 either way is taken as the true step, so time keeps growing past the wrap.
 */
export class TimestampExtender {
  private low: number | undefined;
  private extended = 0;

  /** The extended value of `ts32`; `commit` false leaves the state alone (data messages). */
  extend(ts32: number, commit = true): number {
    let value = ts32;
    if (this.low !== undefined) {
      let delta = ts32 - this.low;
      if (delta >= TWO_31) delta -= TWO_32;
      else if (delta < -TWO_31) delta += TWO_32;
      value = Math.max(0, this.extended + delta);
    }
    if (commit) {
      this.low = ts32;
      this.extended = value;
    }
    return value;
  }
}

/** The media messages `message` carries, with extended timestamps. Throws RtmpProtocolError. */
export function mediaEvents(clock: TimestampExtender, message: RtmpMessage): RtmpMessage[] {
  switch (message.typeId) {
    case MessageType.Audio:
    case MessageType.Video:
      return [{ ...message, timestamp: clock.extend(message.timestamp) }];
    case MessageType.DataAMF0:
    case MessageType.DataAMF3:
      return [dataEvent(clock, message)];
    case MessageType.Aggregate:
      return splitAggregate(message).flatMap((m) => mediaEvents(clock, m));
    default:
      return [];
  }
}

/**
 * A data message as AMF0 (type 18); `@setDataFrame` stripped so the payload is the
 * "onMetaData", object pair players expect (the wrapper only tells the server to keep it).
 */
function dataEvent(clock: TimestampExtender, message: RtmpMessage): RtmpMessage {
  decodeData(message); // validates: bad AMF0 is a protocol error
  let payload = message.payload;
  if (message.typeId === MessageType.DataAMF3 && payload[0] === 0x00) payload = payload.subarray(1);
  if (startsWith(payload, SET_DATA_FRAME)) payload = payload.subarray(SET_DATA_FRAME.length);
  return {
    typeId: MessageType.DataAMF0,
    streamId: message.streamId,
    timestamp: clock.extend(message.timestamp, false),
    payload,
  };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * 7.1.6: an aggregate body is a run of sub-messages, each an FLV-style tag header (type,
 * 24-bit size, 24-bit timestamp + 8-bit high byte, 24-bit stream id), the body and a 4-byte
 * back pointer. Sub-message times are rebased so the first one lands on the aggregate's own
 * timestamp.
 */
export function splitAggregate(message: RtmpMessage): RtmpMessage[] {
  const body = message.payload;
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const out: RtmpMessage[] = [];
  let base: number | undefined;
  let at = 0;
  while (at < body.length) {
    if (body.length - at < SUB_HEADER) throw bad('aggregate sub-message header truncated', at);
    const typeId = view.getUint8(at);
    const size = view.getUint16(at + 1) * 256 + view.getUint8(at + 3);
    const ts =
      view.getUint8(at + 7) * 16777216 + view.getUint16(at + 4) * 256 + view.getUint8(at + 6);
    const end = at + SUB_HEADER + size;
    if (end + BACK_POINTER > body.length) throw bad('aggregate sub-message overruns', at);
    if (
      typeId !== MessageType.Audio &&
      typeId !== MessageType.Video &&
      typeId !== MessageType.DataAMF0
    ) {
      throw bad(`aggregate sub-message of type ${typeId}`, at);
    }
    base ??= ts;
    out.push({
      typeId,
      streamId: message.streamId,
      timestamp: (message.timestamp + (ts - base) + TWO_32) % TWO_32,
      payload: body.subarray(at + SUB_HEADER, end),
    });
    at = end + BACK_POINTER;
  }
  return out;
}

function bad(text: string, offset: number): RtmpProtocolError {
  return new RtmpProtocolError('BAD_MESSAGE', `${text} (byte ${offset})`);
}
