import { InvalidArgumentError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import { box, checkField, fullBox } from './box-writer.js';

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

/**
 * A media segment: 'moof' (mfhd + one traf per track: tfhd, tfdt v1, trun v1) followed by one
 * 'mdat' holding every traf's samples in order (14496-12 8.8.4). The output is allocated once
 * at its exact size and each sample's bytes are copied exactly once.
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
    moofSize +=
      8 + TFHD_SIZE + TFDT_V1_SIZE + TRUN_HEADER_SIZE + TRUN_SAMPLE_SIZE * traf.samples.length;
    for (const sample of traf.samples) dataSize += sample.size;
  }
  const mdatSize = 8 + dataSize;
  if (mdatSize > 0xffffffff) throw new InvalidArgumentError(`mdat too large: ${mdatSize} bytes`);
  const w = new ByteWriter(moofSize + mdatSize);

  box(w, 'moof', () => {
    fullBox(w, 'mfhd', 0, 0, () => {
      w.u32(sequenceNumber); // sequence_number
    });
    // data_offset of the first traf's samples: past the moof and the mdat header.
    let dataOffset = moofSize + 8;
    for (const traf of trafs) {
      writeTraf(w, traf, dataOffset);
      for (const sample of traf.samples) dataOffset += sample.size;
    }
  });
  box(w, 'mdat', () => {
    for (const traf of trafs) {
      for (const sample of traf.samples) w.bytes(sample.data); // data
    }
  });
  return w.written();
}

function writeTraf(w: ByteWriter, traf: TrackFragment, dataOffset: number): void {
  if (dataOffset > 0x7fffffff)
    throw new InvalidArgumentError(`data_offset too large: ${dataOffset}`);
  box(w, 'traf', () => {
    fullBox(w, 'tfhd', 0, TFHD_DEFAULT_BASE_IS_MOOF, () => {
      w.u32(traf.trackId); // track_ID
    });
    // Version 1 always: 64-bit decode times never overflow on long-running live streams.
    fullBox(w, 'tfdt', 1, 0, () => {
      w.u64(traf.baseMediaDecodeTime); // baseMediaDecodeTime
    });
    // Version 1: sample_composition_time_offset is signed (8.8.8.2).
    fullBox(w, 'trun', 1, TRUN_FLAGS, () => {
      w.u32(traf.samples.length); // sample_count
      w.i32(dataOffset); // data_offset
      for (const sample of traf.samples) {
        w.u32(sample.duration); // sample_duration
        w.u32(sample.size); // sample_size
        w.u32(sample.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS); // sample_flags
        w.i32(sample.compositionOffset); // sample_composition_time_offset
      }
    });
  });
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
