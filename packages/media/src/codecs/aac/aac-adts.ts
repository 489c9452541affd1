import {
  InvalidArgumentError,
  MalformedError,
  TruncatedError,
  UnsupportedError,
} from '../../errors.js';
import { AAC_SAMPLE_RATES, channelsForConfiguration } from './aac-tables.js';

/** A parsed adts_fixed_header + adts_variable_header (ISO/IEC 13818-7 6.2, 14496-3 1.A.2). */
export interface AdtsHeader {
  /** ID bit: 0 for MPEG-4, 1 for MPEG-2 AAC. */
  mpegVersion: 2 | 4;
  protectionAbsent: boolean;
  /** profile_ObjectType + 1: 1 Main, 2 LC, 3 SSR, 4 LTP. */
  objectType: number;
  samplingFrequencyIndex: number;
  sampleRate: number;
  /** 0 means the channels are described by a PCE inside the raw data. */
  channelConfiguration: number;
  /** aac_frame_length: the whole frame, header included. */
  frameLength: number;
  headerLength: 7 | 9;
  bufferFullness: number;
  /** number_of_raw_data_blocks_in_frame + 1. */
  rawDataBlocks: number;
}

/** Parses the ADTS header at `offset`. Throws TruncatedError or MalformedError. */
export function parseAdtsHeader(bytes: Uint8Array, offset = 0): AdtsHeader {
  if (offset < 0 || offset + 7 > bytes.length) {
    throw new TruncatedError(`ADTS header needs 7 bytes at offset ${offset}`, { offset });
  }
  const b = (i: number): number => bytes[offset + i] ?? 0;
  if (b(0) !== 0xff || b(1) < 0xf0)
    throw new MalformedError('ADTS syncword 0xFFF not found', { offset });
  const b1 = b(1);
  const b2 = b(2);
  const b3 = b(3);
  if (Math.floor(b1 / 2) % 4 !== 0) throw new MalformedError('ADTS layer is not 0', { offset });
  const protectionAbsent = b1 % 2 === 1;
  const objectType = Math.floor(b2 / 64) + 1;
  const samplingFrequencyIndex = Math.floor(b2 / 4) % 16;
  const sampleRate = AAC_SAMPLE_RATES[samplingFrequencyIndex];
  if (sampleRate === undefined) {
    throw new MalformedError(
      `ADTS sampling_frequency_index ${samplingFrequencyIndex} is reserved`,
      { offset },
    );
  }
  const channelConfiguration = (b2 % 2) * 4 + Math.floor(b3 / 64);
  const frameLength = (b3 % 4) * 2048 + b(4) * 8 + Math.floor(b(5) / 32);
  const headerLength = protectionAbsent ? 7 : 9;
  if (frameLength < headerLength) {
    throw new MalformedError(`ADTS aac_frame_length ${frameLength} shorter than its header`, {
      offset,
    });
  }
  return {
    mpegVersion: Math.floor(b1 / 8) % 2 === 1 ? 2 : 4,
    protectionAbsent,
    objectType,
    samplingFrequencyIndex,
    sampleRate,
    channelConfiguration,
    frameLength,
    headerLength,
    bufferFullness: (b(5) % 32) * 64 + Math.floor(b(6) / 4),
    rawDataBlocks: (b(6) % 4) + 1,
  };
}

export interface AdtsFrame {
  header: AdtsHeader;
  /** Offset of the frame's header in the input. */
  offset: number;
  /** The raw_data_block(s) after the header (and CRC), a view into the input. */
  payload: Uint8Array;
}

export interface AdtsSplit {
  frames: AdtsFrame[];
  /** Bytes fully handled; the caller keeps `bytes.subarray(consumed)` for the next call. */
  consumed: number;
  /** Bytes dropped while hunting for a sync word. */
  skipped: number;
}

/**
 * Splits ADTS frames with sync recovery: a header only counts if it parses and is followed by
 * another sync word (or ends exactly at the end of input), so junk that happens to contain 0xFFF
 * is skipped. A frame cut off by the end of input is left unconsumed.
 */
export function splitAdtsFrames(bytes: Uint8Array): AdtsSplit {
  const frames: AdtsFrame[] = [];
  let pos = 0;
  let skipped = 0;
  while (pos + 7 <= bytes.length) {
    let header: AdtsHeader | undefined;
    try {
      header = parseAdtsHeader(bytes, pos);
    } catch {
      header = undefined;
    }
    if (header === undefined) {
      pos++;
      skipped++;
      continue;
    }
    const end = pos + header.frameLength;
    if (end > bytes.length) break; // partial frame: wait for more input
    if (end < bytes.length) {
      if (end + 1 >= bytes.length) break; // cannot confirm the next sync word yet
      if (bytes[end] !== 0xff || (bytes[end + 1] ?? 0) < 0xf0) {
        pos++;
        skipped++;
        continue;
      }
    }
    frames.push({ header, offset: pos, payload: bytes.subarray(pos + header.headerLength, end) });
    pos = end;
  }
  return { frames, consumed: pos, skipped };
}

export interface AdtsConfigInput {
  /** Core object type 1..4 (ADTS cannot signal others); HE-AAC streams carry 2 here. */
  objectType: number;
  /** Core sample rate index 0..12. */
  samplingFrequencyIndex: number;
  channelConfiguration: number;
}

/**
 * A 7-byte ADTS header (no CRC) for a raw frame of `payloadLength` bytes, MPEG-4 ID, VBR
 * buffer fullness 0x7FF, one raw data block.
 */
export function buildAdtsHeader(config: AdtsConfigInput, payloadLength: number): Uint8Array {
  const { objectType, samplingFrequencyIndex: sfi, channelConfiguration: cc } = config;
  if (!Number.isInteger(objectType) || objectType < 1 || objectType > 4) {
    throw new InvalidArgumentError(`ADTS cannot carry object type ${objectType}`);
  }
  if (!Number.isInteger(sfi) || sfi < 0 || sfi > 12)
    throw new InvalidArgumentError(`ADTS sampling index ${sfi}`);
  if (!Number.isInteger(cc) || cc < 0 || cc > 7)
    throw new InvalidArgumentError(`ADTS channel config ${cc}`);
  const frameLength = payloadLength + 7;
  if (!Number.isInteger(payloadLength) || payloadLength < 0 || frameLength > 0x1fff) {
    throw new InvalidArgumentError(
      `ADTS frame of ${payloadLength} payload bytes does not fit 13 bits`,
    );
  }
  const fullness = 0x7ff;
  return Uint8Array.of(
    0xff,
    0xf1, // syncword low nibble, ID 0, layer 00, protection_absent 1
    (objectType - 1) * 64 + sfi * 4 + Math.floor(cc / 4),
    (cc % 4) * 64 + Math.floor(frameLength / 2048),
    Math.floor(frameLength / 8) % 256,
    (frameLength % 8) * 32 + Math.floor(fullness / 64),
    (fullness % 64) * 4, // number_of_raw_data_blocks_in_frame 0
  );
}

/** The 2-byte AudioSpecificConfig equivalent to an ADTS header (14496-3 1.A.2 mapping). */
export function adtsToAsc(header: AdtsHeader): Uint8Array {
  if (header.channelConfiguration === 0) {
    throw new UnsupportedError(
      'ADTS channel_configuration 0 (PCE in payload) has no 2-byte config',
    );
  }
  channelsForConfiguration(header.channelConfiguration);
  const aot = header.objectType;
  const sfi = header.samplingFrequencyIndex;
  const cc = header.channelConfiguration;
  // 5 bits object type, 4 bits index, 4 bits channels, 3 zero bits of GASpecificConfig.
  return Uint8Array.of(aot * 8 + Math.floor(sfi / 2), (sfi % 2) * 128 + cc * 8);
}
