import { InvalidArgumentError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import { checkField, fullBox, needsVersion1, u32or64 } from './box-writer.js';

export interface SidxReference {
  /** Bytes of the referenced media (moof + mdat of one subsegment). */
  size: number;
  /** Subsegment duration in the sidx timescale. */
  duration: number;
  /** The subsegment starts with a stream access point (a keyframe). */
  startsWithSap: boolean;
}

export interface SidxOptions {
  /** track_ID of the reference stream (usually the video track). */
  referenceId: number;
  timescale: number;
  /** Earliest presentation time of the first subsegment, in `timescale`. */
  earliestPresentationTime: number;
  /** Bytes from the end of this sidx to the first referenced byte. */
  firstOffset: number;
  references: readonly SidxReference[];
}

/** 2^31: referenced_size is a 31-bit field next to reference_type. */
const SIZE_LIMIT = 0x80000000;
/** starts_with_SAP = 1, SAP_type = 1 (closed GOP random access), SAP_delta_time = 0. */
const SAP_TYPE_1 = 0x90000000;

/**
 * SegmentIndexBox (ISO/IEC 14496-12 8.16.3) with media references only (reference_type 0).
 * Version 1 is used when the earliest presentation time or first offset needs 64 bits.
 */
export function buildSidx(options: SidxOptions): Uint8Array {
  const { referenceId, timescale, earliestPresentationTime, firstOffset, references } = options;
  checkField(referenceId, 0, 0xffffffff, 'reference_ID');
  checkField(timescale, 1, 0xffffffff, 'timescale');
  checkField(earliestPresentationTime, 0, Number.MAX_SAFE_INTEGER, 'earliest_presentation_time');
  checkField(firstOffset, 0, Number.MAX_SAFE_INTEGER, 'first_offset');
  if (references.length > 0xffff) {
    throw new InvalidArgumentError(`too many sidx references: ${references.length} > 65535`);
  }
  for (const ref of references) {
    checkField(ref.size, 0, SIZE_LIMIT - 1, 'referenced_size');
    checkField(ref.duration, 0, 0xffffffff, 'subsegment_duration');
  }
  const version = needsVersion1(earliestPresentationTime, firstOffset) ? 1 : 0;
  const w = new ByteWriter(32 + (version === 1 ? 8 : 0) + 12 * references.length);
  fullBox(w, 'sidx', version, 0, () => {
    w.u32(referenceId); // reference_ID
    w.u32(timescale); // timescale
    u32or64(w, version, earliestPresentationTime); // earliest_presentation_time
    u32or64(w, version, firstOffset); // first_offset
    w.u16(0); // reserved
    w.u16(references.length); // reference_count
    for (const ref of references) {
      w.u32(ref.size); // reference_type (0: media) | referenced_size
      w.u32(ref.duration); // subsegment_duration
      w.u32(ref.startsWithSap ? SAP_TYPE_1 : 0); // starts_with_SAP | SAP_type | SAP_delta_time
    }
  });
  return w.written();
}
