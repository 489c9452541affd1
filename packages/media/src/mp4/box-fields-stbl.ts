import { MalformedError } from '../errors.js';
import type { ByteReader } from '../io/byte-reader.js';
import { needEntries, readEntryCount, readFullBox } from './box-fields-util.js';

/** stsd (14496-12 8.5.2): FullBox + entry_count, then one sample entry box per description. */
export interface StsdFields {
  box: 'stsd';
  entryCount: number;
}

export function parseStsd(r: ByteReader): StsdFields {
  readFullBox(r, 'stsd', 1);
  return { box: 'stsd', entryCount: r.u32() };
}

/** stts (14496-12 8.6.1.2): run-length decode deltas. */
export interface SttsFields {
  box: 'stts';
  sampleCounts: Uint32Array;
  sampleDeltas: Uint32Array;
}

export function parseStts(r: ByteReader): SttsFields {
  readFullBox(r, 'stts', 0);
  const count = readEntryCount(r, 8, 'stts');
  const sampleCounts = new Uint32Array(count);
  const sampleDeltas = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    sampleCounts[i] = r.u32();
    sampleDeltas[i] = r.u32();
  }
  return { box: 'stts', sampleCounts, sampleDeltas };
}

/** ctts (14496-12 8.6.1.3): run-length composition offsets (pts - dts). */
export interface CttsFields {
  box: 'ctts';
  version: number;
  sampleCounts: Uint32Array;
  sampleOffsets: Int32Array;
}

export function parseCtts(r: ByteReader): CttsFields {
  const { version } = readFullBox(r, 'ctts', 1);
  const count = readEntryCount(r, 8, 'ctts');
  const sampleCounts = new Uint32Array(count);
  const sampleOffsets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    sampleCounts[i] = r.u32();
    // Version 0 is unsigned in the spec, but writers (ffmpeg among them) store negative
    // offsets there too; reading signed matches every real demuxer and offsets >= 2^31 are absurd.
    sampleOffsets[i] = r.i32();
  }
  return { box: 'ctts', version, sampleCounts, sampleOffsets };
}

/** stss (14496-12 8.6.2): 1-based numbers of sync samples; absent means all samples sync. */
export interface StssFields {
  box: 'stss';
  sampleNumbers: Uint32Array;
}

export function parseStss(r: ByteReader): StssFields {
  readFullBox(r, 'stss', 0);
  const count = readEntryCount(r, 4, 'stss');
  const sampleNumbers = new Uint32Array(count);
  for (let i = 0; i < count; i++) sampleNumbers[i] = r.u32();
  return { box: 'stss', sampleNumbers };
}

/** stsc (14496-12 8.7.4): chunk runs, each starting at a 1-based `firstChunk`. */
export interface StscFields {
  box: 'stsc';
  firstChunks: Uint32Array;
  samplesPerChunk: Uint32Array;
  sampleDescriptionIndexes: Uint32Array;
}

export function parseStsc(r: ByteReader): StscFields {
  readFullBox(r, 'stsc', 0);
  const count = readEntryCount(r, 12, 'stsc');
  const firstChunks = new Uint32Array(count);
  const samplesPerChunk = new Uint32Array(count);
  const sampleDescriptionIndexes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    firstChunks[i] = r.u32();
    samplesPerChunk[i] = r.u32();
    sampleDescriptionIndexes[i] = r.u32();
  }
  return { box: 'stsc', firstChunks, samplesPerChunk, sampleDescriptionIndexes };
}

/**
 * stsz / stz2 (14496-12 8.7.3). `sampleSize` > 0 means every sample has that size and
 * `entrySizes` is empty; otherwise `entrySizes` holds one size per sample.
 */
export interface SampleSizeFields<B extends 'stsz' | 'stz2'> {
  box: B;
  sampleSize: number;
  sampleCount: number;
  entrySizes: Uint32Array;
}

export function parseStsz(r: ByteReader): SampleSizeFields<'stsz'> {
  readFullBox(r, 'stsz', 0);
  const sampleSize = r.u32();
  const sampleCount = r.u32();
  if (sampleSize !== 0) {
    return { box: 'stsz', sampleSize, sampleCount, entrySizes: new Uint32Array(0) };
  }
  needEntries(r, sampleCount, 4, 'stsz');
  const entrySizes = new Uint32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) entrySizes[i] = r.u32();
  return { box: 'stsz', sampleSize, sampleCount, entrySizes };
}

export function parseStz2(r: ByteReader): SampleSizeFields<'stz2'> {
  readFullBox(r, 'stz2', 0);
  r.skip(3, 'stz2 reserved');
  const fieldSize = r.u8();
  if (fieldSize !== 4 && fieldSize !== 8 && fieldSize !== 16) {
    throw new MalformedError(`stz2: field_size ${fieldSize} is not 4, 8 or 16`, {
      offset: r.offset - 1,
    });
  }
  const sampleCount = r.u32();
  needEntries(r, Math.ceil((sampleCount * fieldSize) / 8), 1, 'stz2');
  const entrySizes = new Uint32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) {
    if (fieldSize === 16) entrySizes[i] = r.u16();
    else if (fieldSize === 8) entrySizes[i] = r.u8();
    else if (i % 2 === 0) {
      // Two 4-bit sizes per byte, high nibble first; the reader only advances on the second.
      entrySizes[i] = (r.bytes[r.pos] ?? 0) >> 4;
    } else {
      entrySizes[i] = r.u8() & 0x0f;
    }
  }
  if (fieldSize === 4 && sampleCount % 2 === 1) r.skip(1, 'stz2 padding');
  return { box: 'stz2', sampleSize: 0, sampleCount, entrySizes };
}

/** stco / co64 (14496-12 8.7.5): absolute file offsets of each chunk. */
export interface ChunkOffsetFields<B extends 'stco' | 'co64'> {
  box: B;
  chunkOffsets: Float64Array;
}

export function parseStco(r: ByteReader): ChunkOffsetFields<'stco'> {
  readFullBox(r, 'stco', 0);
  const count = readEntryCount(r, 4, 'stco');
  const chunkOffsets = new Float64Array(count);
  for (let i = 0; i < count; i++) chunkOffsets[i] = r.u32();
  return { box: 'stco', chunkOffsets };
}

export function parseCo64(r: ByteReader): ChunkOffsetFields<'co64'> {
  readFullBox(r, 'co64', 0);
  const count = readEntryCount(r, 8, 'co64');
  const chunkOffsets = new Float64Array(count);
  for (let i = 0; i < count; i++) chunkOffsets[i] = r.u64();
  return { box: 'co64', chunkOffsets };
}
