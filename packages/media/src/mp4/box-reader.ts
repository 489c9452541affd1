import type { MediaError } from '../errors.js';
import {
  LimitExceededError,
  MalformedError,
  TruncatedError,
  asMediaError,
  onlyMediaErrors,
} from '../errors.js';
import { ByteReader } from '../io/byte-reader.js';
import type { BoxFields, BoxFieldsKind, FieldsOf } from './mp4-boxes.js';
import { parseBoxPayload } from './mp4-boxes.js';

/** One box of an ISO BMFF tree (ISO/IEC 14496-12 4.2). */
export interface Mp4Box {
  type: string;
  /** Absolute offset of the box header (input offset + `baseOffset`). */
  offset: number;
  /** Whole box, header included. */
  size: number;
  /** 8, 16 with a 64-bit largesize, +16 for a `uuid` usertype. */
  headerSize: number;
  /** The 16-byte extended type of a `uuid` box. */
  usertype?: Uint8Array | undefined;
  children?: Mp4Box[] | undefined;
  fields?: BoxFields | undefined;
}

export interface ReadBoxesOptions {
  /** Added to every offset, for input that is a slice of a larger file. */
  baseOffset?: number;
  /** Nesting levels allowed; top-level boxes are level 1. Default 16. */
  maxDepth?: number;
  /** Boxes allowed in total. Default 1,000,000. */
  maxBoxes?: number;
}

interface WalkState {
  bytes: Uint8Array;
  baseOffset: number;
  maxDepth: number;
  maxBoxes: number;
  count: number;
}

/**
 * Reads every box in `bytes`, recursing into containers and into sample entries after their
 * fixed fields, and decodes the fields of the boxes listed in mp4-boxes.ts. Only MediaError
 * comes out: a box that overruns the input is TruncatedError at top level (the file was cut)
 * and MalformedError inside a parent (the parent's size contradicts it).
 */
export function readBoxes(bytes: Uint8Array, options: ReadBoxesOptions = {}): Mp4Box[] {
  const state: WalkState = {
    bytes,
    baseOffset: options.baseOffset ?? 0,
    maxDepth: options.maxDepth ?? 16,
    maxBoxes: options.maxBoxes ?? 1_000_000,
    count: 0,
  };
  return onlyMediaErrors(() => readList(state, 0, bytes.length, 1, ''));
}

function readList(
  state: WalkState,
  start: number,
  end: number,
  depth: number,
  parentType: string,
): Mp4Box[] {
  const boxes: Mp4Box[] = [];
  const reader = new ByteReader(state.bytes.subarray(0, end), state.baseOffset);
  reader.pos = start;
  while (reader.remaining > 0) {
    // QuickTime (QTFF "User data atoms") may end an atom list with a 32-bit zero.
    if (reader.remaining === 4 && depth > 1 && peekU32(reader) === 0) break;
    boxes.push(readBox(state, reader, depth, parentType));
  }
  return boxes;
}

function readBox(state: WalkState, reader: ByteReader, depth: number, parentType: string): Mp4Box {
  const offset = reader.offset;
  const start = reader.pos;
  const available = reader.remaining;
  const overrun = (what: string): MediaError =>
    depth === 1
      ? new TruncatedError(`${what} at offset ${offset} runs past the end of the input`, { offset })
      : new MalformedError(`${what} at offset ${offset} runs past its parent ${parentType}`, {
          offset,
        });
  if (available < 8) throw overrun('box header');
  const size32 = reader.u32();
  const type = reader.fourcc();
  let size = size32;
  if (size32 === 1) {
    if (reader.remaining < 8) throw overrun(`${type} largesize`);
    size = reader.u64();
  } else if (size32 === 0) {
    // 14496-12 4.2: size 0 means the box extends to the end of the file (here: of its parent).
    size = available;
  }
  let usertype: Uint8Array | undefined;
  if (type === 'uuid') {
    if (reader.remaining < 16) throw overrun('uuid usertype');
    usertype = reader.bytesView(16);
  }
  const headerSize = reader.pos - start;
  if (size < headerSize) {
    throw new MalformedError(
      `${type} box at offset ${offset}: size ${size} < header ${headerSize}`,
      {
        offset,
      },
    );
  }
  if (size > available) throw overrun(`${type} box of ${size} bytes`);
  state.count++;
  if (state.count > state.maxBoxes) {
    throw new LimitExceededError(`more than ${state.maxBoxes} boxes`, { offset });
  }
  const payloadStart = start + headerSize;
  const end = start + size;
  const payload = new ByteReader(state.bytes.subarray(payloadStart, end), offset + headerSize);
  let parsed;
  try {
    parsed = parseBoxPayload(type, parentType, payload);
  } catch (error) {
    throw payloadError(error, type, offset);
  }
  reader.pos = end;
  const box: Mp4Box = { type, offset, size, headerSize };
  if (usertype) box.usertype = usertype;
  if (parsed.fields) box.fields = parsed.fields;
  if (parsed.childrenAt !== undefined) {
    if (depth >= state.maxDepth) {
      throw new LimitExceededError(
        `${type} at offset ${offset}: nesting deeper than ${state.maxDepth}`,
        {
          offset,
        },
      );
    }
    if (payloadStart + parsed.childrenAt > end) {
      throw new MalformedError(`${type} box at offset ${offset} too short for its fields`, {
        offset,
      });
    }
    box.children = readList(state, payloadStart + parsed.childrenAt, end, depth + 1, type);
  }
  return box;
}

/** A field that runs past its own box is a malformed box, not a truncated file. */
function payloadError(error: unknown, type: string, offset: number): MediaError {
  if (error instanceof TruncatedError) {
    return new MalformedError(`${type} box at offset ${offset}: ${error.message}`, {
      offset: error.offset ?? offset,
      cause: error,
    });
  }
  return asMediaError(error, offset);
}

function peekU32(r: ByteReader): number {
  const b = r.bytes;
  const p = r.pos;
  return ((b[p] ?? 0) * 256 + (b[p + 1] ?? 0)) * 65536 + (b[p + 2] ?? 0) * 256 + (b[p + 3] ?? 0);
}

/** Depth-first walk yielding every box that matches `path` (`/`-separated types, `*` any). */
function* walk(boxes: readonly Mp4Box[], parts: readonly string[]): Generator<Mp4Box> {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  for (const box of boxes) {
    if (head !== '*' && box.type !== head) continue;
    if (rest.length === 0) yield box;
    else if (box.children) yield* walk(box.children, rest);
  }
}

/** First box along `path`, e.g. `moov/trak/mdia/mdhd` or `moov/trak/mdia/minf/stbl/stsd/*`. */
export function findBox(boxes: readonly Mp4Box[], path: string): Mp4Box | undefined {
  for (const box of walk(boxes, path.split('/'))) return box;
  return undefined;
}

/** Every box along `path`, in file order. */
export function findBoxes(boxes: readonly Mp4Box[], path: string): Mp4Box[] {
  return [...walk(boxes, path.split('/'))];
}

/** The box's fields when they are of `kind`, typed accordingly. */
export function fieldsOf<K extends BoxFieldsKind>(
  box: Mp4Box | undefined,
  kind: K,
): FieldsOf<K> | undefined {
  const fields = box?.fields;
  return fields && fields.box === kind ? (fields as FieldsOf<K>) : undefined;
}

/** Shorthand: the fields of the first box along `path`, when they are of `kind`. */
export function findFields<K extends BoxFieldsKind>(
  boxes: readonly Mp4Box[],
  path: string,
  kind: K,
): FieldsOf<K> | undefined {
  for (const box of walk(boxes, path.split('/'))) {
    const fields = fieldsOf(box, kind);
    if (fields) return fields;
  }
  return undefined;
}
