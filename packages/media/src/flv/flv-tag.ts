import { InvalidArgumentError, MalformedError, TruncatedError } from '../errors.js';

/** FLV spec v10.1 E.2: "FLV", version, flags, DataOffset. */
export const FLV_HEADER_SIZE = 9;
/** FLV spec v10.1 E.4.1: TagType .. StreamID. */
export const FLV_TAG_HEADER_SIZE = 11;
/** FLV spec v10.1 E.3: the UI32 PreviousTagSize after the header and after every tag. */
export const FLV_PREVIOUS_TAG_SIZE = 4;
/** DataSize is a UI24 (E.4.1). */
export const FLV_MAX_DATA_SIZE = 0xffffff;
/** Timestamp (UI24) plus TimestampExtended (UI8) give 32 bits of milliseconds (E.4.1). */
export const FLV_MAX_TIMESTAMP = 0xffffffff;

export const FlvTagType = {
  Audio: 8,
  Video: 9,
  Script: 18,
} as const;

export interface FlvHeader {
  version: number;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Length of the header; the body starts here (9 for version 1). */
  dataOffset: number;
}

export interface FlvTagHeader {
  /** Filter bit: the tag is pre-processed (encrypted) and cannot be read without a key. */
  filter: boolean;
  tagType: number;
  dataSize: number;
  /** Timestamp with TimestampExtended as the high byte, in milliseconds. */
  timestamp: number;
  streamId: number;
  /** True when the two reserved bits are not 0, which no valid writer produces. */
  reservedBitsSet: boolean;
}

/** True when `bytes` starts like an FLV header (as many of "FLV" as are present match). */
export function looksLikeFlv(bytes: Uint8Array): boolean {
  const sig = [0x46, 0x4c, 0x56];
  for (let i = 0; i < 3 && i < bytes.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

/** Parses the 9-byte header (E.2). `offset` only feeds error messages. */
export function parseFlvHeader(bytes: Uint8Array, offset = 0): FlvHeader {
  if (bytes.length < FLV_HEADER_SIZE) {
    throw new TruncatedError(`FLV header needs ${FLV_HEADER_SIZE} bytes, got ${bytes.length}`, {
      offset,
    });
  }
  if (!looksLikeFlv(bytes)) {
    throw new MalformedError('not an FLV stream: the signature is not "FLV"', { offset });
  }
  const flags = bytes[4] ?? 0;
  const dataOffset = readU32(bytes, 5);
  if (dataOffset < FLV_HEADER_SIZE) {
    throw new MalformedError(`FLV header DataOffset ${dataOffset} is smaller than the header`, {
      offset: offset + 5,
    });
  }
  return {
    version: bytes[3] ?? 0,
    hasAudio: (flags & 0x04) !== 0,
    hasVideo: (flags & 0x01) !== 0,
    dataOffset,
  };
}

/** Header (E.2) followed by PreviousTagSize0 = 0 (E.3). */
export function writeFlvHeader(options: { hasVideo: boolean; hasAudio: boolean }): Uint8Array {
  const out = new Uint8Array(FLV_HEADER_SIZE + FLV_PREVIOUS_TAG_SIZE);
  out.set([0x46, 0x4c, 0x56, 1, (options.hasAudio ? 4 : 0) + (options.hasVideo ? 1 : 0)]);
  out[8] = FLV_HEADER_SIZE;
  return out;
}

/** Parses an 11-byte tag header (E.4.1) starting at `pos`; the caller checks the length. */
export function parseFlvTagHeader(bytes: Uint8Array, pos = 0): FlvTagHeader {
  const b0 = bytes[pos] ?? 0;
  const timestamp = (bytes[pos + 7] ?? 0) * 0x1000000 + readU24(bytes, pos + 4);
  return {
    reservedBitsSet: (b0 & 0xc0) !== 0,
    filter: (b0 & 0x20) !== 0,
    tagType: b0 & 0x1f,
    dataSize: readU24(bytes, pos + 1),
    timestamp,
    streamId: readU24(bytes, pos + 8),
  };
}

/**
 * Builds one complete tag: header (E.4.1), `prefix` (the audio/video tag header bytes), the
 * payload, then its PreviousTagSize. One allocation, one payload copy.
 */
export function buildFlvTag(
  tagType: number,
  timestampMs: number,
  prefix: readonly number[],
  payload: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > FLV_MAX_TIMESTAMP) {
    throw new InvalidArgumentError(`FLV timestamp ${timestampMs} ms is outside [0, 2^32-1]`);
  }
  const dataSize = prefix.length + payload.length;
  if (dataSize > FLV_MAX_DATA_SIZE) {
    throw new InvalidArgumentError(`FLV tag body of ${dataSize} bytes exceeds the UI24 DataSize`);
  }
  const tagSize = FLV_TAG_HEADER_SIZE + dataSize;
  const out = new Uint8Array(tagSize + FLV_PREVIOUS_TAG_SIZE);
  out[0] = tagType;
  writeU24(out, 1, dataSize);
  writeU24(out, 4, timestampMs % 0x1000000);
  out[7] = Math.floor(timestampMs / 0x1000000);
  // StreamID (bytes 8-10) stays 0.
  let p = FLV_TAG_HEADER_SIZE;
  for (const b of prefix) out[p++] = b;
  out.set(payload, p);
  writeU32(out, tagSize, tagSize);
  return out;
}

export function readU24(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] ?? 0) * 0x10000 + (bytes[pos + 1] ?? 0) * 0x100 + (bytes[pos + 2] ?? 0);
}

export function readU32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] ?? 0) * 0x1000000 + readU24(bytes, pos + 1);
}

/** Signed 24-bit, as the AVC/HEVC CompositionTime SI24 (E.4.3.1). */
export function readI24(bytes: Uint8Array, pos: number): number {
  const v = readU24(bytes, pos);
  return v >= 0x800000 ? v - 0x1000000 : v;
}

function writeU24(out: Uint8Array, pos: number, v: number): void {
  out[pos] = Math.floor(v / 0x10000) % 256;
  out[pos + 1] = Math.floor(v / 0x100) % 256;
  out[pos + 2] = v % 256;
}

function writeU32(out: Uint8Array, pos: number, v: number): void {
  out[pos] = Math.floor(v / 0x1000000) % 256;
  writeU24(out, pos + 1, v % 0x1000000);
}
