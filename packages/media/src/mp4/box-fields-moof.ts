import type { ByteReader } from '../io/byte-reader.js';
import { hasFlag, needEntries, readCString, readFullBox, readU32or64 } from './box-fields-util.js';

/** mfhd (14496-12 8.8.5). */
export interface MfhdFields {
  box: 'mfhd';
  sequenceNumber: number;
}

export function parseMfhd(r: ByteReader): MfhdFields {
  readFullBox(r, 'mfhd', 0);
  return { box: 'mfhd', sequenceNumber: r.u32() };
}

/** tfhd flag bits (14496-12 8.8.7.1). */
export const TFHD_BASE_DATA_OFFSET = 0x000001;
export const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
export const TFHD_DEFAULT_DURATION = 0x000008;
export const TFHD_DEFAULT_SIZE = 0x000010;
export const TFHD_DEFAULT_FLAGS = 0x000020;
export const TFHD_DURATION_IS_EMPTY = 0x010000;
export const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

/** tfhd (14496-12 8.8.7): every optional field is present only when its flag is set. */
export interface TfhdFields {
  box: 'tfhd';
  flags: number;
  trackId: number;
  baseDataOffset?: number | undefined;
  sampleDescriptionIndex?: number | undefined;
  defaultSampleDuration?: number | undefined;
  defaultSampleSize?: number | undefined;
  defaultSampleFlags?: number | undefined;
  durationIsEmpty: boolean;
  defaultBaseIsMoof: boolean;
}

export function parseTfhd(r: ByteReader): TfhdFields {
  const { flags } = readFullBox(r, 'tfhd', 0);
  const trackId = r.u32();
  const opt = (bit: number, read: () => number): number | undefined =>
    hasFlag(flags, bit) ? read() : undefined;
  return {
    box: 'tfhd',
    flags,
    trackId,
    baseDataOffset: opt(TFHD_BASE_DATA_OFFSET, () => r.u64()),
    sampleDescriptionIndex: opt(TFHD_SAMPLE_DESCRIPTION_INDEX, () => r.u32()),
    defaultSampleDuration: opt(TFHD_DEFAULT_DURATION, () => r.u32()),
    defaultSampleSize: opt(TFHD_DEFAULT_SIZE, () => r.u32()),
    defaultSampleFlags: opt(TFHD_DEFAULT_FLAGS, () => r.u32()),
    durationIsEmpty: hasFlag(flags, TFHD_DURATION_IS_EMPTY),
    defaultBaseIsMoof: hasFlag(flags, TFHD_DEFAULT_BASE_IS_MOOF),
  };
}

/** tfdt (14496-12 8.8.12): decode time of the fragment's first sample, track timescale. */
export interface TfdtFields {
  box: 'tfdt';
  version: number;
  baseMediaDecodeTime: number;
}

export function parseTfdt(r: ByteReader): TfdtFields {
  const { version } = readFullBox(r, 'tfdt', 1);
  return { box: 'tfdt', version, baseMediaDecodeTime: readU32or64(r, version) };
}

/** trun flag bits (14496-12 8.8.8.1). */
export const TRUN_DATA_OFFSET = 0x000001;
export const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
export const TRUN_SAMPLE_DURATION = 0x000100;
export const TRUN_SAMPLE_SIZE = 0x000200;
export const TRUN_SAMPLE_FLAGS = 0x000400;
export const TRUN_SAMPLE_CTO = 0x000800;

/**
 * trun (14496-12 8.8.8). Per-sample arrays are present only when their flag is set; the
 * reader falls back to tfhd and trex defaults for the missing ones.
 */
export interface TrunFields {
  box: 'trun';
  version: number;
  flags: number;
  sampleCount: number;
  dataOffset?: number | undefined;
  firstSampleFlags?: number | undefined;
  sampleDurations?: Uint32Array | undefined;
  sampleSizes?: Uint32Array | undefined;
  sampleFlags?: Uint32Array | undefined;
  /** Unsigned in version 0, signed in version 1. */
  sampleCompositionTimeOffsets?: Float64Array | undefined;
}

export function parseTrun(r: ByteReader): TrunFields {
  const { version, flags } = readFullBox(r, 'trun', 1);
  const sampleCount = r.u32();
  const dataOffset = hasFlag(flags, TRUN_DATA_OFFSET) ? r.i32() : undefined;
  const firstSampleFlags = hasFlag(flags, TRUN_FIRST_SAMPLE_FLAGS) ? r.u32() : undefined;
  const withDuration = hasFlag(flags, TRUN_SAMPLE_DURATION);
  const withSize = hasFlag(flags, TRUN_SAMPLE_SIZE);
  const withFlags = hasFlag(flags, TRUN_SAMPLE_FLAGS);
  const withCto = hasFlag(flags, TRUN_SAMPLE_CTO);
  const perSample =
    4 * (Number(withDuration) + Number(withSize) + Number(withFlags) + Number(withCto));
  needEntries(r, sampleCount, perSample, 'trun');
  const sampleDurations = withDuration ? new Uint32Array(sampleCount) : undefined;
  const sampleSizes = withSize ? new Uint32Array(sampleCount) : undefined;
  const sampleFlags = withFlags ? new Uint32Array(sampleCount) : undefined;
  const sampleCompositionTimeOffsets = withCto ? new Float64Array(sampleCount) : undefined;
  // With no per-sample fields the count alone is data (all defaults); there is nothing to read.
  for (let i = 0; perSample > 0 && i < sampleCount; i++) {
    if (sampleDurations) sampleDurations[i] = r.u32();
    if (sampleSizes) sampleSizes[i] = r.u32();
    if (sampleFlags) sampleFlags[i] = r.u32();
    if (sampleCompositionTimeOffsets) {
      sampleCompositionTimeOffsets[i] = version === 1 ? r.i32() : r.u32();
    }
  }
  return {
    box: 'trun',
    version,
    flags,
    sampleCount,
    dataOffset,
    firstSampleFlags,
    sampleDurations,
    sampleSizes,
    sampleFlags,
    sampleCompositionTimeOffsets,
  };
}

/** Sample flags (14496-12 8.8.3.1): sample_is_non_sync_sample is bit 16. */
export function isSyncSample(sampleFlags: number): boolean {
  return Math.floor(sampleFlags / 0x10000) % 2 === 0;
}

/** sample_depends_on (2 bits at 24-25): 2 means the sample is an I-frame. */
export function sampleDependsOn(sampleFlags: number): number {
  return Math.floor(sampleFlags / 0x1000000) % 4;
}

export interface SidxReference {
  /** 1 = the reference points at another sidx, 0 = at media (moof + mdat). */
  referenceType: number;
  referencedSize: number;
  subsegmentDuration: number;
  startsWithSap: boolean;
  sapType: number;
  sapDeltaTime: number;
}

/** sidx (14496-12 8.16.3). */
export interface SidxFields {
  box: 'sidx';
  version: number;
  referenceId: number;
  timescale: number;
  earliestPresentationTime: number;
  /** Bytes from the end of this sidx box to the first referenced byte. */
  firstOffset: number;
  references: SidxReference[];
}

export function parseSidx(r: ByteReader): SidxFields {
  const { version } = readFullBox(r, 'sidx', 1);
  const referenceId = r.u32();
  const timescale = r.u32();
  const earliestPresentationTime = readU32or64(r, version);
  const firstOffset = readU32or64(r, version);
  r.skip(2, 'sidx reserved');
  const count = r.u16();
  needEntries(r, count, 12, 'sidx');
  const references: SidxReference[] = [];
  for (let i = 0; i < count; i++) {
    const typeAndSize = r.u32();
    const subsegmentDuration = r.u32();
    const sap = r.u32();
    references.push({
      referenceType: Math.floor(typeAndSize / 0x8000_0000),
      referencedSize: typeAndSize % 0x8000_0000,
      subsegmentDuration,
      startsWithSap: sap >= 0x8000_0000,
      sapType: Math.floor(sap / 0x1000_0000) % 8,
      sapDeltaTime: sap % 0x1000_0000,
    });
  }
  return {
    box: 'sidx',
    version,
    referenceId,
    timescale,
    earliestPresentationTime,
    firstOffset,
    references,
  };
}

/** emsg (ISO/IEC 23009-1 5.10.3.3): DASH in-band event. */
export interface EmsgFields {
  box: 'emsg';
  version: number;
  schemeIdUri: string;
  value: string;
  timescale: number;
  /** Version 0: delta from the segment's earliest presentation time. */
  presentationTimeDelta?: number | undefined;
  /** Version 1: absolute presentation time. */
  presentationTime?: number | undefined;
  eventDuration: number;
  id: number;
  messageData: Uint8Array;
}

export function parseEmsg(r: ByteReader): EmsgFields {
  const { version } = readFullBox(r, 'emsg', 1);
  if (version === 0) {
    const schemeIdUri = readCString(r);
    const value = readCString(r);
    const timescale = r.u32();
    const presentationTimeDelta = r.u32();
    const eventDuration = r.u32();
    const id = r.u32();
    const messageData = r.bytesView(r.remaining);
    return {
      box: 'emsg',
      version,
      schemeIdUri,
      value,
      timescale,
      presentationTimeDelta,
      eventDuration,
      id,
      messageData,
    };
  }
  const timescale = r.u32();
  const presentationTime = r.u64();
  const eventDuration = r.u32();
  const id = r.u32();
  const schemeIdUri = readCString(r);
  const value = readCString(r);
  const messageData = r.bytesView(r.remaining);
  return {
    box: 'emsg',
    version,
    schemeIdUri,
    value,
    timescale,
    presentationTime,
    eventDuration,
    id,
    messageData,
  };
}
