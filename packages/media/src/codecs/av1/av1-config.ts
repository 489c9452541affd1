import { MalformedError, onlyMediaErrors } from '../../errors.js';
import {
  OBU_SEQUENCE_HEADER,
  parseAv1SequenceHeader,
  splitObus,
  type Av1SequenceHeader,
} from './av1-sequence-header.js';

/** AV1CodecConfigurationRecord (AV1 ISOBMFF binding 2.3.3). */
export interface Av1Config {
  version: number;
  seqProfile: number;
  seqLevelIdx0: number;
  seqTier0: number;
  highBitdepth: boolean;
  twelveBit: boolean;
  /** 8, 10 or 12, derived from high_bitdepth and twelve_bit (AV1 spec 5.5.2). */
  bitDepth: number;
  monochrome: boolean;
  chromaSubsamplingX: boolean;
  chromaSubsamplingY: boolean;
  chromaSamplePosition: number;
  /** initial_presentation_delay_minus_one + 1 when present. */
  initialPresentationDelay: number | undefined;
  /** configOBUs: a view into the input. */
  configObus: Uint8Array;
  /** The first sequence header OBU in configOBUs, parsed, when there is one. */
  sequenceHeader: Av1SequenceHeader | undefined;
}

/** Parses an av1C payload (without the box header). Throws only MediaError. */
export function parseAv1C(bytes: Uint8Array): Av1Config {
  return onlyMediaErrors(() => parseRecord(bytes));
}

function parseRecord(bytes: Uint8Array): Av1Config {
  if (bytes.length < 4) throw new MalformedError(`av1C needs 4 bytes, got ${bytes.length}`);
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes;
  if (b0 < 0x80) throw new MalformedError('av1C marker bit is 0', { offset: 0 });
  const version = b0 % 128;
  if (version !== 1) throw new MalformedError(`av1C version ${version}, expected 1`, { offset: 0 });
  const seqProfile = Math.floor(b1 / 32);
  const highBitdepth = Math.floor(b2 / 64) % 2 === 1;
  const twelveBit = Math.floor(b2 / 32) % 2 === 1;
  const configObus = bytes.subarray(4);
  let sequenceHeader: Av1SequenceHeader | undefined;
  for (const obu of splitObus(configObus)) {
    if (obu.type === OBU_SEQUENCE_HEADER) {
      sequenceHeader = parseAv1SequenceHeader(obu.payload);
      break;
    }
  }
  return {
    version,
    seqProfile,
    seqLevelIdx0: b1 % 32,
    seqTier0: Math.floor(b2 / 128),
    highBitdepth,
    twelveBit,
    bitDepth: highBitdepth ? (seqProfile === 2 && twelveBit ? 12 : 10) : 8,
    monochrome: Math.floor(b2 / 16) % 2 === 1,
    chromaSubsamplingX: Math.floor(b2 / 8) % 2 === 1,
    chromaSubsamplingY: Math.floor(b2 / 4) % 2 === 1,
    chromaSamplePosition: b2 % 4,
    initialPresentationDelay: Math.floor(b3 / 16) % 2 === 1 ? (b3 % 16) + 1 : undefined,
    configObus,
    sequenceHeader,
  };
}
