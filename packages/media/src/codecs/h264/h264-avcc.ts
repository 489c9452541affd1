import { InvalidArgumentError, MalformedError, onlyMediaErrors } from '../../errors.js';
import { ByteReader } from '../../io/byte-reader.js';
import { ByteWriter } from '../../io/byte-writer.js';
import { checkLengthSize, type NalLengthSize } from './annexb.js';
import { parseH264Sps } from './h264-sps.js';

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1). */
export interface AvcDecoderConfig {
  configurationVersion: number;
  /** AVCProfileIndication: profile_idc of the SPS. */
  profileIndication: number;
  /** profile_compatibility: the constraint-flag byte of the SPS. */
  profileCompatibility: number;
  /** AVCLevelIndication: level_idc of the SPS. */
  levelIndication: number;
  lengthSize: NalLengthSize;
  /** SPS NAL units (views into the input). */
  sps: Uint8Array[];
  /** PPS NAL units (views into the input). */
  pps: Uint8Array[];
  /** High-profile tail (5.3.3.1.2), present only when the record carries it. */
  ext: AvcConfigExt | undefined;
}

export interface AvcConfigExt {
  chromaFormat: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  spsExt: Uint8Array[];
}

/** Profiles for which 5.3.3.1.2 adds chroma_format, bit depths and SPS extensions; 244
 * (High 4:4:4 Predictive) replaced 144 in H.264 and writers such as FFmpeg include it. */
const EXT_PROFILES = new Set([100, 110, 122, 144, 244]);

/** Parses an avcC payload (without the box header). Throws only MediaError. */
export function parseAvcC(bytes: Uint8Array): AvcDecoderConfig {
  return onlyMediaErrors(() => parseRecord(bytes));
}

function parseRecord(bytes: Uint8Array): AvcDecoderConfig {
  const r = new ByteReader(bytes);
  const configurationVersion = r.u8();
  if (configurationVersion !== 1) {
    throw new MalformedError(`avcC configurationVersion ${configurationVersion}, expected 1`, {
      offset: 0,
    });
  }
  const profileIndication = r.u8();
  const profileCompatibility = r.u8();
  const levelIndication = r.u8();
  const lengthSize = (r.u8() % 4) + 1;
  if (lengthSize === 3)
    throw new MalformedError('avcC lengthSizeMinusOne 2 is not allowed', { offset: 4 });
  checkLengthSize(lengthSize);
  const sps = readNalList(r, r.u8() % 32, 'avcC SPS');
  const pps = readNalList(r, r.u8(), 'avcC PPS');
  let ext: AvcConfigExt | undefined;
  // Many writers omit the tail even for high profiles, so it is read only when present.
  if (EXT_PROFILES.has(profileIndication) && r.remaining >= 4) {
    const chromaFormat = r.u8() % 4;
    const bitDepthLuma = (r.u8() % 8) + 8;
    const bitDepthChroma = (r.u8() % 8) + 8;
    const spsExt = readNalList(r, r.u8(), 'avcC SPS extension');
    ext = { chromaFormat, bitDepthLuma, bitDepthChroma, spsExt };
  }
  return {
    configurationVersion,
    profileIndication,
    profileCompatibility,
    levelIndication,
    lengthSize,
    sps,
    pps,
    ext,
  };
}

function readNalList(r: ByteReader, count: number, what: string): Uint8Array[] {
  const list: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const len = r.u16();
    list.push(r.bytesView(len, what));
  }
  return list;
}

export interface AvcCInput {
  sps: Uint8Array | readonly Uint8Array[];
  pps: Uint8Array | readonly Uint8Array[];
  lengthSize?: number;
}

/**
 * Builds an avcC payload. Profile, compatibility and level come from the first SPS; for the
 * profiles of 5.3.3.1.2 the chroma/bit-depth tail is written from the parsed SPS.
 */
export function buildAvcC(input: AvcCInput): Uint8Array {
  const sps = toList(input.sps);
  const pps = toList(input.pps);
  const lengthSize = input.lengthSize ?? 4;
  checkLengthSize(lengthSize);
  const first = sps[0];
  if (first === undefined) throw new InvalidArgumentError('avcC needs at least one SPS');
  if (sps.length > 31)
    throw new InvalidArgumentError(`avcC holds at most 31 SPS, got ${sps.length}`);
  if (pps.length > 255)
    throw new InvalidArgumentError(`avcC holds at most 255 PPS, got ${pps.length}`);
  const parsed = parseH264Sps(first);
  const w = new ByteWriter(64);
  w.u8(1); // configurationVersion
  w.u8(parsed.profileIdc); // AVCProfileIndication
  w.u8(parsed.constraintFlags); // profile_compatibility
  w.u8(parsed.levelIdc); // AVCLevelIndication
  w.u8(0xfc + lengthSize - 1); // reserved '111111' + lengthSizeMinusOne
  w.u8(0xe0 + sps.length); // reserved '111' + numOfSequenceParameterSets
  for (const nal of sps) writeNal(w, nal);
  w.u8(pps.length); // numOfPictureParameterSets
  for (const nal of pps) writeNal(w, nal);
  if (EXT_PROFILES.has(parsed.profileIdc)) {
    w.u8(0xfc + parsed.chromaFormatIdc); // reserved '111111' + chroma_format
    w.u8(0xf8 + parsed.bitDepthLuma - 8); // reserved '11111' + bit_depth_luma_minus8
    w.u8(0xf8 + parsed.bitDepthChroma - 8); // reserved '11111' + bit_depth_chroma_minus8
    w.u8(0); // numOfSequenceParameterSetExt
  }
  return w.finish();
}

function toList(v: Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  return v instanceof Uint8Array ? [v] : v;
}

function writeNal(w: ByteWriter, nal: Uint8Array): void {
  if (nal.length > 0xffff)
    throw new InvalidArgumentError(`parameter set of ${nal.length} bytes exceeds 65535`);
  w.u16(nal.length);
  w.bytes(nal);
}
