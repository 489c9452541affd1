import { MalformedError } from '../../errors.js';
import { BitReader } from '../../io/bit-reader.js';

/** The parts of an AV1 sequence_header_obu (AV1 spec 5.5.1) we need for a track. */
export interface Av1SequenceHeader {
  seqProfile: number;
  stillPicture: boolean;
  seqLevelIdx0: number;
  seqTier0: number;
  maxFrameWidth: number;
  maxFrameHeight: number;
  /** From timing_info with equal_picture_interval (5.5.3), else undefined. */
  frameRate: number | undefined;
}

export const OBU_SEQUENCE_HEADER = 1;

/** One OBU: header fields and a view of its payload (AV1 spec 5.3). */
export interface Av1Obu {
  type: number;
  payload: Uint8Array;
}

/** Splits a sequence of OBUs. An OBU without obu_has_size_field runs to the end of the input. */
export function splitObus(bytes: Uint8Array): Av1Obu[] {
  const obus: Av1Obu[] = [];
  let p = 0;
  while (p < bytes.length) {
    const h = bytes[p] ?? 0;
    if (h >= 0x80) throw new MalformedError('OBU forbidden bit is set', { offset: p });
    const type = Math.floor(h / 8) % 16;
    const hasExtension = Math.floor(h / 4) % 2 === 1;
    const hasSize = Math.floor(h / 2) % 2 === 1;
    p += hasExtension ? 2 : 1;
    let size = bytes.length - p;
    if (hasSize) {
      const leb = readLeb128(bytes, p);
      size = leb.value;
      p += leb.length;
    }
    if (p > bytes.length || size > bytes.length - p) {
      throw new MalformedError(`OBU of ${size} bytes overruns the input`, { offset: p });
    }
    obus.push({ type, payload: bytes.subarray(p, p + size) });
    p += size;
  }
  return obus;
}

/** leb128() (AV1 spec 4.10.5): at most 8 bytes, value below 2^32. */
function readLeb128(bytes: Uint8Array, at: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const b = bytes[at + i];
    if (b === undefined) throw new MalformedError('leb128 runs past the end', { offset: at });
    value += (b % 128) * 2 ** (7 * i);
    if (b < 128) {
      if (value > 0xffffffff)
        throw new MalformedError('leb128 value beyond 2^32-1', { offset: at });
      return { value, length: i + 1 };
    }
  }
  throw new MalformedError('leb128 longer than 8 bytes', { offset: at });
}

/** Parses a sequence_header_obu payload up to max_frame_height_minus_1. */
export function parseAv1SequenceHeader(payload: Uint8Array): Av1SequenceHeader {
  const r = new BitReader(payload);
  const seqProfile = r.bits(3);
  if (seqProfile > 2) throw new MalformedError(`AV1 seq_profile ${seqProfile} is reserved`);
  const stillPicture = r.flag();
  const reduced = r.flag(); // reduced_still_picture_header
  let seqLevelIdx0: number;
  let seqTier0 = 0;
  let frameRate: number | undefined;
  if (reduced) {
    seqLevelIdx0 = r.bits(5);
  } else {
    let decoderModelInfoPresent = false;
    let bufferDelayLength = 0;
    if (r.flag()) {
      // timing_info() 5.5.3
      const numUnitsInDisplayTick = r.bits(32);
      const timeScale = r.bits(32);
      let ticksPerPicture = 0;
      if (r.flag()) ticksPerPicture = uvlc(r) + 1; // equal_picture_interval
      if (numUnitsInDisplayTick > 0 && timeScale > 0 && ticksPerPicture > 0) {
        frameRate = timeScale / (numUnitsInDisplayTick * ticksPerPicture);
      }
      decoderModelInfoPresent = r.flag();
      if (decoderModelInfoPresent) {
        bufferDelayLength = r.bits(5) + 1; // decoder_model_info() 5.5.4
        r.skip(32 + 5 + 5); // num_units_in_decoding_tick, two length fields
      }
    }
    const initialDisplayDelayPresent = r.flag();
    const operatingPoints = r.bits(5) + 1;
    seqLevelIdx0 = 0;
    for (let i = 0; i < operatingPoints; i++) {
      r.skip(12); // operating_point_idc
      const level = r.bits(5);
      const tier = level > 7 ? r.bits(1) : 0;
      if (i === 0) {
        seqLevelIdx0 = level;
        seqTier0 = tier;
      }
      if (decoderModelInfoPresent && r.flag()) r.skip(2 * bufferDelayLength + 1); // operating_parameters_info
      if (initialDisplayDelayPresent && r.flag()) r.skip(4); // initial_display_delay_minus_1
    }
  }
  const widthBits = r.bits(4) + 1;
  const heightBits = r.bits(4) + 1;
  const maxFrameWidth = r.bits(widthBits) + 1;
  const maxFrameHeight = r.bits(heightBits) + 1;
  return {
    seqProfile,
    stillPicture,
    seqLevelIdx0,
    seqTier0,
    maxFrameWidth,
    maxFrameHeight,
    frameRate,
  };
}

/** uvlc() (AV1 spec 4.10.3). */
function uvlc(r: BitReader): number {
  let zeros = 0;
  while (!r.flag()) {
    zeros++;
    if (zeros >= 32) return 0xffffffff;
  }
  return zeros === 0 ? 0 : r.bits(zeros) + 2 ** zeros - 1;
}
