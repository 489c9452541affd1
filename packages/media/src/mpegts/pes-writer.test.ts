import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { toHex } from '../test-support/bytes.js';
import { buildPesHeader, toMpegTicks, wrap33, writeTimestamp } from './pes-writer.js';

/** Reads a 5-byte PTS/DTS field back, checking the three marker bits (13818-1 2.4.3.7). */
function readTimestamp(b: Uint8Array, at: number): { prefix: number; value: number } {
  const byte = (i: number): number => b[at + i] ?? 0;
  expect([byte(0) % 2, byte(2) % 2, byte(4) % 2]).toEqual([1, 1, 1]);
  const high = Math.floor(byte(0) / 2) % 8;
  const mid = byte(1) * 128 + Math.floor(byte(2) / 2);
  const low = byte(3) * 128 + Math.floor(byte(4) / 2);
  return { prefix: Math.floor(byte(0) / 16), value: high * 2 ** 30 + mid * 2 ** 15 + low };
}

describe('toMpegTicks', () => {
  it('rounds any timescale to 90 kHz', () => {
    expect(toMpegTicks(40, 1000)).toBe(3600);
    expect(toMpegTicks(1024, 44100)).toBe(2090); // 2089.796
    expect(toMpegTicks(1, 48000)).toBe(2); // 1.875
    expect(toMpegTicks(12345, 90000)).toBe(12345);
    expect(toMpegTicks(0, 1)).toBe(0);
  });

  it('stays exact far beyond 2^33 (days of milliseconds, whole seconds split off)', () => {
    const ms = 10 * 24 * 3600 * 1000 + 7; // 10 days and 7 ms
    expect(toMpegTicks(ms, 1000)).toBe(ms * 90);
    expect(toMpegTicks(2 ** 40 + 1, 48000)).toBe(Math.round(((2 ** 40 + 1) * 90000) / 48000));
  });

  it('rejects negative or non-finite times and bad timescales', () => {
    expect(() => toMpegTicks(-1, 1000)).toThrow(InvalidArgumentError);
    expect(() => toMpegTicks(Number.NaN, 1000)).toThrow(InvalidArgumentError);
    expect(() => toMpegTicks(1, 0)).toThrow(InvalidArgumentError);
    expect(() => toMpegTicks(1, Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
  });
});

describe('PES header', () => {
  it('PTS only when DTS equals it: exact bytes, exact PES_packet_length', () => {
    const h = buildPesHeader({
      streamId: 0xc0,
      pts: 1234,
      dts: 1234,
      payloadLength: 100,
      allowUnbounded: false,
    });
    // start code, stream_id, length 3 + 5 + 100, '10' + data_alignment, PTS only, 5 bytes, PTS
    expect(toHex(h)).toBe('000001c0006c848005' + '21000109a5');
    expect(readTimestamp(h, 9)).toEqual({ prefix: 2, value: 1234 });
  });

  it('PTS and DTS when they differ', () => {
    const h = buildPesHeader({
      streamId: 0xe0,
      pts: 7200,
      dts: 3600,
      payloadLength: 10,
      allowUnbounded: true,
    });
    expect(h.length).toBe(19);
    expect(h[7]).toBe(0xc0);
    expect(h[8]).toBe(10);
    expect((h[4] ?? 0) * 256 + (h[5] ?? 0)).toBe(3 + 10 + 10);
    expect(readTimestamp(h, 9)).toEqual({ prefix: 3, value: 7200 });
    expect(readTimestamp(h, 14)).toEqual({ prefix: 1, value: 3600 });
  });

  it('takes timestamps modulo 2^33 (the wrap after ~26.5 hours)', () => {
    const h = buildPesHeader({
      streamId: 0xe0,
      pts: 2 ** 33 + 5,
      dts: 2 ** 34 + 2 ** 33 - 1,
      payloadLength: 1,
      allowUnbounded: true,
    });
    expect(readTimestamp(h, 9).value).toBe(5);
    expect(readTimestamp(h, 14).value).toBe(2 ** 33 - 1);
    expect(wrap33(2 ** 33)).toBe(0);
    expect(wrap33(3 * 2 ** 33 + 17)).toBe(17);
  });

  it('video beyond 65535 bytes gets PES_packet_length 0; audio is refused', () => {
    const video = buildPesHeader({
      streamId: 0xe0,
      pts: 0,
      dts: 0,
      payloadLength: 65535 - 8,
      allowUnbounded: true,
    });
    expect((video[4] ?? 0) * 256 + (video[5] ?? 0)).toBe(65535);
    const big = buildPesHeader({
      streamId: 0xe0,
      pts: 0,
      dts: 0,
      payloadLength: 65535 - 7,
      allowUnbounded: true,
    });
    expect([big[4], big[5]]).toEqual([0, 0]);
    expect(() =>
      buildPesHeader({
        streamId: 0xc0,
        pts: 0,
        dts: 0,
        payloadLength: 70000,
        allowUnbounded: false,
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('every 33-bit value survives the field layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 33 - 1 }),
        fc.integer({ min: 0, max: 15 }),
        (v, prefix) => {
          const out = new Uint8Array(5);
          writeTimestamp(out, 0, prefix, v);
          expect(readTimestamp(out, 0)).toEqual({ prefix, value: v });
        },
      ),
      { numRuns: 500 },
    );
  });
});
