import { MalformedError, UnsupportedError } from '../errors.js';
import type { ByteReader } from '../io/byte-reader.js';

/** version + flags of a FullBox (ISO/IEC 14496-12 4.2). */
export interface FullBoxHeader {
  version: number;
  flags: number;
}

export function readFullBox(r: ByteReader, box: string, maxVersion: number): FullBoxHeader {
  const version = r.u8();
  const flags = r.u24();
  if (version > maxVersion) {
    throw new UnsupportedError(`${box}: version ${version} not supported`, {
      offset: r.offset - 4,
    });
  }
  return { version, flags };
}

/** True when `bit` (a single power of two) is set in `flags`; arithmetic so 32-bit values are safe. */
export function hasFlag(flags: number, bit: number): boolean {
  return Math.floor(flags / bit) % 2 === 1;
}

/** Signed 64-bit as a number; exact while |value| < 2^53 (elst media_time, trun v1 offsets). */
export function readI64(r: ByteReader): number {
  const hi = r.i32();
  const lo = r.u32();
  return hi * 0x1_0000_0000 + lo;
}

/** 32-bit in version 0, 64-bit in version 1: the time and duration fields of 14496-12. */
export function readU32or64(r: ByteReader, version: number): number {
  return version === 1 ? r.u64() : r.u32();
}

/**
 * Guards a table before it is allocated: `count` entries of `entrySize` bytes must fit in what
 * the box has left, so a corrupt count cannot make us loop or allocate beyond the input.
 */
export function needEntries(r: ByteReader, count: number, entrySize: number, box: string): void {
  if (count * entrySize > r.remaining) {
    throw new MalformedError(
      `${box}: ${count} entries of ${entrySize} bytes do not fit in ${r.remaining} bytes`,
      { offset: r.offset },
    );
  }
}

/** A 32-bit entry_count, checked with needEntries before the caller allocates its table. */
export function readEntryCount(r: ByteReader, entrySize: number, box: string): number {
  const count = r.u32();
  needEntries(r, count, entrySize, box);
  return count;
}

/** NUL-terminated UTF-8 string (hdlr name, emsg scheme_id_uri); a missing NUL ends at the box end. */
export function readCString(r: ByteReader): string {
  const bytes = r.bytes;
  let end = r.pos;
  while (end < bytes.length && bytes[end] !== 0) end++;
  const text = r.utf8(end - r.pos);
  if (r.remaining > 0) r.skip(1);
  return text;
}

/** 16.16 fixed point to a number (tkhd width/height, audio sample rate). */
export function fixed16(value: number): number {
  return value / 65536;
}
