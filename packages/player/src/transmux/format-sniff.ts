/**
 * Which container a byte stream is, from its first byte: MPEG-TS packets start with the sync
 * byte 0x47 (ISO/IEC 13818-1 2.4.3.2), FLV with the signature "FLV" (FLV spec v10.1 E.2), and an
 * ISO BMFF file with a box size (ISO/IEC 14496-12 4.2) whose top byte is 0 for any box under
 * 16 MiB, so never 0x46 or 0x47 for a real ftyp/styp/moof.
 */
export type SniffedFormat = 'flv' | 'fmp4' | 'ts';

const TS_SYNC_BYTE = 0x47;
const FLV_F = 0x46;

export function sniffFormat(firstByte: number): SniffedFormat {
  if (firstByte === TS_SYNC_BYTE) return 'ts';
  if (firstByte === FLV_F) return 'flv';
  return 'fmp4';
}
