import { ByteReader } from '../io/byte-reader.js';
import { LimitExceededError, MalformedError, UnsupportedError, asMediaError } from '../errors.js';
import {
  AMF0_MAX_DEPTH,
  Amf0EcmaArray,
  Amf0Marker,
  Amf0TypedObject,
  Amf0Xml,
  createAmf0Object,
} from './amf0-types.js';
import type { Amf0Object, Amf0Value } from './amf0-types.js';

/** Complex values (object, typed object, ECMA array, strict array) in wire order (2.9). */
type ReferenceTable = Amf0Value[];

/**
 * Reads one AMF0 value at the reader's cursor and leaves the cursor after it. The reference
 * table starts empty for every top-level value, as AMF0 4.1 resets it per message body.
 * Throws only MediaError: TruncatedError when a declared length runs past the input.
 */
export function readAmf0Value(reader: ByteReader): Amf0Value {
  try {
    return readValue(reader, [], 0);
  } catch (error) {
    throw asMediaError(error, reader.offset);
  }
}

/**
 * Reads values until the input ends: an FLV SCRIPTDATA body (name + value, FLV spec v10.1
 * E.4.4.1) or an RTMP command message (name, transaction id, arguments).
 */
export function readAmf0Values(bytes: Uint8Array, baseOffset = 0): Amf0Value[] {
  const reader = new ByteReader(bytes, baseOffset);
  const values: Amf0Value[] = [];
  while (reader.remaining > 0) values.push(readAmf0Value(reader));
  return values;
}

function readValue(reader: ByteReader, refs: ReferenceTable, depth: number): Amf0Value {
  const at = reader.offset;
  const marker = reader.u8();
  switch (marker) {
    case Amf0Marker.Number:
      return reader.f64();
    case Amf0Marker.Boolean:
      return reader.u8() !== 0; // 2.3: any non-zero byte is true
    case Amf0Marker.String:
      return reader.utf8(reader.u16(), 'AMF0 string');
    case Amf0Marker.LongString:
      return reader.utf8(reader.u32(), 'AMF0 long string');
    case Amf0Marker.Null:
      return null;
    case Amf0Marker.Undefined:
      return undefined;
    // 2.15: a placeholder for a value the sender could not serialize; undefined is the
    // closest value, and the rest of the message stays readable.
    case Amf0Marker.Unsupported:
      return undefined;
    case Amf0Marker.Date: {
      const ms = reader.f64();
      reader.i16(); // 2.13: time-zone, reserved (should be 0); the time is UTC
      return new Date(ms);
    }
    case Amf0Marker.XmlDocument:
      return new Amf0Xml(reader.utf8(reader.u32(), 'AMF0 XML document'));
    case Amf0Marker.Reference: {
      const index = reader.u16();
      if (index >= refs.length) {
        throw new MalformedError(
          `AMF0 reference ${index} points past the ${refs.length} complex values read so far`,
          { offset: at },
        );
      }
      return refs[index];
    }
    case Amf0Marker.Object: {
      const obj = createAmf0Object();
      refs.push(obj); // registered before its members so a member may refer back to it
      readProperties(reader, obj, refs, enter(depth, at));
      return obj;
    }
    case Amf0Marker.EcmaArray: {
      reader.u32(); // associative-count: only a hint, the object end marker ends the array
      const arr = new Amf0EcmaArray();
      refs.push(arr);
      readProperties(reader, arr.properties, refs, enter(depth, at));
      return arr;
    }
    case Amf0Marker.TypedObject: {
      const typed = new Amf0TypedObject(reader.utf8(reader.u16(), 'AMF0 class name'));
      refs.push(typed);
      readProperties(reader, typed.properties, refs, enter(depth, at));
      return typed;
    }
    case Amf0Marker.StrictArray:
      return readStrictArray(reader, refs, enter(depth, at));
    case Amf0Marker.ObjectEnd:
      throw new MalformedError('AMF0 object end marker outside an object', { offset: at });
    case Amf0Marker.MovieClip:
    case Amf0Marker.RecordSet:
      throw new UnsupportedError(`AMF0 marker 0x${hex(marker)} is reserved and not supported`, {
        offset: at,
      });
    case Amf0Marker.AvmPlusObject:
      throw new UnsupportedError(
        'AMF0 avmplus-object marker (0x11): AMF3 values are not supported',
        {
          offset: at,
        },
      );
    default:
      throw new MalformedError(`unknown AMF0 type marker 0x${hex(marker)}`, { offset: at });
  }
}

/** 2.5 object-property list: (UTF-8 name, value)* then an empty name and the object end marker. */
function readProperties(
  reader: ByteReader,
  into: Amf0Object,
  refs: ReferenceTable,
  depth: number,
): void {
  for (;;) {
    const name = reader.utf8(reader.u16(), 'AMF0 property name');
    if (name === '') {
      const at = reader.offset;
      const end = reader.u8();
      if (end !== Amf0Marker.ObjectEnd) {
        throw new MalformedError(
          `AMF0 empty property name followed by 0x${hex(end)}, not the object end marker`,
          { offset: at },
        );
      }
      return;
    }
    into[name] = readValue(reader, refs, depth);
  }
}

/** 2.12: u32 count then exactly that many values. */
function readStrictArray(reader: ByteReader, refs: ReferenceTable, depth: number): Amf0Value[] {
  const count = reader.u32();
  // Every value takes at least its marker byte, so a count beyond the remaining bytes is
  // already known to be truncated; nothing is allocated up front either way.
  reader.need(count, 'AMF0 strict array');
  const out: Amf0Value[] = [];
  refs.push(out);
  for (let i = 0; i < count; i++) out.push(readValue(reader, refs, depth));
  return out;
}

function enter(depth: number, offset: number): number {
  if (depth >= AMF0_MAX_DEPTH) {
    throw new LimitExceededError(`AMF0 nesting deeper than ${AMF0_MAX_DEPTH}`, { offset });
  }
  return depth + 1;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
