import { InvalidArgumentError } from '../errors.js';
import type { ByteWriter } from '../io/byte-writer.js';

/**
 * Declarative ISO BMFF box writing (ISO/IEC 14496-12 4.2). A box is a 32-bit size plus a
 * four-character type; the size is written as 0 and back-patched once the body is known, so
 * callers never compute sizes by hand:
 *
 *   box(w, 'moov', () => {
 *     fullBox(w, 'mvhd', 0, 0, () => {
 *       w.u32(1000); // timescale
 *     });
 *   });
 */
export function box(w: ByteWriter, type: string, body?: () => void): void {
  const start = w.length;
  w.u32(0); // size (patched below)
  w.fourcc(type); // type
  if (body !== undefined) body();
  w.patchU32(start, w.length - start);
}

/** A FullBox (14496-12 4.2): a box whose body starts with an 8-bit version and 24-bit flags. */
export function fullBox(
  w: ByteWriter,
  type: string,
  version: number,
  flags: number,
  body?: () => void,
): void {
  box(w, type, () => {
    w.u8(version); // version
    w.u24(flags); // flags
    if (body !== undefined) body();
  });
}

/** Box with an opaque payload (avcC, hvcC, av1C, dOps passed through from the track). */
export function payloadBox(w: ByteWriter, type: string, payload: Uint8Array): void {
  box(w, type, () => {
    w.bytes(payload);
  });
}

const U32_LIMIT = 0x1_0000_0000;

/** True when `value` needs the 64-bit (version 1) form of a time or offset field. */
export function needsVersion1(...values: number[]): boolean {
  return values.some((v) => v >= U32_LIMIT);
}

/** Writes `value` as u64 when `version` is 1, else as u32 (time fields of mvhd, tkhd, ...). */
export function u32or64(w: ByteWriter, version: number, value: number): void {
  if (version === 1) w.u64(value);
  else w.u32(value);
}

/**
 * The unity transformation matrix (14496-12 8.2.2.3): { 0x00010000, 0, 0, 0, 0x00010000, 0,
 * 0, 0, 0x40000000 } in 16.16 and 2.30 fixed point.
 */
export function unityMatrix(w: ByteWriter): void {
  w.u32(0x00010000).u32(0).u32(0);
  w.u32(0).u32(0x00010000).u32(0);
  w.u32(0).u32(0).u32(0x40000000);
}

/** Value as 16.16 fixed point (tkhd width/height), range-checked rather than wrapped. */
export function fixed16(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0 || value >= 0x10000) {
    throw new InvalidArgumentError(`${what} does not fit 16.16 fixed point: ${value}`);
  }
  return Math.round(value * 0x10000);
}

/** ISO 639-2/T code packed into 15 bits (14496-12 8.4.2.3): three 5-bit (char - 0x60) values. */
export function packLanguage(code: string): number {
  if (!/^[a-z]{3}$/.test(code)) {
    throw new InvalidArgumentError(`language must be three lower-case letters: "${code}"`);
  }
  let packed = 0;
  for (let i = 0; i < 3; i++) packed = packed * 32 + (code.charCodeAt(i) - 0x60);
  return packed;
}

/** Throws InvalidArgumentError unless `value` is an integer in [min, max] (a field's range). */
export function checkField(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${what} out of range: ${value} not in [${min}, ${max}]`);
  }
}
