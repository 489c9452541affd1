import { InvalidArgumentError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { DESCRIPTOR_REGISTRATION, TABLE_ID_PAT, TABLE_ID_PMT } from './ts-constants.js';

/**
 * Program-specific information sections (ISO/IEC 13818-1 2.4.4): one program association
 * section and one program map section, each ending in its CRC-32/MPEG-2 (Annex A).
 */

/** The one program we carry; transport_stream_id is informational on a single-program stream. */
export const PROGRAM_NUMBER = 1;
export const TRANSPORT_STREAM_ID = 1;

/** Sections we write fit one packet: 184 bytes minus the pointer_field (2.4.4.2). */
const MAX_SECTION_BYTES = 183;

export interface PmtStream {
  /** stream_type (Table 2-34). */
  streamType: number;
  /** elementary_PID. */
  pid: number;
  /** Raw descriptor bytes for the ES_info loop (tag, length, body). */
  descriptors?: Uint8Array | undefined;
}

export interface PmtInput {
  pcrPid: number;
  streams: readonly PmtStream[];
  /** version_number 0..31; bump it when the program changes. */
  version?: number | undefined;
}

/** program_association_section (2.4.4.3) mapping PROGRAM_NUMBER to `pmtPid`. */
export function buildPatSection(pmtPid: number): Uint8Array {
  const body = new ByteWriter(16);
  body.u16(TRANSPORT_STREAM_ID); // transport_stream_id
  writeVersionBytes(body, 0);
  body.u16(PROGRAM_NUMBER); // program_number
  body.u16(0xe000 + checkPid(pmtPid)); // reserved '111' + program_map_PID
  return finishSection(TABLE_ID_PAT, body.written());
}

/** TS_program_map_section (2.4.4.8) for PROGRAM_NUMBER. */
export function buildPmtSection(input: PmtInput): Uint8Array {
  const body = new ByteWriter(64);
  body.u16(PROGRAM_NUMBER); // program_number
  writeVersionBytes(body, input.version ?? 0);
  body.u16(0xe000 + checkPid(input.pcrPid)); // reserved '111' + PCR_PID
  body.u16(0xf000); // reserved '1111' + program_info_length 0
  for (const s of input.streams) {
    const descriptors = s.descriptors ?? new Uint8Array(0);
    body.u8(s.streamType); // stream_type
    body.u16(0xe000 + checkPid(s.pid)); // reserved '111' + elementary_PID
    body.u16(0xf000 + descriptors.length); // reserved '1111' + ES_info_length
    body.bytes(descriptors);
  }
  return finishSection(TABLE_ID_PMT, body.written());
}

/** registration_descriptor (2.6.8) with a 32-bit format_identifier. */
export function registrationDescriptor(formatIdentifier: number): Uint8Array {
  return new ByteWriter(6).u8(DESCRIPTOR_REGISTRATION).u8(4).u32(formatIdentifier).finish();
}

/** version_number, current_next_indicator, section_number, last_section_number. */
function writeVersionBytes(w: ByteWriter, version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > 31) {
    throw new InvalidArgumentError(`PSI version_number ${version} not in 0..31`);
  }
  w.u8(0xc0 + version * 2 + 1); // reserved '11', version_number, current_next_indicator 1
  w.u8(0); // section_number
  w.u8(0); // last_section_number
}

/** Prepends table_id and section_length (which counts the CRC) and appends the CRC_32. */
function finishSection(tableId: number, body: Uint8Array): Uint8Array {
  const sectionLength = body.length + 4;
  if (3 + sectionLength > MAX_SECTION_BYTES) {
    throw new InvalidArgumentError(`PSI section of ${3 + sectionLength} bytes exceeds one packet`);
  }
  const w = new ByteWriter(3 + sectionLength);
  w.u8(tableId); // table_id
  // section_syntax_indicator 1, '0', reserved '11', section_length (12 bits)
  w.u16(0xb000 + sectionLength);
  w.bytes(body);
  w.u32(crc32Mpeg2(w.written()));
  return w.finish();
}

function checkPid(pid: number): number {
  if (!Number.isInteger(pid) || pid < 0 || pid > 0x1fff) {
    throw new InvalidArgumentError(`PID ${pid} not in 0..0x1FFF`);
  }
  return pid;
}
