import { LimitExceededError, MalformedError, TruncatedError } from '../errors.js';
import type { MediaError } from '../errors.js';
import { PTS_WRAP } from './ts-constants.js';
import { joinPrefix } from '../io/join-bytes.js';

/**
 * PES packets (ISO/IEC 13818-1 2.4.3.6): reassembly from transport packet payloads and header
 * parsing, plus the 33-bit timestamp arithmetic a demuxer needs.
 */

/** A PES larger than this is damage or abuse (a 4K intra frame is a few MiB); it is dropped. */
export const MAX_PES_BYTES = 16 * 1024 * 1024;

/** A reassembled PES packet, or what went wrong with one. */
export type PesOutcome = { bytes: Uint8Array; offset: number } | { error: MediaError };

/**
 * Collects the payloads of one PID from one payload_unit_start_indicator to the next, or until
 * PES_packet_length bytes are in (2.4.3.7: 0 means unbounded, allowed for video only).
 */
export class PesAssembler {
  private parts: Uint8Array[] = [];
  private have = 0;
  /** 6 + PES_packet_length, or 0 while unknown or unbounded. */
  private expected = 0;
  private active = false;
  private startOffset = 0;

  /** Bytes held for the PES in progress. */
  get bufferedBytes(): number {
    return this.have;
  }

  push(payload: Uint8Array, unitStart: boolean, offset: number): PesOutcome[] {
    const out: PesOutcome[] = [];
    if (unitStart) {
      this.finish(out);
      this.active = true;
      this.startOffset = offset;
    } else if (!this.active) {
      return out; // joined mid-PES, or the PES was dropped: wait for the next start
    }
    if (payload.length === 0) return out;
    if (this.have + payload.length > MAX_PES_BYTES) {
      out.push({
        error: new LimitExceededError(`PES larger than ${MAX_PES_BYTES} bytes dropped`, {
          offset: this.startOffset,
        }),
      });
      this.discard();
      return out;
    }
    this.parts.push(payload);
    this.have += payload.length;
    if (this.expected === 0 && this.have >= 6 && this.have - payload.length < 6) {
      const head = joinPrefix(this.parts, 6);
      const length = (head[4] ?? 0) * 256 + (head[5] ?? 0);
      if (length > 0) this.expected = 6 + length;
    }
    if (this.expected > 0 && this.have >= this.expected) {
      out.push({ bytes: joinPrefix(this.parts, this.expected), offset: this.startOffset });
      this.discard();
    }
    return out;
  }

  /** End of input: the PES in progress, if any. */
  flush(): PesOutcome[] {
    const out: PesOutcome[] = [];
    this.finish(out);
    return out;
  }

  /** Drops the PES in progress; packets are ignored until the next unit start. */
  discard(): void {
    this.parts = [];
    this.have = 0;
    this.expected = 0;
    this.active = false;
  }

  /** A new unit starts (or input ended): the PES in progress is complete, or cut short. */
  private finish(out: PesOutcome[]): void {
    if (!this.active) return;
    if (this.expected > 0 && this.have < this.expected) {
      const error = new TruncatedError(
        `PES cut short: ${this.have} of ${this.expected} bytes before the next unit start`,
        { offset: this.startOffset },
      );
      out.push({ error });
    } else if (this.have > 0) {
      out.push({ bytes: joinPrefix(this.parts, this.have), offset: this.startOffset });
    }
    this.discard();
  }
}

export interface PesPacket {
  streamId: number;
  /** 33-bit PTS as written (not unwrapped), when present. */
  pts: number | undefined;
  /** 33-bit DTS as written; undefined when absent (then it equals the PTS, 2.4.3.7). */
  dts: number | undefined;
  /** PES_packet_data_byte(s): the elementary stream bytes. */
  data: Uint8Array;
}

/** stream_ids whose PES packets have no optional header (2.4.3.7, the `if` around it). */
const NO_HEADER_STREAM_IDS = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff]);

/** Parses a whole PES packet. Throws TruncatedError or MalformedError. */
export function parsePesPacket(bytes: Uint8Array, offset: number): PesPacket {
  if (bytes.length < 6) {
    throw new TruncatedError(`PES of ${bytes.length} bytes has no complete header`, { offset });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 1) {
    throw new MalformedError('PES packet_start_code_prefix 0x000001 not found', { offset });
  }
  const streamId = bytes[3] ?? 0;
  if (NO_HEADER_STREAM_IDS.has(streamId)) {
    return { streamId, pts: undefined, dts: undefined, data: bytes.subarray(6) };
  }
  if (bytes.length < 9) {
    throw new TruncatedError(`PES header needs 9 bytes, got ${bytes.length}`, { offset });
  }
  if (Math.floor((bytes[6] ?? 0) / 64) !== 2) {
    throw new MalformedError("PES optional header does not start with '10'", {
      offset: offset + 6,
    });
  }
  const ptsDtsFlags = Math.floor((bytes[7] ?? 0) / 64);
  const headerDataLength = bytes[8] ?? 0;
  const dataStart = 9 + headerDataLength;
  if (dataStart > bytes.length) {
    throw new TruncatedError(
      `PES_header_data_length ${headerDataLength} overruns the ${bytes.length}-byte PES`,
      { offset: offset + 8 },
    );
  }
  if (ptsDtsFlags === 1) {
    throw new MalformedError("PES PTS_DTS_flags '01' is forbidden", { offset: offset + 7 });
  }
  const timestampBytes = ptsDtsFlags === 3 ? 10 : ptsDtsFlags === 2 ? 5 : 0;
  if (timestampBytes > headerDataLength) {
    throw new TruncatedError(`PES header of ${headerDataLength} bytes cannot hold its PTS/DTS`, {
      offset: offset + 8,
    });
  }
  const pts = ptsDtsFlags >= 2 ? readTimestamp(bytes, 9) : undefined;
  const dts = ptsDtsFlags === 3 ? readTimestamp(bytes, 14) : undefined;
  return { streamId, pts, dts, data: bytes.subarray(dataStart) };
}

/**
 * A 33-bit PTS/DTS field (2.4.3.7): 4 prefix bits, [32..30], marker, [29..15], marker,
 * [14..0], marker. Built with arithmetic since the value exceeds 2^31.
 */
export function readTimestamp(bytes: Uint8Array, at: number): number {
  const b0 = bytes[at] ?? 0;
  const b1 = bytes[at + 1] ?? 0;
  const b2 = bytes[at + 2] ?? 0;
  const b3 = bytes[at + 3] ?? 0;
  const b4 = bytes[at + 4] ?? 0;
  return (
    (Math.floor(b0 / 2) % 8) * 2 ** 30 +
    b1 * 2 ** 22 +
    Math.floor(b2 / 2) * 2 ** 15 +
    b3 * 2 ** 7 +
    Math.floor(b4 / 2)
  );
}

/**
 * Places a 33-bit timestamp on a continuous timeline: of the values `raw + k * 2^33`, the one
 * nearest `reference` (the stream's previous timestamp). Without a reference, `raw` itself.
 */
export function unwrapTimestamp(raw: number, reference: number | undefined): number {
  if (reference === undefined) return raw;
  const k = Math.round((reference - raw) / PTS_WRAP);
  return raw + k * PTS_WRAP;
}
