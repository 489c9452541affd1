import { InvalidArgumentError, MalformedError } from '../../errors.js';

/**
 * NAL unit framing shared by H.264 and H.265: Annex B byte streams (start codes, H.264 Annex B /
 * H.265 Annex B) and the length-prefixed form of ISO/IEC 14496-15 (AVCC/HVCC samples).
 */

export type NalLengthSize = 1 | 2 | 4;

export function checkLengthSize(lengthSize: number): asserts lengthSize is NalLengthSize {
  if (lengthSize !== 1 && lengthSize !== 2 && lengthSize !== 4) {
    throw new InvalidArgumentError(`NAL length size must be 1, 2 or 4, got ${lengthSize}`);
  }
}

/**
 * Splits an Annex B byte stream into NAL units (views into `bytes`, no copies). Accepts 3- and
 * 4-byte start codes; bytes before the first start code are leading_zero_8bits or junk and are
 * dropped, as are trailing_zero_8bits at the end of each unit (H.264 B.1.1) and empty units.
 */
export function splitAnnexB(bytes: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  const n = bytes.length;
  let start = -1; // first byte of the current NAL, -1 before the first start code
  let i = 0;
  while (i + 2 < n) {
    // A start code is 00 00 01; skip ahead quickly when the third byte cannot complete one.
    const b2 = bytes[i + 2] ?? 0;
    if (b2 > 1) {
      i += 3;
      continue;
    }
    if (b2 === 1 && bytes[i] === 0 && bytes[i + 1] === 0) {
      if (start >= 0) pushUnit(units, bytes, start, i);
      start = i + 3;
      i += 3;
      continue;
    }
    i++;
  }
  if (start >= 0) pushUnit(units, bytes, start, n);
  return units;
}

function pushUnit(units: Uint8Array[], bytes: Uint8Array, start: number, end: number): void {
  let e = end;
  while (e > start && bytes[e - 1] === 0) e--;
  if (e > start) units.push(bytes.subarray(start, e));
}

/** Converts an Annex B stream to `lengthSize`-byte big-endian length prefixes (14496-15 5.3.2). */
export function annexBToLengthPrefixed(bytes: Uint8Array, lengthSize: number = 4): Uint8Array {
  checkLengthSize(lengthSize);
  return joinLengthPrefixed(splitAnnexB(bytes), lengthSize);
}

/** Writes NAL units with `lengthSize`-byte big-endian length prefixes. */
export function joinLengthPrefixed(
  units: readonly Uint8Array[],
  lengthSize: number = 4,
): Uint8Array {
  checkLengthSize(lengthSize);
  const max = 2 ** (8 * lengthSize) - 1;
  let total = 0;
  for (const u of units) {
    if (u.length > max) {
      throw new InvalidArgumentError(
        `NAL unit of ${u.length} bytes does not fit a ${lengthSize}-byte length`,
      );
    }
    total += lengthSize + u.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const u of units) {
    let len = u.length;
    for (let k = lengthSize - 1; k >= 0; k--) {
      out[p + k] = len % 256;
      len = Math.floor(len / 256);
    }
    p += lengthSize;
    out.set(u, p);
    p += u.length;
  }
  return out;
}

/**
 * Splits length-prefixed NAL units (views, no copies). A length that runs past the end, or a
 * partial length field, is a MalformedError; zero-length units are skipped.
 */
export function splitLengthPrefixed(bytes: Uint8Array, lengthSize: number): Uint8Array[] {
  checkLengthSize(lengthSize);
  const units: Uint8Array[] = [];
  let p = 0;
  while (p < bytes.length) {
    if (p + lengthSize > bytes.length) {
      throw new MalformedError(`partial ${lengthSize}-byte NAL length at offset ${p}`, {
        offset: p,
      });
    }
    let len = 0;
    for (let k = 0; k < lengthSize; k++) len = len * 256 + (bytes[p + k] ?? 0);
    p += lengthSize;
    if (len > bytes.length - p) {
      throw new MalformedError(
        `NAL length ${len} at offset ${p - lengthSize} overruns the ${bytes.length}-byte buffer`,
        {
          offset: p - lengthSize,
        },
      );
    }
    if (len > 0) units.push(bytes.subarray(p, p + len));
    p += len;
  }
  return units;
}

/** Converts length-prefixed NAL units to an Annex B stream with 4-byte start codes. */
export function lengthPrefixedToAnnexB(bytes: Uint8Array, lengthSize: number): Uint8Array {
  const units = splitLengthPrefixed(bytes, lengthSize);
  let total = 0;
  for (const u of units) total += 4 + u.length;
  const out = new Uint8Array(total);
  let p = 0;
  for (const u of units) {
    out[p + 3] = 1;
    p += 4;
    out.set(u, p);
    p += u.length;
  }
  return out;
}
