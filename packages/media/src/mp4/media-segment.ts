import { InvalidArgumentError } from '../errors.js';
import { checkField } from './box-writer.js';

export interface FragmentSample {
  /** Duration in the track's media timescale. */
  duration: number;
  /** Byte size; must equal `data.length`. */
  size: number;
  /** Sync sample (IDR / every audio frame). */
  keyframe: boolean;
  /** pts - dts in the track's media timescale; may be negative. */
  compositionOffset: number;
  data: Uint8Array;
}

export interface TrackFragment {
  trackId: number;
  /** Decode time of the first sample in the track's media timescale (tfdt). */
  baseMediaDecodeTime: number;
  samples: readonly FragmentSample[];
}

/**
 * sample_flags (ISO/IEC 14496-12 8.8.3.1): sample_depends_on = 2 (depends on no other
 * sample) for sync samples; sample_depends_on = 1 and sample_is_non_sync_sample = 1 otherwise.
 */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

/** tfhd default-base-is-moof (8.8.7.1): data offsets count from the start of the moof. */
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
/** trun flags (8.8.8.1): data-offset, sample-duration, -size, -flags, -composition-time-offset. */
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800;

const MFHD_SIZE = 16;
const TFHD_SIZE = 16;
const TFDT_V1_SIZE = 20;
const TRUN_HEADER_SIZE = 20;
const TRUN_SAMPLE_SIZE = 16;
const U32_LIMIT = 0x1_0000_0000;

/** A FourCC as the big-endian u32 it is on the wire. */
function fourcc(code: string): number {
  let value = 0;
  for (let i = 0; i < 4; i++) value = value * 256 + code.charCodeAt(i);
  return value;
}

const MOOF = fourcc('moof');
const MFHD = fourcc('mfhd');
const TRAF = fourcc('traf');
const TFHD = fourcc('tfhd');
const TFDT = fourcc('tfdt');
const TRUN = fourcc('trun');
const MDAT = fourcc('mdat');

/**
 * A media segment: 'moof' (mfhd + one traf per track: tfhd, tfdt v1, trun v1) followed by one
 * 'mdat' holding every traf's samples in order (14496-12 8.8.4). The output is allocated once
 * at its exact size and each sample's bytes are copied exactly once.
 *
 * Unlike the other box writers this one stores fields with a DataView at precomputed offsets
 * instead of going through ByteWriter and box(): it runs for every fragment of every stream,
 * and the per-field range checks, growth checks and closures were a measurable share of
 * FLV -> fMP4 transmux time. The layout is fixed, so every size is known up front.
 */
export function buildMediaSegment(
  sequenceNumber: number,
  trafs: readonly TrackFragment[],
): Uint8Array {
  checkField(sequenceNumber, 0, 0xffffffff, 'sequence_number');
  if (trafs.length === 0) throw new InvalidArgumentError('a media segment needs at least one traf');
  let moofSize = 8 + MFHD_SIZE;
  let dataSize = 0;
  for (const traf of trafs) {
    checkTraf(traf);
    moofSize += trafSize(traf);
    for (const sample of traf.samples) dataSize += sample.size;
  }
  const mdatSize = 8 + dataSize;
  if (mdatSize > 0xffffffff) throw new InvalidArgumentError(`mdat too large: ${mdatSize} bytes`);

  const out = new Uint8Array(moofSize + mdatSize);
  const view = new DataView(out.buffer);
  let pos = boxHeader(view, 0, moofSize, MOOF);
  pos = fullBoxHeader(view, pos, MFHD_SIZE, MFHD, 0, 0);
  view.setUint32(pos, sequenceNumber); // sequence_number
  pos += 4;
  // data_offset of the first traf's samples: past the moof and the mdat header.
  let dataOffset = moofSize + 8;
  for (const traf of trafs) {
    pos = writeTraf(view, pos, traf, dataOffset);
    for (const sample of traf.samples) dataOffset += sample.size;
  }
  pos = boxHeader(view, pos, mdatSize, MDAT);
  for (const traf of trafs) {
    for (const sample of traf.samples) {
      out.set(sample.data, pos); // data
      pos += sample.size;
    }
  }
  return out;
}

function trafSize(traf: TrackFragment): number {
  return 8 + TFHD_SIZE + TFDT_V1_SIZE + TRUN_HEADER_SIZE + TRUN_SAMPLE_SIZE * traf.samples.length;
}

/** Writes one traf at `pos`; returns the position after it. */
function writeTraf(view: DataView, pos: number, traf: TrackFragment, dataOffset: number): number {
  if (dataOffset > 0x7fffffff) {
    throw new InvalidArgumentError(`data_offset too large: ${dataOffset}`);
  }
  const samples = traf.samples;
  let p = boxHeader(view, pos, trafSize(traf), TRAF);
  p = fullBoxHeader(view, p, TFHD_SIZE, TFHD, 0, TFHD_DEFAULT_BASE_IS_MOOF);
  view.setUint32(p, traf.trackId); // track_ID
  p += 4;
  // Version 1 always: 64-bit decode times never overflow on long-running live streams.
  p = fullBoxHeader(view, p, TFDT_V1_SIZE, TFDT, 1, 0);
  view.setUint32(p, Math.floor(traf.baseMediaDecodeTime / U32_LIMIT)); // baseMediaDecodeTime
  view.setUint32(p + 4, traf.baseMediaDecodeTime % U32_LIMIT);
  p += 8;
  // Version 1: sample_composition_time_offset is signed (8.8.8.2).
  p = fullBoxHeader(
    view,
    p,
    TRUN_HEADER_SIZE + TRUN_SAMPLE_SIZE * samples.length,
    TRUN,
    1,
    TRUN_FLAGS,
  );
  view.setUint32(p, samples.length); // sample_count
  view.setInt32(p + 4, dataOffset); // data_offset
  p += 8;
  for (const sample of samples) {
    view.setUint32(p, sample.duration); // sample_duration
    view.setUint32(p + 4, sample.size); // sample_size
    view.setUint32(p + 8, sample.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS); // sample_flags
    view.setInt32(p + 12, sample.compositionOffset); // sample_composition_time_offset
    p += TRUN_SAMPLE_SIZE;
  }
  return p;
}

/** Box header (14496-12 4.2): size, then the type as a big-endian u32. */
function boxHeader(view: DataView, pos: number, size: number, type: number): number {
  view.setUint32(pos, size);
  view.setUint32(pos + 4, type);
  return pos + 8;
}

/** FullBox header (14496-12 4.2): the box header, then version (8 bits) and flags (24 bits). */
function fullBoxHeader(
  view: DataView,
  pos: number,
  size: number,
  type: number,
  version: number,
  flags: number,
): number {
  boxHeader(view, pos, size, type);
  view.setUint32(pos + 8, version * 0x1000000 + flags);
  return pos + 12;
}

/** Validates everything up front so a bad sample never leaves a half-written segment. */
function checkTraf(traf: TrackFragment): void {
  checkField(traf.trackId, 1, 0xffffffff, 'track_ID');
  checkField(traf.baseMediaDecodeTime, 0, Number.MAX_SAFE_INTEGER, 'baseMediaDecodeTime');
  for (const sample of traf.samples) {
    checkField(sample.duration, 0, 0xffffffff, 'sample_duration');
    checkField(sample.compositionOffset, -0x80000000, 0x7fffffff, 'sample_composition_time_offset');
    if (sample.size !== sample.data.length) {
      throw new InvalidArgumentError(
        `sample size ${sample.size} does not match its data length ${sample.data.length}`,
      );
    }
  }
}
