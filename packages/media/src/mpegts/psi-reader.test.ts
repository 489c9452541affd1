import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChecksumError, MalformedError, TruncatedError } from '../errors.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { cat, u16, u32 } from '../test-support/bytes.js';
import type { Part } from '../test-support/bytes.js';
import { expectOnlyMediaError, thrownMediaError } from '../test-support/fuzz.js';
import { SectionAssembler, parsePat, parsePmt } from './psi-reader.js';

/** A long-form section (ISO/IEC 13818-1 2.4.4.3): header fields, `body`, CRC_32 appended. */
function section(tableId: number, extension: number, body: number[], version = 3): Uint8Array {
  const length = 5 + body.length + 4; // extension..last_section_number, body, CRC
  const head = [tableId, 0xb0 + Math.floor(length / 256), length % 256, ...u16(extension)];
  const bytes = cat(head, [0xc1 + version * 2, 0, 0], body);
  return cat(bytes, u32(crc32Mpeg2(bytes)));
}

const PAT = section(0x00, 1, [0, 0, 0xe0, 0x10, 0, 1, 0xf0, 0x00]); // NIT 0x10, program 1 -> 0x1000
const OPUS_ES = [0x06, 0xe1, 0x01, 0xf0, 10, 0x05, 4, ...u32(0x4f707573), 0x7f, 2, 0x80, 2];
const PMT = section(0x02, 1, [
  0xe1,
  0x00, // PCR_PID 0x100
  0xf0,
  0x00, // program_info_length 0
  0x1b,
  0xe1,
  0x00,
  0xf0,
  0x00, // H.264 on 0x100
  ...OPUS_ES, // Opus on 0x101 with registration + extension descriptors
]);

describe('parsePat / parsePmt', () => {
  it('reads the programs of a PAT', () => {
    expect(parsePat(PAT, 0)).toEqual({
      transportStreamId: 1,
      version: 3,
      currentNext: true,
      programs: [
        { programNumber: 0, pid: 0x10 },
        { programNumber: 1, pid: 0x1000 },
      ],
    });
  });

  it('reads PCR PID, streams and their descriptors from a PMT', () => {
    const pmt = parsePmt(PMT, 0);
    expect(pmt).toMatchObject({ programNumber: 1, version: 3, currentNext: true, pcrPid: 0x100 });
    expect(pmt.streams.map((s) => [s.streamType, s.pid, s.descriptors.map((d) => d.tag)])).toEqual([
      [0x1b, 0x100, []],
      [0x06, 0x101, [0x05, 0x7f]],
    ]);
    expect(Array.from(pmt.streams[1]?.descriptors[1]?.body ?? [])).toEqual([0x80, 2]);
  });

  it('rejects a wrong CRC with ChecksumError, and other damage with MalformedError', () => {
    const bad = PAT.slice();
    bad[9] = (bad[9] ?? 0) ^ 1;
    expect(thrownMediaError(() => parsePat(bad, 500))).toBeInstanceOf(ChecksumError);
    expect(thrownMediaError(() => parsePat(bad, 500)).offset).toBe(500);
    expect(thrownMediaError(() => parsePat(PMT, 0))).toBeInstanceOf(MalformedError);
    expect(thrownMediaError(() => parsePmt(PAT, 0))).toBeInstanceOf(MalformedError);
    expect(thrownMediaError(() => parsePat(PAT.subarray(0, 8), 0))).toBeInstanceOf(MalformedError);
    // An ES_info_length running past the section (CRC still right).
    const overrun = section(0x02, 1, [0xe1, 0, 0xf0, 0, 0x1b, 0xe1, 0, 0xf0, 9]);
    expect(thrownMediaError(() => parsePmt(overrun, 0)).message).toMatch(/ES_info_length/);
  });

  it('reports a table that is not current yet', () => {
    const next = PAT.slice(0, -4);
    next[5] = (next[5] ?? 0) - 1; // current_next_indicator 0
    expect(parsePat(cat(next, u32(crc32Mpeg2(next))), 0).currentNext).toBe(false);
  });

  it('only ever throws MediaError on random or mutated sections', () => {
    const mutated = fc
      .tuple(fc.constantFrom(PAT, PMT), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([s, i, b]) => {
        const copy = s.slice();
        copy[i % copy.length] = b;
        return copy;
      });
    expectOnlyMediaError(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
      try {
        parsePmt(bytes, 0);
      } finally {
        parsePat(bytes, 0);
      }
    });
  });
});

/** Payload of a packet starting a unit: pointer_field, then the parts. */
function startPayload(pointer: number, ...parts: Part[]): Uint8Array {
  return cat([pointer], ...parts);
}

describe('SectionAssembler', () => {
  it('returns a section that sits in one payload, ignoring the stuffing after it', () => {
    const a = new SectionAssembler();
    const out = a.push(startPayload(0, PAT, new Uint8Array(20).fill(0xff)), true, 0);
    expect(out).toEqual({ sections: [PAT], errors: [] });
  });

  it('joins a section spread over several packets', () => {
    const a = new SectionAssembler();
    expect(a.push(startPayload(0, PMT.subarray(0, 2)), true, 0).sections).toEqual([]);
    expect(a.push(PMT.subarray(2, 10), false, 188).sections).toEqual([]);
    const tail = cat(PMT.subarray(10), [0xff, 0xff]);
    expect(a.push(tail, false, 376)).toEqual({ sections: [PMT], errors: [] });
    // Continuation packets without a section in progress are ignored.
    expect(a.push(PMT, false, 564).sections).toEqual([]);
  });

  it('follows pointer_field: the end of one section, then the next ones', () => {
    const a = new SectionAssembler();
    a.push(startPayload(0, PMT.subarray(0, 20)), true, 0);
    const rest = PMT.subarray(20);
    const out = a.push(startPayload(rest.length, rest, PAT, PAT, [0xff]), true, 188);
    expect(out).toEqual({ sections: [PMT, PAT, PAT], errors: [] });
  });

  it('reports a section cut short by the next unit start, and still reads the new one', () => {
    const a = new SectionAssembler();
    a.push(startPayload(0, PMT.subarray(0, 20)), true, 0);
    const out = a.push(startPayload(0, PAT), true, 188);
    expect(out.sections).toEqual([PAT]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toBeInstanceOf(TruncatedError);
    expect(out.errors[0]?.offset).toBe(1);
  });

  it('rejects an impossible section_length and a pointer past the payload', () => {
    const a = new SectionAssembler();
    const huge = a.push(startPayload(0, Uint8Array.of(2, 0xb3, 0xff, 0, 0)), true, 0);
    expect(huge.errors[0]?.message).toMatch(/section_length 1023/);
    const far = a.push(Uint8Array.of(50, 1, 2), true, 188);
    expect(far.errors[0]).toBeInstanceOf(MalformedError);
    expect(far.sections).toEqual([]);
  });

  it('discard() drops the section in progress', () => {
    const a = new SectionAssembler();
    a.push(startPayload(0, PMT.subarray(0, 20)), true, 0);
    a.discard();
    expect(a.push(PMT.subarray(20), false, 188).sections).toEqual([]);
  });

  it('never throws and never returns sections over 1024 bytes, whatever the payloads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 184 }), fc.boolean()), { maxLength: 30 }),
        (payloads) => {
          const a = new SectionAssembler();
          for (const [p, start] of payloads) {
            for (const s of a.push(p, start, 0).sections)
              expect(s.length).toBeLessThanOrEqual(1024);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
