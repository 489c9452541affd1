import { InvalidArgumentError } from '../errors.js';
import type { HevcProfileTierLevel } from './h265/h265-ptl.js';

/**
 * RFC 6381 "codecs" parameter values for the sample entries we write: avc1/avc3 (RFC 6381 3.3),
 * hvc1/hev1 (ISO/IEC 14496-15 E.3), av01 (AV1 ISOBMFF binding, "Codecs Parameter String"),
 * mp4a (RFC 6381 3.3, objectTypeIndication + MPEG-4 Audio object type) and opus.
 */

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

function checkByte(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 255)
    throw new InvalidArgumentError(`${what} ${v} is not a byte`);
}

export interface AvcCodecFields {
  profileIndication: number;
  profileCompatibility: number;
  levelIndication: number;
}

/** `avc1.PPCCLL`: profile, constraint byte and level as lower-case hex (RFC 6381 3.3). */
export function avcCodecString(cfg: AvcCodecFields, sampleEntry: 'avc1' | 'avc3' = 'avc1'): string {
  checkByte(cfg.profileIndication, 'AVC profile');
  checkByte(cfg.profileCompatibility, 'AVC compatibility');
  checkByte(cfg.levelIndication, 'AVC level');
  return `${sampleEntry}.${hex2(cfg.profileIndication)}${hex2(cfg.profileCompatibility)}${hex2(cfg.levelIndication)}`;
}

/** The profile_tier_level() fields (H.265 7.3.3) an HEVC codec string is built from. */
export type HevcCodecFields = HevcProfileTierLevel;

/**
 * ISO/IEC 14496-15 E.3: `hvc1.[A|B|C]<profile_idc>.<compat flags bit-reversed, hex>.<L|H><level>`
 * followed by the constraint bytes in hex, trailing zero bytes dropped. E.g. `hvc1.1.6.L93.B0`.
 */
export function hevcCodecString(
  cfg: HevcCodecFields,
  sampleEntry: 'hvc1' | 'hev1' = 'hvc1',
): string {
  if (
    !Number.isInteger(cfg.generalProfileSpace) ||
    cfg.generalProfileSpace < 0 ||
    cfg.generalProfileSpace > 3
  ) {
    throw new InvalidArgumentError(`general_profile_space ${cfg.generalProfileSpace} not in 0..3`);
  }
  checkByte(cfg.generalLevelIdc, 'HEVC level');
  const flags = cfg.generalProfileCompatibilityFlags;
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) {
    throw new InvalidArgumentError(`compatibility flags ${flags} not a 32-bit value`);
  }
  // Reverse the 32 bits arithmetically (flags can exceed 2^31).
  let rest = flags;
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = reversed * 2 + (rest % 2);
    rest = Math.floor(rest / 2);
  }
  const space = ['', 'A', 'B', 'C'][cfg.generalProfileSpace] ?? '';
  const parts = [
    sampleEntry,
    `${space}${cfg.generalProfileIdc}`,
    reversed.toString(16).toUpperCase(),
    `${cfg.generalTierFlag ? 'H' : 'L'}${cfg.generalLevelIdc}`,
  ];
  const constraints = Array.from(cfg.generalConstraintIndicatorFlags);
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  for (const b of constraints) parts.push(b.toString(16).toUpperCase().padStart(2, '0'));
  return parts.join('.');
}

export interface Av1CodecFields {
  seqProfile: number;
  seqLevelIdx0: number;
  seqTier0: number;
  bitDepth: number;
}

/** AV1 binding "Codecs Parameter String", short form: `av01.P.LLT.DD`, e.g. `av01.0.04M.08`. */
export function av1CodecString(cfg: Av1CodecFields): string {
  if (![8, 10, 12].includes(cfg.bitDepth))
    throw new InvalidArgumentError(`AV1 bit depth ${cfg.bitDepth}`);
  if (!Number.isInteger(cfg.seqProfile) || cfg.seqProfile < 0 || cfg.seqProfile > 7) {
    throw new InvalidArgumentError(`AV1 seq_profile ${cfg.seqProfile}`);
  }
  if (!Number.isInteger(cfg.seqLevelIdx0) || cfg.seqLevelIdx0 < 0 || cfg.seqLevelIdx0 > 31) {
    throw new InvalidArgumentError(`AV1 seq_level_idx ${cfg.seqLevelIdx0}`);
  }
  const level = String(cfg.seqLevelIdx0).padStart(2, '0');
  const depth = String(cfg.bitDepth).padStart(2, '0');
  return `av01.${cfg.seqProfile}.${level}${cfg.seqTier0 === 1 ? 'H' : 'M'}.${depth}`;
}

/** `mp4a.40.N`: objectTypeIndication 0x40 (MPEG-4 Audio) and the audio object type in decimal. */
export function aacCodecString(objectType: number): string {
  if (!Number.isInteger(objectType) || objectType < 1 || objectType > 95) {
    throw new InvalidArgumentError(`audio object type ${objectType} not in 1..95`);
  }
  return `mp4a.40.${objectType}`;
}

/**
 * `mp4a.6B`: objectTypeIndication 0x6B (MPEG-1 Audio, ISO/IEC 11172-3), what MP4 muxers write
 * for MP3. Browsers also accept `mp4a.69` (MPEG-2 Audio) and `mp4a.40.34` (MPEG-4 Layer-3).
 */
export function mp3CodecString(): string {
  return 'mp4a.6B';
}

/** Opus in ISOBMFF 4.3.3: the codecs parameter is simply `opus`. */
export function opusCodecString(): string {
  return 'opus';
}
