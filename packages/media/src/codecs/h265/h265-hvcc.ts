import { InvalidArgumentError, MalformedError, onlyMediaErrors } from '../../errors.js';
import { ByteReader } from '../../io/byte-reader.js';
import { ByteWriter } from '../../io/byte-writer.js';
import { checkLengthSize, type NalLengthSize } from '../h264/annexb.js';
import type { HevcProfileTierLevel } from './h265-ptl.js';
import { parseH265Sps } from './h265-sps.js';

export interface HevcNalArray {
  arrayCompleteness: boolean;
  nalUnitType: number;
  /** NAL units (views into the input). */
  units: Uint8Array[];
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1). */
export interface HevcDecoderConfig extends HevcProfileTierLevel {
  configurationVersion: number;
  minSpatialSegmentationIdc: number;
  parallelismType: number;
  chromaFormat: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  avgFrameRate: number;
  constantFrameRate: number;
  numTemporalLayers: number;
  temporalIdNested: boolean;
  lengthSize: NalLengthSize;
  arrays: HevcNalArray[];
}

export const HEVC_NAL_VPS = 32;
export const HEVC_NAL_SPS = 33;
export const HEVC_NAL_PPS = 34;

/** Parses an hvcC payload (without the box header). Throws only MediaError. */
export function parseHvcC(bytes: Uint8Array): HevcDecoderConfig {
  return onlyMediaErrors(() => parseRecord(bytes));
}

function parseRecord(bytes: Uint8Array): HevcDecoderConfig {
  const r = new ByteReader(bytes);
  const configurationVersion = r.u8();
  // Version 0 was written by muxers that predate the final record; the layout is the same.
  if (configurationVersion > 1) {
    throw new MalformedError(`hvcC configurationVersion ${configurationVersion}, expected 1`, {
      offset: 0,
    });
  }
  const b1 = r.u8();
  const generalProfileCompatibilityFlags = r.u32();
  const generalConstraintIndicatorFlags = r.bytesCopy(6, 'hvcC constraint flags');
  const generalLevelIdc = r.u8();
  const minSpatialSegmentationIdc = r.u16() % 4096;
  const parallelismType = r.u8() % 4;
  const chromaFormat = r.u8() % 4;
  const bitDepthLuma = (r.u8() % 8) + 8;
  const bitDepthChroma = (r.u8() % 8) + 8;
  const avgFrameRate = r.u16();
  const b21 = r.u8();
  const lengthSize = (b21 % 4) + 1;
  if (lengthSize === 3)
    throw new MalformedError('hvcC lengthSizeMinusOne 2 is not allowed', { offset: 21 });
  checkLengthSize(lengthSize);
  const numArrays = r.u8();
  const arrays: HevcNalArray[] = [];
  for (let i = 0; i < numArrays; i++) {
    const head = r.u8();
    const count = r.u16();
    const units: Uint8Array[] = [];
    for (let k = 0; k < count; k++) units.push(r.bytesView(r.u16(), 'hvcC NAL unit'));
    arrays.push({ arrayCompleteness: head >= 0x80, nalUnitType: head % 64, units });
  }
  return {
    configurationVersion,
    generalProfileSpace: Math.floor(b1 / 64),
    generalTierFlag: Math.floor(b1 / 32) % 2 === 1,
    generalProfileIdc: b1 % 32,
    generalProfileCompatibilityFlags,
    generalConstraintIndicatorFlags,
    generalLevelIdc,
    minSpatialSegmentationIdc,
    parallelismType,
    chromaFormat,
    bitDepthLuma,
    bitDepthChroma,
    avgFrameRate,
    constantFrameRate: Math.floor(b21 / 64),
    numTemporalLayers: Math.floor(b21 / 8) % 8,
    temporalIdNested: Math.floor(b21 / 4) % 2 === 1,
    lengthSize,
    arrays,
  };
}

/** All NAL units of one type across the record's arrays. */
export function hvcCUnits(cfg: HevcDecoderConfig, nalUnitType: number): Uint8Array[] {
  return cfg.arrays.filter((a) => a.nalUnitType === nalUnitType).flatMap((a) => a.units);
}

export interface HvcCInput {
  vps: Uint8Array | readonly Uint8Array[];
  sps: Uint8Array | readonly Uint8Array[];
  pps: Uint8Array | readonly Uint8Array[];
  lengthSize?: number;
}

/**
 * Builds an hvcC payload; the header fields come from the first SPS. Arrays are marked
 * complete, as an `hvc1` sample entry requires (14496-15 8.4.1).
 */
export function buildHvcC(input: HvcCInput): Uint8Array {
  const lists: [number, readonly Uint8Array[]][] = [
    [HEVC_NAL_VPS, toList(input.vps)],
    [HEVC_NAL_SPS, toList(input.sps)],
    [HEVC_NAL_PPS, toList(input.pps)],
  ];
  const lengthSize = input.lengthSize ?? 4;
  checkLengthSize(lengthSize);
  const first = lists[1]?.[1][0];
  if (first === undefined) throw new InvalidArgumentError('hvcC needs at least one SPS');
  const sps = parseH265Sps(first);
  const w = new ByteWriter(128);
  w.u8(1); // configurationVersion
  w.u8(sps.generalProfileSpace * 64 + (sps.generalTierFlag ? 32 : 0) + sps.generalProfileIdc);
  w.u32(sps.generalProfileCompatibilityFlags); // general_profile_compatibility_flags
  w.bytes(sps.generalConstraintIndicatorFlags); // general_constraint_indicator_flags
  w.u8(sps.generalLevelIdc); // general_level_idc
  w.u16(0xf000); // reserved '1111' + min_spatial_segmentation_idc 0
  w.u8(0xfc); // reserved '111111' + parallelismType 0 (unknown)
  w.u8(0xfc + sps.chromaFormatIdc); // reserved + chromaFormat
  w.u8(0xf8 + Math.min(7, sps.bitDepthLuma - 8)); // reserved + bitDepthLumaMinus8
  w.u8(0xf8 + Math.min(7, sps.bitDepthChroma - 8)); // reserved + bitDepthChromaMinus8
  w.u16(0); // avgFrameRate: unspecified
  // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne
  w.u8((sps.maxSubLayersMinus1 + 1) * 8 + (sps.temporalIdNesting ? 4 : 0) + lengthSize - 1);
  const present = lists.filter(([, units]) => units.length > 0);
  w.u8(present.length); // numOfArrays
  for (const [type, units] of present) {
    if (units.length > 0xffff) throw new InvalidArgumentError(`too many NAL units of type ${type}`);
    w.u8(0x80 + type); // array_completeness 1, reserved 0, NAL_unit_type
    w.u16(units.length); // numNalus
    for (const nal of units) {
      if (nal.length > 0xffff)
        throw new InvalidArgumentError(`NAL unit of ${nal.length} bytes exceeds 65535`);
      w.u16(nal.length); // nalUnitLength
      w.bytes(nal);
    }
  }
  return w.finish();
}

function toList(v: Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  return v instanceof Uint8Array ? [v] : v;
}
