import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { buildSidx } from './sidx-writer.js';
import { expectOnlyMediaError } from '../test-support/fuzz.js';
import { toHex } from '../test-support/bytes.js';

describe('buildSidx', () => {
  it('writes a version 0 sidx field by field (14496-12 8.16.3)', () => {
    const bytes = buildSidx({
      referenceId: 1,
      timescale: 90000,
      earliestPresentationTime: 3600,
      firstOffset: 0,
      references: [
        { size: 1000, duration: 180000, startsWithSap: true },
        { size: 0x7fffffff, duration: 90000, startsWithSap: false },
      ],
    });
    const fields = [
      ['00000038', '73696478', '00000000'], // size 56, 'sidx', version 0, flags 0
      ['00000001', '00015f90'], // reference_ID, timescale
      ['00000e10', '00000000'], // earliest_presentation_time, first_offset
      ['0000', '0002'], // reserved, reference_count
      ['000003e8', '0002bf20', '90000000'], // media reference, starts with SAP type 1
      ['7fffffff', '00015f90', '00000000'], // media reference, no SAP
    ];
    expect(toHex(bytes)).toBe(fields.flat().join(''));
  });

  it('switches to version 1 when a time or offset needs 64 bits', () => {
    const bytes = buildSidx({
      referenceId: 2,
      timescale: 1000,
      earliestPresentationTime: 0x1_0000_0005,
      firstOffset: 0,
      references: [],
    });
    expect(bytes.length).toBe(40);
    expect(bytes[8]).toBe(1);
    expect(toHex(bytes.subarray(20, 36))).toBe('0000000100000005' + '0000000000000000');
  });

  it('size is 32 + 12 per reference (+8 in version 1)', () => {
    const ref = fc.record({
      size: fc.integer({ min: 0, max: 0x7fffffff }),
      duration: fc.integer({ min: 0, max: 0xffffffff }),
      startsWithSap: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(ref, { maxLength: 50 }),
        fc.nat(),
        fc.maxSafeNat(),
        (references, ept, offset) => {
          const bytes = buildSidx({
            referenceId: 1,
            timescale: 48000,
            earliestPresentationTime: ept,
            firstOffset: offset,
            references,
          });
          const v1 = ept > 0xffffffff || offset > 0xffffffff;
          expect(bytes.length).toBe(32 + (v1 ? 8 : 0) + 12 * references.length);
          expect(new DataView(bytes.buffer).getUint32(0)).toBe(bytes.length);
        },
      ),
    );
  });

  it('rejects fields that do not fit with InvalidArgumentError', () => {
    const base = { referenceId: 1, timescale: 1000, earliestPresentationTime: 0, firstOffset: 0 };
    const ref = { size: 1, duration: 1, startsWithSap: true };
    const bad = [
      { ...base, references: [{ ...ref, size: 0x80000000 }] },
      { ...base, references: [{ ...ref, duration: 0x1_0000_0000 }] },
      { ...base, references: [{ ...ref, size: -1 }] },
      { ...base, timescale: 0, references: [] },
      { ...base, earliestPresentationTime: -1, references: [] },
      { ...base, firstOffset: 1.5, references: [] },
      { ...base, references: new Array<typeof ref>(65536).fill(ref) },
    ];
    for (const options of bad) {
      expect(() => buildSidx(options)).toThrow(InvalidArgumentError);
    }
  });

  it('random options either build or throw MediaError', () => {
    const options = fc.record({
      referenceId: fc.double(),
      timescale: fc.integer(),
      earliestPresentationTime: fc.double(),
      firstOffset: fc.integer(),
      references: fc.array(
        fc.record({ size: fc.double(), duration: fc.integer(), startsWithSap: fc.boolean() }),
        { maxLength: 3 },
      ),
    });
    expectOnlyMediaError(options, (o) => void buildSidx(o), 100);
  });
});
