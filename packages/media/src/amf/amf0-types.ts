/**
 * AMF0 value model (Adobe "Action Message Format -- AMF 0", section 2). Scalars map to JS
 * primitives, a strict array to a JS array, an anonymous object to a plain object; the three
 * containers JS has no literal for (ECMA array, typed object, XML document) get small wrapper
 * classes so a value read from the wire is written back with the same marker.
 */

/** Type markers, AMF0 section 2.1. */
export const Amf0Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  /** Reserved, not supported. */
  MovieClip: 0x04,
  Null: 0x05,
  Undefined: 0x06,
  Reference: 0x07,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
  Unsupported: 0x0d,
  /** Reserved, not supported. */
  RecordSet: 0x0e,
  XmlDocument: 0x0f,
  TypedObject: 0x10,
  /** Switch to AMF3 for the rest of the value (section 3.1). */
  AvmPlusObject: 0x11,
} as const;

export type Amf0MarkerValue = (typeof Amf0Marker)[keyof typeof Amf0Marker];

/**
 * Nesting bound for objects and arrays. Flash and RTMP peers nest a few levels at most; the
 * bound keeps hostile input (and cyclic graphs built by hand) off the call stack.
 */
export const AMF0_MAX_DEPTH = 64;

/** A value that survives an AMF0 round trip. */
export type Amf0Value =
  | number
  | boolean
  | string
  | null
  | undefined
  | Date
  | Amf0Value[]
  | Amf0Object
  | Amf0EcmaArray
  | Amf0TypedObject
  | Amf0Xml;

/**
 * Anonymous object (section 2.5). Write it as a plain object literal. The reader builds it
 * with a null prototype, so a hostile key such as "__proto__" stays an ordinary own property
 * and no inherited member (toString, constructor) ever looks like a decoded value.
 */
export interface Amf0Object {
  [key: string]: Amf0Value;
}

/** A property bag with a null prototype (see Amf0Object), optionally filled from `from`. */
export function createAmf0Object(from?: Readonly<Record<string, Amf0Value>>): Amf0Object {
  const out = Object.create(null) as Amf0Object;
  if (from !== undefined) {
    for (const key of Object.keys(from)) out[key] = from[key];
  }
  return out;
}

/**
 * ECMA array (section 2.10): an associative array with a u32 count hint. FLV onMetaData is
 * written as one (FLV spec v10.1 E.5).
 */
export class Amf0EcmaArray {
  readonly properties: Amf0Object;

  constructor(properties?: Readonly<Record<string, Amf0Value>>) {
    this.properties = createAmf0Object(properties);
  }

  get(key: string): Amf0Value {
    return this.properties[key];
  }
}

/** Typed object (section 2.18): an anonymous object plus a registered class name. */
export class Amf0TypedObject {
  readonly className: string;
  readonly properties: Amf0Object;

  constructor(className: string, properties?: Readonly<Record<string, Amf0Value>>) {
    this.className = className;
    this.properties = createAmf0Object(properties);
  }
}

/** XML document (section 2.17): the text, always carried with a u32 length. */
export class Amf0Xml {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/**
 * The property bag of any keyed container (anonymous object, ECMA array, typed object), or
 * undefined for anything else. Lets callers read onMetaData whichever form the encoder chose.
 */
export function amf0Properties(value: Amf0Value): Amf0Object | undefined {
  if (value instanceof Amf0EcmaArray || value instanceof Amf0TypedObject) return value.properties;
  return isAmf0Object(value) ? value : undefined;
}

/** True for a plain object (prototype Object.prototype or null), i.e. an Amf0Object. */
export function isAmf0Object(value: unknown): value is Amf0Object {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}
