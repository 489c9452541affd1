import { TS_PACKET_SIZE, TS_SYNC_BYTE } from './ts-constants.js';
import { wrap33 } from './pes-writer.js';

/**
 * Cuts PES packets and PSI sections into 188-byte transport packets (ISO/IEC 13818-1 2.4.3.2)
 * written into a caller-sized buffer, so a batch of frames costs one allocation. Keeps the
 * continuity_counter of every PID (2.4.3.3).
 */

const HEADER_SIZE = 4;
const PAYLOAD_CAPACITY = TS_PACKET_SIZE - HEADER_SIZE; // 184
/** adaptation_field_control (2.4.3.3, Table 2-5). */
const AFC_PAYLOAD = 1;
const AFC_ADAPTATION = 2;
const AFC_BOTH = 3;
/** Adaptation field flag bits (2.4.3.4). */
const FLAG_RANDOM_ACCESS = 0x40;
const FLAG_PCR = 0x10;
/** PCR field: 33-bit base, 6 reserved bits, 9-bit extension (2.4.3.5). */
const PCR_BYTES = 6;

/** One PES to packetize: header and elementary stream data as a list of parts (no copies). */
export interface PesUnit {
  pid: number;
  parts: readonly Uint8Array[];
  /** Sum of the parts' lengths (> 0: a PES always has a header). */
  length: number;
  /** random_access_indicator on the first packet (2.4.3.5). */
  randomAccess: boolean;
  /** PCR base at 90 kHz to put in the first packet, if any (taken modulo 2^33 here). */
  pcr?: number | undefined;
}

/** Adaptation field bytes (length byte included) the first packet of `unit` needs. */
function leadingAdaptationBytes(unit: PesUnit): number {
  if (unit.pcr !== undefined) return 2 + PCR_BYTES;
  return unit.randomAccess ? 2 : 0;
}

/** How many transport packets `unit` occupies. */
export function pesPacketCount(unit: PesUnit): number {
  const firstCapacity = PAYLOAD_CAPACITY - leadingAdaptationBytes(unit);
  if (unit.length <= firstCapacity) return 1;
  return 1 + Math.ceil((unit.length - firstCapacity) / PAYLOAD_CAPACITY);
}

export class TsPacketizer {
  /** Next continuity_counter per PID; a PID seen for the first time starts at 0. */
  private readonly counters = new Map<number, number>();

  /** Writes `unit` at `at`; returns the offset after its last packet. */
  writePes(out: Uint8Array, at: number, unit: PesUnit): number {
    const source = new PartsCursor(unit.parts);
    let remaining = unit.length;
    let p = at;
    let first = true;
    while (first || remaining > 0) {
      const lead = first ? leadingAdaptationBytes(unit) : 0;
      const payload = Math.min(remaining, PAYLOAD_CAPACITY - lead);
      // The last packet of a PES is padded with adaptation field stuffing (2.4.3.5).
      const adaptation = PAYLOAD_CAPACITY - payload;
      this.writeHeader(out, p, unit.pid, first, adaptation > 0 ? AFC_BOTH : AFC_PAYLOAD, true);
      if (adaptation > 0) {
        let flags = 0;
        if (first && unit.randomAccess) flags += FLAG_RANDOM_ACCESS;
        if (first && unit.pcr !== undefined) flags += FLAG_PCR;
        writeAdaptationField(out, p + HEADER_SIZE, adaptation, flags, first ? unit.pcr : undefined);
      }
      source.copy(out, p + HEADER_SIZE + adaptation, payload);
      remaining -= payload;
      p += TS_PACKET_SIZE;
      first = false;
    }
    return p;
  }

  /** One packet holding a whole PSI section after a zero pointer_field (2.4.4.2). */
  writeSection(out: Uint8Array, at: number, pid: number, section: Uint8Array): number {
    this.writeHeader(out, at, pid, true, AFC_PAYLOAD, true);
    out[at + HEADER_SIZE] = 0; // pointer_field
    out.set(section, at + HEADER_SIZE + 1);
    out.fill(0xff, at + HEADER_SIZE + 1 + section.length, at + TS_PACKET_SIZE);
    return at + TS_PACKET_SIZE;
  }

  /**
   * A packet carrying only an adaptation field with a PCR, for when the PCR PID has no data
   * due soon enough (PCRs at most 100 ms apart, 2.7.2).
   */
  writePcrPacket(out: Uint8Array, at: number, pid: number, pcr: number): number {
    this.writeHeader(out, at, pid, false, AFC_ADAPTATION, false);
    writeAdaptationField(out, at + HEADER_SIZE, PAYLOAD_CAPACITY, FLAG_PCR, pcr);
    return at + TS_PACKET_SIZE;
  }

  private writeHeader(
    out: Uint8Array,
    at: number,
    pid: number,
    unitStart: boolean,
    afc: number,
    hasPayload: boolean,
  ): void {
    const next = this.counters.get(pid) ?? 0;
    // The counter advances only with payload; an adaptation-only packet repeats the last one.
    const cc = hasPayload ? next : (next + 15) % 16;
    if (hasPayload) this.counters.set(pid, (next + 1) % 16);
    out[at] = TS_SYNC_BYTE;
    // transport_error_indicator 0, payload_unit_start_indicator, transport_priority 0, PID
    out[at + 1] = (unitStart ? 0x40 : 0) + Math.floor(pid / 256);
    out[at + 2] = pid % 256;
    out[at + 3] = afc * 16 + cc; // transport_scrambling_control 00
  }
}

/**
 * An adaptation field of `total` bytes (adaptation_field_length byte included): flags, the
 * optional PCR, then 0xFF stuffing. `total` 1 is the lone length byte 0 (2.4.3.5).
 */
function writeAdaptationField(
  out: Uint8Array,
  at: number,
  total: number,
  flags: number,
  pcr: number | undefined,
): void {
  out[at] = total - 1; // adaptation_field_length
  if (total === 1) return;
  out[at + 1] = flags;
  let p = at + 2;
  if (pcr !== undefined) {
    writePcr(out, p, wrap33(pcr));
    p += PCR_BYTES;
  }
  out.fill(0xff, p, at + total);
}

/**
 * program_clock_reference_base (33 bits), 6 reserved '1' bits, extension (9 bits). Our clock is
 * the 90 kHz DTS, so the 27 MHz extension (PCR = base * 300 + extension) is always 0.
 */
function writePcr(out: Uint8Array, at: number, base: number): void {
  out[at] = Math.floor(base / 2 ** 25);
  out[at + 1] = Math.floor(base / 2 ** 17) % 256;
  out[at + 2] = Math.floor(base / 2 ** 9) % 256;
  out[at + 3] = Math.floor(base / 2) % 256;
  out[at + 4] = (base % 2) * 128 + 0x7e; // extension bit 8 is 0
  out[at + 5] = 0;
}

/** Copies bytes out of a list of parts in order, across part boundaries. */
class PartsCursor {
  private index = 0;
  private offset = 0;

  constructor(private readonly parts: readonly Uint8Array[]) {}

  copy(out: Uint8Array, at: number, count: number): void {
    let p = at;
    let left = count;
    while (left > 0) {
      const part = this.parts[this.index];
      if (part === undefined) return;
      const n = Math.min(left, part.length - this.offset);
      out.set(part.subarray(this.offset, this.offset + n), p);
      p += n;
      left -= n;
      this.offset += n;
      if (this.offset === part.length) {
        this.index++;
        this.offset = 0;
      }
    }
  }
}
