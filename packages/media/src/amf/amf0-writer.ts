import { ByteWriter } from '../io/byte-writer.js';
import { InvalidArgumentError, LimitExceededError } from '../errors.js';
import {
  AMF0_MAX_DEPTH,
  Amf0EcmaArray,
  Amf0Marker,
  Amf0TypedObject,
  Amf0Xml,
  isAmf0Object,
} from './amf0-types.js';
import type { Amf0Object, Amf0Value } from './amf0-types.js';

/**
 * Complex values already written, by identity, with their reference index (AMF0 2.9: "if the
 * exact same instance of a complex object appears more than once ... it must be sent by
 * reference"). Besides following the spec this keeps graphs with shared parts linear in size
 * and makes cyclic graphs writable.
 */
type WrittenTable = Map<object, number>;

const utf8 = new TextEncoder();

/**
 * Appends one AMF0 value. The reference table starts empty for each call (AMF0 4.1). Throws
 * InvalidArgumentError for values outside Amf0Value and LimitExceededError past
 * AMF0_MAX_DEPTH levels of nesting.
 */
export function writeAmf0Value(writer: ByteWriter, value: Amf0Value): void {
  const start = writer.pos;
  try {
    writeValue(writer, value, { table: new Map(), next: 0 }, 0);
  } catch (error) {
    writer.pos = start; // drop the partial value so the writer holds only whole values
    throw error;
  }
}

/** Encodes values back to back: an RTMP command or an FLV SCRIPTDATA body. */
export function encodeAmf0(...values: Amf0Value[]): Uint8Array {
  const writer = new ByteWriter();
  for (const value of values) writeAmf0Value(writer, value);
  return writer.finish();
}

interface State {
  table: WrittenTable;
  /** Index the next complex value gets; counts every one written, even past the u16 range. */
  next: number;
}

function writeValue(w: ByteWriter, value: Amf0Value, state: State, depth: number): void {
  if (value === null) {
    w.u8(Amf0Marker.Null);
  } else if (value === undefined) {
    w.u8(Amf0Marker.Undefined);
  } else if (typeof value === 'number') {
    w.u8(Amf0Marker.Number).f64(value);
  } else if (typeof value === 'boolean') {
    w.u8(Amf0Marker.Boolean).u8(value ? 1 : 0);
  } else if (typeof value === 'string') {
    writeString(w, value);
  } else if (value instanceof Date) {
    // 2.13: milliseconds since the epoch, UTC; time-zone is reserved and sent as 0.
    w.u8(Amf0Marker.Date).f64(value.getTime()).i16(0);
  } else if (value instanceof Amf0Xml) {
    const body = utf8.encode(value.text);
    w.u8(Amf0Marker.XmlDocument).u32(body.length).bytes(body);
  } else {
    writeComplex(w, value, state, depth);
  }
}

function writeComplex(
  w: ByteWriter,
  value: Amf0Value[] | Amf0Object | Amf0EcmaArray | Amf0TypedObject,
  state: State,
  depth: number,
): void {
  // Reject non-values (functions, bigint, Map, class instances) before they get an index.
  const keyed = value instanceof Amf0EcmaArray || value instanceof Amf0TypedObject;
  if (!Array.isArray(value) && !keyed && !isAmf0Object(value)) {
    throw new InvalidArgumentError(`not an AMF0 value: ${typeName(value)}`);
  }
  const seen = state.table.get(value);
  if (seen !== undefined) {
    w.u8(Amf0Marker.Reference).u16(seen);
    return;
  }
  if (depth >= AMF0_MAX_DEPTH) {
    throw new LimitExceededError(`AMF0 value nests deeper than ${AMF0_MAX_DEPTH} levels`);
  }
  // Only indices a u16 can carry are ever referenced; later repeats are written inline.
  if (state.next <= 0xffff) state.table.set(value, state.next);
  state.next++;
  const inner = depth + 1;
  if (Array.isArray(value)) {
    w.u8(Amf0Marker.StrictArray).u32(value.length);
    // Index loop, not for-of: holes in a sparse array are written as undefined.
    for (let i = 0; i < value.length; i++) writeValue(w, value[i], state, inner);
  } else if (value instanceof Amf0EcmaArray) {
    const keys = Object.keys(value.properties);
    w.u8(Amf0Marker.EcmaArray).u32(keys.length);
    writeProperties(w, value.properties, keys, state, inner);
  } else if (value instanceof Amf0TypedObject) {
    w.u8(Amf0Marker.TypedObject);
    writeShortString(w, value.className, 'AMF0 class name');
    writeProperties(w, value.properties, Object.keys(value.properties), state, inner);
  } else {
    w.u8(Amf0Marker.Object);
    writeProperties(w, value, Object.keys(value), state, inner);
  }
}

/** 2.5 object-property list, closed by an empty name and the object end marker (2.11). */
function writeProperties(
  w: ByteWriter,
  props: Amf0Object,
  keys: string[],
  state: State,
  depth: number,
): void {
  for (const key of keys) {
    // An empty name is the end-of-object sentinel, so it cannot name a property.
    if (key === '') throw new InvalidArgumentError('AMF0 property names cannot be empty');
    writeShortString(w, key, 'AMF0 property name');
    writeValue(w, props[key], state, depth);
  }
  w.u16(0).u8(Amf0Marker.ObjectEnd);
}

/** 2.4 / 2.14: a string whose UTF-8 form needs more than 65535 bytes becomes a long string. */
function writeString(w: ByteWriter, text: string): void {
  const body = utf8.encode(text);
  if (body.length > 0xffff) {
    w.u8(Amf0Marker.LongString).u32(body.length).bytes(body);
  } else {
    w.u8(Amf0Marker.String).u16(body.length).bytes(body);
  }
}

/** UTF-8 with a u16 length (1.3 "UTF-8"), for names that have no long form. */
function writeShortString(w: ByteWriter, text: string, what: string): void {
  const body = utf8.encode(text);
  if (body.length > 0xffff) {
    throw new InvalidArgumentError(`${what} is ${body.length} UTF-8 bytes, more than 65535`);
  }
  w.u16(body.length).bytes(body);
}

function typeName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'object';
}
