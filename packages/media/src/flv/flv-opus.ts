import { MalformedError } from '../errors.js';

/**
 * Turns an ISO BMFF dOps payload (Opus in ISOBMFF 4.3.2: big-endian fields, Version 0) back into
 * the OpusHead identification header (RFC 7845 5.1: "OpusHead", Version 1, little-endian fields)
 * that an Enhanced RTMP Opus SequenceStart carries. The field order is the same in both.
 */
export function opusHeadFromDops(dops: Uint8Array): Uint8Array {
  if (dops.length < 11) throw new MalformedError(`dOps of ${dops.length} bytes is shorter than 11`);
  const channels = dops[1] ?? 0;
  const family = dops[10] ?? 0;
  const tableSize = family === 0 ? 0 : 2 + channels;
  if (dops.length < 11 + tableSize) {
    throw new MalformedError(
      `dOps mapping table needs ${tableSize} bytes, has ${dops.length - 11}`,
    );
  }
  const out = new Uint8Array(19 + tableSize);
  out.set([0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]); // "OpusHead"
  out[8] = 1; // version
  out[9] = channels;
  // pre-skip (u16), input sample rate (u32), output gain (s16): byte-swapped.
  out[10] = dops[3] ?? 0;
  out[11] = dops[2] ?? 0;
  out[12] = dops[7] ?? 0;
  out[13] = dops[6] ?? 0;
  out[14] = dops[5] ?? 0;
  out[15] = dops[4] ?? 0;
  out[16] = dops[9] ?? 0;
  out[17] = dops[8] ?? 0;
  out[18] = family;
  // StreamCount, CoupledCount and the channel mapping are single bytes in both.
  out.set(dops.subarray(11, 11 + tableSize), 19);
  return out;
}
