import { MalformedError } from '../errors.js';
import type { ByteReader } from '../io/byte-reader.js';

/** avcC: AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1). */
export interface AvccFields {
  box: 'avcC';
  /** The whole record, as MSE and codec parsers want it. */
  raw: Uint8Array;
  profile: number;
  profileCompatibility: number;
  level: number;
  nalLengthSize: number;
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/** A record's leading version byte, which must be `expected`. */
function readVersionByte(r: ByteReader, box: string, field: string, expected: number): number {
  const version = r.u8();
  if (version !== expected) {
    throw new MalformedError(`${box}: ${field} ${version}, expected ${expected}`, {
      offset: r.offset - 1,
    });
  }
  return version;
}

export function parseAvcc(r: ByteReader): AvccFields {
  const raw = r.bytes.subarray(r.pos);
  readVersionByte(r, 'avcC', 'configurationVersion', 1);
  const profile = r.u8();
  const profileCompatibility = r.u8();
  const level = r.u8();
  const nalLengthSize = (r.u8() & 0x03) + 1;
  const sps = readNalList(r, r.u8() & 0x1f);
  const pps = readNalList(r, r.u8());
  // High-profile extension fields (chroma_format, bit depths, SPS-ext) may follow; raw keeps them.
  return { box: 'avcC', raw, profile, profileCompatibility, level, nalLengthSize, sps, pps };
}

function readNalList(r: ByteReader, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(r.bytesView(r.u16(), 'parameter set'));
  return out;
}

export interface HvccArray {
  completeness: boolean;
  nalUnitType: number;
  nalUnits: Uint8Array[];
}

/** hvcC: HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1). */
export interface HvccFields {
  box: 'hvcC';
  raw: Uint8Array;
  generalProfileSpace: number;
  generalTierFlag: number;
  generalProfileIdc: number;
  generalProfileCompatibilityFlags: number;
  /** general_constraint_indicator_flags, 6 bytes. */
  generalConstraintIndicatorFlags: Uint8Array;
  generalLevelIdc: number;
  chromaFormat: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  nalLengthSize: number;
  arrays: HvccArray[];
}

export function parseHvcc(r: ByteReader): HvccFields {
  const raw = r.bytes.subarray(r.pos);
  readVersionByte(r, 'hvcC', 'configurationVersion', 1);
  const ptl = r.u8();
  const generalProfileCompatibilityFlags = r.u32();
  const generalConstraintIndicatorFlags = r.bytesView(6);
  const generalLevelIdc = r.u8();
  r.skip(3, 'hvcC segmentation/parallelism');
  const chromaFormat = r.u8() & 0x03;
  const bitDepthLuma = (r.u8() & 0x07) + 8;
  const bitDepthChroma = (r.u8() & 0x07) + 8;
  r.skip(2, 'hvcC avgFrameRate');
  const nalLengthSize = (r.u8() & 0x03) + 1;
  const arrayCount = r.u8();
  const arrays: HvccArray[] = [];
  for (let i = 0; i < arrayCount; i++) {
    const head = r.u8();
    arrays.push({
      completeness: head >= 0x80,
      nalUnitType: head & 0x3f,
      nalUnits: readNalList(r, r.u16()),
    });
  }
  return {
    box: 'hvcC',
    raw,
    generalProfileSpace: ptl >> 6,
    generalTierFlag: (ptl >> 5) & 1,
    generalProfileIdc: ptl & 0x1f,
    generalProfileCompatibilityFlags,
    generalConstraintIndicatorFlags,
    generalLevelIdc,
    chromaFormat,
    bitDepthLuma,
    bitDepthChroma,
    nalLengthSize,
    arrays,
  };
}

/** av1C: AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding 2.3.3). */
export interface Av1cFields {
  box: 'av1C';
  raw: Uint8Array;
  seqProfile: number;
  seqLevelIdx0: number;
  seqTier0: number;
  highBitdepth: boolean;
  twelveBit: boolean;
  monochrome: boolean;
  chromaSubsamplingX: number;
  chromaSubsamplingY: number;
  chromaSamplePosition: number;
  initialPresentationDelayMinusOne?: number | undefined;
  configObus: Uint8Array;
}

export function parseAv1c(r: ByteReader): Av1cFields {
  const raw = r.bytes.subarray(r.pos);
  const head = r.u8();
  if (head !== 0x81) {
    throw new MalformedError(`av1C: marker/version byte 0x${head.toString(16)}, expected 0x81`, {
      offset: r.offset - 1,
    });
  }
  const b1 = r.u8();
  const b2 = r.u8();
  const b3 = r.u8();
  return {
    box: 'av1C',
    raw,
    seqProfile: b1 >> 5,
    seqLevelIdx0: b1 & 0x1f,
    seqTier0: b2 >> 7,
    highBitdepth: ((b2 >> 6) & 1) === 1,
    twelveBit: ((b2 >> 5) & 1) === 1,
    monochrome: ((b2 >> 4) & 1) === 1,
    chromaSubsamplingX: (b2 >> 3) & 1,
    chromaSubsamplingY: (b2 >> 2) & 1,
    chromaSamplePosition: b2 & 0x03,
    initialPresentationDelayMinusOne: (b3 & 0x10) !== 0 ? b3 & 0x0f : undefined,
    configObus: r.bytesView(r.remaining),
  };
}

/** dOps: OpusSpecificBox (Encapsulation of Opus in ISO BMFF 4.3.2); big-endian, unlike OpusHead. */
export interface DopsFields {
  box: 'dOps';
  raw: Uint8Array;
  version: number;
  outputChannelCount: number;
  preSkip: number;
  inputSampleRate: number;
  outputGain: number;
  channelMappingFamily: number;
  streamCount?: number | undefined;
  coupledCount?: number | undefined;
  channelMapping?: Uint8Array | undefined;
}

export function parseDops(r: ByteReader): DopsFields {
  const raw = r.bytes.subarray(r.pos);
  const version = readVersionByte(r, 'dOps', 'Version', 0);
  const outputChannelCount = r.u8();
  const preSkip = r.u16();
  const inputSampleRate = r.u32();
  const outputGain = r.i16();
  const channelMappingFamily = r.u8();
  // The mapping table is present only for families other than 0 (dOps ChannelMappingFamily).
  const mapping =
    channelMappingFamily === 0
      ? {}
      : {
          streamCount: r.u8(),
          coupledCount: r.u8(),
          channelMapping: r.bytesView(outputChannelCount),
        };
  return {
    box: 'dOps',
    raw,
    version,
    outputChannelCount,
    preSkip,
    inputSampleRate,
    outputGain,
    channelMappingFamily,
    ...mapping,
  };
}
