import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitExceededError, MalformedError, TruncatedError } from '../errors.js';
import { cat, packBits } from '../test-support/bytes.js';
import { expectOnlyMediaError, thrownMediaError } from '../test-support/fuzz.js';
import {
  MAX_PES_BYTES,
  PesAssembler,
  parsePesPacket,
  readTimestamp,
  unwrapTimestamp,
} from './pes-assembler.js';
import type { PesOutcome } from './pes-assembler.js';

/** A PTS/DTS field (ISO/IEC 13818-1 2.4.3.7): prefix, 3+15+15 bits with marker bits. */
function timestamp(prefix: number, value: number): Uint8Array {
  const hi = Math.floor(value / 2 ** 30);
  const mid = Math.floor(value / 2 ** 15) % 2 ** 15;
  const lo = value % 2 ** 15;
  return packBits([
    [prefix, 4],
    [hi, 3],
    [1, 1],
    [mid, 15],
    [1, 1],
    [lo, 15],
    [1, 1],
  ]);
}

/** A PES packet with PTS (and DTS) and `data`; length 0 (unbounded) when `unbounded`. */
function pes(data: number[], pts?: number, dts?: number, unbounded = false): Uint8Array {
  const fields =
    pts === undefined
      ? new Uint8Array(0)
      : dts === undefined
        ? timestamp(2, pts)
        : cat(timestamp(3, pts), timestamp(1, dts));
  const flags = pts === undefined ? 0 : dts === undefined ? 0x80 : 0xc0;
  const body = cat([0x80, flags, fields.length], fields, data);
  const length = unbounded ? 0 : body.length;
  return cat([0, 0, 1, 0xe0, Math.floor(length / 256), length % 256], body);
}

function bytesOf(outcomes: PesOutcome[]): Uint8Array[] {
  return outcomes.flatMap((o) => ('bytes' in o ? [o.bytes] : []));
}

describe('PES timestamps', () => {
  it('reads 33-bit values with arithmetic, beyond 2^31 and 2^32', () => {
    for (const v of [0, 1, 2 ** 31 + 5, 2 ** 32 + 12345, 2 ** 33 - 1]) {
      expect(readTimestamp(timestamp(2, v), 0)).toBe(v);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 33 - 1 }), (v) => {
        expect(readTimestamp(cat([9, 9], timestamp(3, v)), 2)).toBe(v);
      }),
    );
  });

  it('unwraps to the 2^33 multiple nearest the reference', () => {
    expect(unwrapTimestamp(500, undefined)).toBe(500);
    expect(unwrapTimestamp(100, 2 ** 33 - 3000)).toBe(2 ** 33 + 100);
    expect(unwrapTimestamp(2 ** 33 - 10, 2 ** 33 + 50)).toBe(2 ** 33 - 10);
    expect(unwrapTimestamp(2 ** 33 - 10, 20)).toBe(-10);
    expect(unwrapTimestamp(7000, 3 * 2 ** 33 + 1000)).toBe(3 * 2 ** 33 + 7000);
    expect(unwrapTimestamp(2 ** 33 - 100, 2 ** 33 - 200)).toBe(2 ** 33 - 100);
  });
});

describe('parsePesPacket', () => {
  it('reads stream_id, PTS, DTS and the payload', () => {
    const p = parsePesPacket(pes([7, 8, 9], 2 ** 32 + 3, 2 ** 32), 0);
    expect(p).toEqual({
      streamId: 0xe0,
      pts: 2 ** 32 + 3,
      dts: 2 ** 32,
      data: Uint8Array.of(7, 8, 9),
    });
    expect(parsePesPacket(pes([1], 90000), 0)).toMatchObject({ pts: 90000, dts: undefined });
    expect(parsePesPacket(pes([1]), 0)).toMatchObject({ pts: undefined, data: Uint8Array.of(1) });
  });

  it('has no optional header for padding and private_stream_2', () => {
    const padding = Uint8Array.of(0, 0, 1, 0xbe, 0, 3, 0xff, 0xff, 0xff);
    expect(parsePesPacket(padding, 0)).toEqual({
      streamId: 0xbe,
      pts: undefined,
      dts: undefined,
      data: Uint8Array.of(0xff, 0xff, 0xff),
    });
  });

  it('rejects damage with TruncatedError or MalformedError at the right offset', () => {
    const good = pes([1, 2], 1000, 900);
    expect(thrownMediaError(() => parsePesPacket(good.subarray(0, 5), 10))).toBeInstanceOf(
      TruncatedError,
    );
    expect(thrownMediaError(() => parsePesPacket(good.subarray(0, 12), 10))).toBeInstanceOf(
      TruncatedError,
    );
    const prefix = good.slice();
    prefix[2] = 2;
    expect(thrownMediaError(() => parsePesPacket(prefix, 10))).toBeInstanceOf(MalformedError);
    const flags01 = good.slice();
    flags01[7] = 0x40;
    expect(thrownMediaError(() => parsePesPacket(flags01, 10)).offset).toBe(17);
    const shortHeader = good.slice();
    shortHeader[8] = 4; // PTS_DTS_flags 11 needs 10 bytes
    expect(thrownMediaError(() => parsePesPacket(shortHeader, 10))).toBeInstanceOf(TruncatedError);
  });

  it('only ever throws MediaError', () => {
    expectOnlyMediaError(fc.uint8Array({ maxLength: 40 }), (b) => {
      parsePesPacket(cat([0, 0, 1], b), 0);
    });
  });
});

describe('PesAssembler', () => {
  it('completes a PES of known length on the packet that finishes it', () => {
    const a = new PesAssembler();
    const whole = pes(
      Array.from({ length: 300 }, (_, i) => i % 256),
      5000,
    );
    expect(a.push(whole.subarray(0, 4), true, 100)).toEqual([]); // the length field spans packets
    expect(a.push(whole.subarray(4, 184), false, 288)).toEqual([]);
    expect(a.bufferedBytes).toBe(184);
    const done = a.push(cat(whole.subarray(184), [0xff, 0xff]), false, 476);
    expect(done).toEqual([{ bytes: whole, offset: 100 }]);
    expect(a.bufferedBytes).toBe(0);
    expect(a.push(whole, false, 664)).toEqual([]); // no unit start: ignored
  });

  it('completes an unbounded (length 0) PES at the next unit start, or at flush', () => {
    const a = new PesAssembler();
    const first = pes([1, 2, 3, 4], 9000, undefined, true);
    const second = pes([5, 6], 12600, undefined, true);
    expect(a.push(first.subarray(0, 10), true, 0)).toEqual([]);
    expect(a.push(first.subarray(10), false, 188)).toEqual([]);
    expect(bytesOf(a.push(second, true, 376))).toEqual([first]);
    expect(a.flush()).toEqual([{ bytes: second, offset: 376 }]);
    expect(a.flush()).toEqual([]);
  });

  it('reports a PES shorter than its PES_packet_length, and drops it', () => {
    const a = new PesAssembler();
    const whole = pes(new Array<number>(400).fill(1), 1);
    a.push(whole.subarray(0, 184), true, 0);
    const out = a.push(pes([9], 2), true, 188);
    expect(out).toHaveLength(2);
    const [cut, next] = out;
    expect(cut !== undefined && 'error' in cut && cut.error).toBeInstanceOf(TruncatedError);
    expect(next).toEqual({ bytes: pes([9], 2), offset: 188 });
  });

  it('discard() drops the PES in progress until the next unit start', () => {
    const a = new PesAssembler();
    const whole = pes([1, 2, 3], 7, undefined, true);
    a.push(whole.subarray(0, 5), true, 0);
    a.discard();
    expect(a.push(whole.subarray(5), false, 188)).toEqual([]);
    expect(a.flush()).toEqual([]);
  });

  it('drops a PES that grows past the cap', () => {
    const a = new PesAssembler();
    const big = new Uint8Array(1024 * 1024);
    big.set(pes([], 0, undefined, true));
    const outcomes = a.push(big, true, 0);
    for (let i = 0; i < MAX_PES_BYTES / big.length; i++) outcomes.push(...a.push(big, false, 0));
    expect(outcomes).toHaveLength(1);
    const [only] = outcomes;
    expect(only !== undefined && 'error' in only && only.error).toBeInstanceOf(LimitExceededError);
    expect(a.bufferedBytes).toBe(0);
  });
});
