import { MalformedError, TruncatedError, UnsupportedError } from '../../errors.js';

/** An MPEG audio frame header (ISO/IEC 11172-3 2.4.1.3, 13818-3 2.4.1.3, and MPEG-2.5). */
export interface Mp3Header {
  /** 1 (MPEG-1), 2 (MPEG-2 LSF) or 2.5 (the unofficial 8/11/12 kHz extension). */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  /** True when a 16-bit CRC follows the header (protection_bit = 0). */
  crcPresent: boolean;
  /** kbit/s. */
  bitrate: number;
  sampleRate: number;
  padding: boolean;
  /** 0 stereo, 1 joint stereo, 2 dual channel, 3 single channel. */
  mode: number;
  channels: 1 | 2;
  samplesPerFrame: number;
  /** Bytes in the whole frame, header included. */
  frameLength: number;
}

// Bitrates in kbit/s by bitrate_index 1..14 (11172-3 2.4.2.3, 13818-3 2.4.2.3).
const BITRATES_V1: readonly (readonly number[])[] = [
  [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // layer I
  [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // layer II
  [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // layer III
];
const BITRATES_V2: readonly (readonly number[])[] = [
  [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // layer I
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // layers II and III
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const SAMPLE_RATES: Readonly<Record<'1' | '2' | '2.5', readonly number[]>> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

/** Parses the 4-byte header at `offset`. Reserved and free-format values are rejected. */
export function parseMp3Header(bytes: Uint8Array, offset = 0): Mp3Header {
  if (offset < 0 || offset + 4 > bytes.length) {
    throw new TruncatedError(`MPEG audio header needs 4 bytes at offset ${offset}`, { offset });
  }
  const b0 = bytes[offset] ?? 0;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  // 11 sync bits: MPEG-2.5 reuses the lowest bit of the 12-bit MPEG-1 syncword as a version bit.
  if (b0 !== 0xff || b1 < 0xe0) throw new MalformedError('MPEG audio sync not found', { offset });
  const versionBits = Math.floor(b1 / 8) % 4;
  if (versionBits === 1)
    throw new MalformedError('MPEG audio version bits 01 are reserved', { offset });
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layerBits = Math.floor(b1 / 2) % 4;
  if (layerBits === 0)
    throw new MalformedError('MPEG audio layer bits 00 are reserved', { offset });
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrateIndex = Math.floor(b2 / 16);
  if (bitrateIndex === 15)
    throw new MalformedError('MPEG audio bitrate_index 15 is forbidden', { offset });
  if (bitrateIndex === 0)
    throw new UnsupportedError('free-format MPEG audio is not supported', { offset });
  const rateIndex = Math.floor(b2 / 4) % 4;
  if (rateIndex === 3)
    throw new MalformedError('MPEG audio sampling_frequency 11 is reserved', { offset });
  if (b3 % 4 === 2) throw new MalformedError('MPEG audio emphasis 10 is reserved', { offset });
  const table = version === 1 ? BITRATES_V1 : BITRATES_V2;
  const bitrate = table[layer - 1]?.[bitrateIndex - 1] ?? 0;
  const sampleRate = SAMPLE_RATES[String(version) as '1' | '2' | '2.5'][rateIndex] ?? 0;
  const padding = Math.floor(b2 / 2) % 2 === 1;
  const mode = Math.floor(b3 / 64);
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  // 2.4.3.1: layer I counts 4-byte slots; the others bytes. bitrate*1000/8 bytes per second.
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrate * 1000) / sampleRate) + (padding ? 1 : 0)) * 4
      : Math.floor((samplesPerFrame * bitrate * 125) / sampleRate) + (padding ? 1 : 0);
  return {
    version,
    layer,
    crcPresent: b1 % 2 === 0,
    bitrate,
    sampleRate,
    padding,
    mode,
    channels: mode === 3 ? 1 : 2,
    samplesPerFrame,
    frameLength,
  };
}
