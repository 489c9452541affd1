import { InvalidArgumentError } from '../errors.js';
import { PTS_WRAP, TS_TIMESCALE } from './ts-constants.js';

/**
 * PES packet headers (ISO/IEC 13818-1 2.4.3.6-2.4.3.7) and the 90 kHz clock they use. All
 * timestamp math is plain arithmetic: values reach 2^33, beyond 32-bit bit operators.
 */

/** Largest PES_packet_length; beyond it only video may use 0 ("unbounded", 2.4.3.7). */
export const MAX_PES_PACKET_LENGTH = 0xffff;

/**
 * `ticks` at `timescale` to the 90 kHz clock, rounded, without taking the 33-bit modulo (the
 * muxer compares unwrapped values). Splitting off whole seconds keeps huge tick counts exact.
 */
export function toMpegTicks(ticks: number, timescale: number, what = 'timestamp'): number {
  if (!Number.isFinite(ticks) || ticks < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative number, got ${ticks}`);
  }
  if (!Number.isFinite(timescale) || timescale <= 0) {
    throw new InvalidArgumentError(`timescale must be positive, got ${timescale}`);
  }
  if (timescale === TS_TIMESCALE) return Math.round(ticks);
  const seconds = Math.floor(ticks / timescale);
  const rest = ticks - seconds * timescale;
  return seconds * TS_TIMESCALE + Math.round((rest * TS_TIMESCALE) / timescale);
}

/** The value modulo 2^33, as PTS, DTS and PCR base carry it. */
export function wrap33(ticks90k: number): number {
  return ticks90k - Math.floor(ticks90k / PTS_WRAP) * PTS_WRAP;
}

export interface PesHeaderInput {
  /** stream_id (Table 2-22). */
  streamId: number;
  /** Presentation time at 90 kHz, unwrapped (the 33-bit modulo is taken here). */
  pts: number;
  /** Decode time at 90 kHz; written only when it differs from `pts`. */
  dts: number;
  /** Bytes of elementary stream data that follow the header. */
  payloadLength: number;
  /** Video may exceed 65535 bytes: then PES_packet_length is 0 (2.4.3.7). */
  allowUnbounded: boolean;
}

/** A PES header with PTS (and DTS when it differs), data_alignment_indicator set. */
export function buildPesHeader(input: PesHeaderInput): Uint8Array {
  const pts = wrap33(input.pts);
  const dts = wrap33(input.dts);
  const withDts = pts !== dts;
  const headerDataLength = withDts ? 10 : 5;
  const out = new Uint8Array(9 + headerDataLength);
  out[2] = 1; // packet_start_code_prefix 0x000001
  out[3] = input.streamId;
  // PES_packet_length counts every byte after itself.
  let packetLength = 3 + headerDataLength + input.payloadLength;
  if (packetLength > MAX_PES_PACKET_LENGTH) {
    if (!input.allowUnbounded) {
      throw new InvalidArgumentError(
        `PES payload of ${input.payloadLength} bytes exceeds PES_packet_length`,
      );
    }
    packetLength = 0;
  }
  out[4] = Math.floor(packetLength / 256);
  out[5] = packetLength % 256;
  // '10', scrambling 00, priority 0, data_alignment_indicator 1, copyright 0, original 0
  out[6] = 0x84;
  out[7] = withDts ? 0xc0 : 0x80; // PTS_DTS_flags, no other optional fields
  out[8] = headerDataLength; // PES_header_data_length
  writeTimestamp(out, 9, withDts ? 0x3 : 0x2, pts);
  if (withDts) writeTimestamp(out, 14, 0x1, dts);
  return out;
}

/**
 * A 5-byte PTS/DTS field: 4-bit prefix, then bits 32..30, 29..15 and 14..0 of the value,
 * each group followed by a marker_bit (2.4.3.6).
 */
export function writeTimestamp(out: Uint8Array, at: number, prefix: number, value: number): void {
  const high = Math.floor(value / 2 ** 30); // 3 bits
  const mid = Math.floor(value / 2 ** 15) % 2 ** 15;
  const low = value % 2 ** 15;
  out[at] = prefix * 16 + high * 2 + 1;
  out[at + 1] = Math.floor(mid / 128);
  out[at + 2] = (mid % 128) * 2 + 1;
  out[at + 3] = Math.floor(low / 128);
  out[at + 4] = (low % 128) * 2 + 1;
}
