import { ChecksumError, MalformedError, TruncatedError } from '../errors.js';
import type { MediaError } from '../errors.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { TABLE_ID_PAT, TABLE_ID_PMT } from './ts-constants.js';
import { joinPrefix } from '../io/join-bytes.js';

/**
 * Program specific information (ISO/IEC 13818-1 2.4.4): reassembly of sections from transport
 * packet payloads and parsing of the two tables a demuxer needs, PAT and PMT.
 */

/** PAT and PMT sections are at most 1024 bytes: section_length <= 1021 (2.4.4.3, 2.4.4.8). */
const MAX_SECTION_LENGTH = 1021;
/** table_id 0xFF marks stuffing after the last section of a packet (2.4.4.2). */
const STUFFING_TABLE_ID = 0xff;

export interface SectionOutput {
  sections: Uint8Array[];
  errors: MediaError[];
}

/**
 * Collects the sections of one PID. pointer_field (2.4.4.2) is present in packets with
 * payload_unit_start_indicator set: the bytes before the pointed-to offset finish the section
 * in progress, and one or more sections may start after it.
 */
export class SectionAssembler {
  private parts: Uint8Array[] = [];
  private have = 0;
  /** Total size of the section in progress (3 + section_length), 0 while its header is short. */
  private need = 0;
  private active = false;
  private startOffset = 0;

  /** `payload` is the packet payload; `offset` its position in the stream (for errors). */
  push(payload: Uint8Array, unitStart: boolean, offset: number): SectionOutput {
    const out: SectionOutput = { sections: [], errors: [] };
    if (!unitStart) {
      // Bytes after a section that ends here are stuffing (2.4.4: a new section needs a PUSI).
      if (this.active) this.feed(payload, out);
      return out;
    }
    const pointer = payload[0];
    if (pointer === undefined) return out;
    const start = 1 + pointer;
    if (start > payload.length) {
      this.discard();
      const error = new MalformedError(
        `PSI pointer_field ${pointer} points past the packet payload`,
        { offset },
      );
      out.errors.push(error);
      return out;
    }
    if (this.active) {
      this.feed(payload.subarray(1, start), out);
      if (this.active) {
        out.errors.push(
          new TruncatedError('PSI section cut short by the next section start', {
            offset: this.startOffset,
          }),
        );
        this.discard();
      }
    }
    let pos = start;
    while (pos < payload.length && payload[pos] !== STUFFING_TABLE_ID) {
      this.active = true;
      this.startOffset = offset + pos;
      pos += this.feed(payload.subarray(pos), out);
      if (this.active) break; // continues in the next packet
    }
    return out;
  }

  /** Forgets the section in progress (after a continuity error). */
  discard(): void {
    this.parts = [];
    this.have = 0;
    this.need = 0;
    this.active = false;
  }

  /** Adds bytes to the section in progress; returns how many of them it used. */
  private feed(bytes: Uint8Array, out: SectionOutput): number {
    if (bytes.length === 0) return 0;
    this.parts.push(bytes);
    this.have += bytes.length;
    if (this.need === 0) {
      if (this.have < 3) return bytes.length;
      const head = joinPrefix(this.parts, 3);
      const sectionLength = ((head[1] ?? 0) % 16) * 256 + (head[2] ?? 0);
      if (sectionLength > MAX_SECTION_LENGTH) {
        out.errors.push(
          new MalformedError(`PSI section_length ${sectionLength} exceeds ${MAX_SECTION_LENGTH}`, {
            offset: this.startOffset,
          }),
        );
        this.discard();
        return bytes.length; // the rest of this payload cannot be trusted
      }
      this.need = 3 + sectionLength;
    }
    if (this.have < this.need) return bytes.length;
    const used = bytes.length - (this.have - this.need);
    out.sections.push(joinPrefix(this.parts, this.need));
    this.discard();
    return used;
  }
}

/** The long-form header shared by PAT and PMT sections (2.4.4.3, 2.4.4.8). */
export interface SectionHeader {
  tableId: number;
  /** transport_stream_id (PAT) or program_number (PMT). */
  tableIdExtension: number;
  version: number;
  currentNext: boolean;
  sectionNumber: number;
  lastSectionNumber: number;
}

/**
 * Checks the syntax indicator, length and CRC_32 of a long-form section (Annex A: the CRC over
 * the whole section, CRC included, is 0). Throws ChecksumError or MalformedError.
 */
export function readSectionHeader(section: Uint8Array, offset: number): SectionHeader {
  if (section.length < 12) {
    throw new MalformedError(`PSI section of ${section.length} bytes is too short`, { offset });
  }
  const b = (i: number): number => section[i] ?? 0;
  if (b(1) < 0x80) {
    throw new MalformedError('PSI section_syntax_indicator is 0 for a PAT/PMT', { offset });
  }
  if (crc32Mpeg2(section) !== 0) {
    throw new ChecksumError(`PSI section (table_id ${b(0)}) fails its CRC_32`, { offset });
  }
  return {
    tableId: b(0),
    tableIdExtension: b(3) * 256 + b(4),
    version: Math.floor(b(5) / 2) % 32,
    currentNext: b(5) % 2 === 1,
    sectionNumber: b(6),
    lastSectionNumber: b(7),
  };
}

export interface PatEntry {
  programNumber: number;
  /** network_PID when programNumber is 0, else program_map_PID. */
  pid: number;
}

export interface Pat {
  transportStreamId: number;
  version: number;
  /** current_next_indicator: false for a table that is not in force yet. */
  currentNext: boolean;
  programs: PatEntry[];
}

/** program_association_section (2.4.4.3): the programs and their PMT PIDs. */
export function parsePat(section: Uint8Array, offset: number): Pat {
  const header = readSectionHeader(section, offset);
  if (header.tableId !== TABLE_ID_PAT) {
    throw new MalformedError(`table_id ${header.tableId} on the PAT PID`, { offset });
  }
  const programs: PatEntry[] = [];
  const end = section.length - 4;
  if ((end - 8) % 4 !== 0) {
    throw new MalformedError('PAT program loop is not a whole number of entries', { offset });
  }
  for (let p = 8; p + 4 <= end; p += 4) {
    programs.push({
      programNumber: (section[p] ?? 0) * 256 + (section[p + 1] ?? 0),
      pid: pid13(section, p + 2),
    });
  }
  return {
    transportStreamId: header.tableIdExtension,
    version: header.version,
    currentNext: header.currentNext,
    programs,
  };
}

export interface Descriptor {
  tag: number;
  /** descriptor body (after tag and length), a view into the section. */
  body: Uint8Array;
}

export interface PmtStream {
  streamType: number;
  pid: number;
  descriptors: Descriptor[];
}

export interface Pmt {
  programNumber: number;
  version: number;
  currentNext: boolean;
  pcrPid: number;
  programDescriptors: Descriptor[];
  streams: PmtStream[];
}

/** TS_program_map_section (2.4.4.8). Throws MediaError on a bad or inconsistent section. */
export function parsePmt(section: Uint8Array, offset: number): Pmt {
  const header = readSectionHeader(section, offset);
  if (header.tableId !== TABLE_ID_PMT) {
    throw new MalformedError(`table_id ${header.tableId} on a PMT PID`, { offset });
  }
  const end = section.length - 4;
  const pcrPid = pid13(section, 8);
  const programInfoLength = twelveBits(section, 10);
  let p = 12 + programInfoLength;
  if (p > end) throw new MalformedError('PMT program_info_length overruns the section', { offset });
  const programDescriptors = readDescriptors(section, 12, p, offset);
  const streams: PmtStream[] = [];
  while (p < end) {
    if (p + 5 > end) throw new MalformedError('PMT stream entry is cut short', { offset });
    const streamType = section[p] ?? 0;
    const pid = pid13(section, p + 1);
    const infoLength = twelveBits(section, p + 3);
    const infoEnd = p + 5 + infoLength;
    if (infoEnd > end)
      throw new MalformedError('PMT ES_info_length overruns the section', { offset });
    streams.push({
      streamType,
      pid,
      descriptors: readDescriptors(section, p + 5, infoEnd, offset),
    });
    p = infoEnd;
  }
  return {
    programNumber: header.tableIdExtension,
    version: header.version,
    currentNext: header.currentNext,
    pcrPid,
    programDescriptors,
    streams,
  };
}

/** descriptor() loop (2.6): tag, length, body. */
function readDescriptors(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): Descriptor[] {
  const list: Descriptor[] = [];
  let p = start;
  while (p < end) {
    if (p + 2 > end) throw new MalformedError('descriptor header cut short', { offset });
    const tag = bytes[p] ?? 0;
    const length = bytes[p + 1] ?? 0;
    if (p + 2 + length > end) {
      throw new MalformedError(`descriptor ${tag} of ${length} bytes overruns its loop`, {
        offset,
      });
    }
    list.push({ tag, body: bytes.subarray(p + 2, p + 2 + length) });
    p += 2 + length;
  }
  return list;
}

/** 13-bit PID after 3 reserved bits. */
function pid13(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) % 32) * 256 + (bytes[at + 1] ?? 0);
}

/** 12-bit length after 4 reserved bits (the top 2 of which must be 0; not enforced). */
function twelveBits(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) % 16) * 256 + (bytes[at + 1] ?? 0);
}
