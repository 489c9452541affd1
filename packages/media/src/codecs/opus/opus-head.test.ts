import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TruncatedError, UnsupportedError } from '../../errors.js';
import { buildDOps, parseOpusHead } from './opus-head.js';
import { expectOnlyMediaError } from '../../test-support/fuzz.js';

const MAGIC = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64];

/** OpusHead with little-endian fields, as RFC 7845 5.1 lays it out. */
function opusHead(channels: number, family: number, tail: number[] = []): Uint8Array {
  // version 1, pre-skip 312 (0x0138), input rate 44100 (0xac44), gain -256 (0xff00)
  return Uint8Array.of(
    ...MAGIC,
    1,
    channels,
    0x38,
    0x01,
    0x44,
    0xac,
    0,
    0,
    0x00,
    0xff,
    family,
    ...tail,
  );
}

describe('OpusHead', () => {
  it('reads the little-endian fields and writes dOps big-endian with Version 0', () => {
    const head = parseOpusHead(opusHead(2, 0));
    expect(head).toMatchObject({
      version: 1,
      channels: 2,
      preSkip: 312,
      inputSampleRate: 44100,
      outputGain: -256,
    });
    expect([head.mappingFamily, head.streamCount, head.coupledCount]).toEqual([0, 1, 1]);
    expect(buildDOps(head)).toEqual(
      Uint8Array.of(0, 2, 0x01, 0x38, 0, 0, 0xac, 0x44, 0xff, 0x00, 0),
    );
  });

  it('carries the channel mapping table for family 1', () => {
    const head = parseOpusHead(opusHead(6, 1, [4, 2, 0, 4, 1, 2, 3, 5]));
    expect([head.streamCount, head.coupledCount, Array.from(head.channelMapping)]).toEqual([
      4,
      2,
      [0, 4, 1, 2, 3, 5],
    ]);
    expect(Array.from(buildDOps(head).subarray(10))).toEqual([1, 4, 2, 0, 4, 1, 2, 3, 5]);
  });

  it('rejects bad magic, unknown major versions and inconsistent mappings', () => {
    const bad = opusHead(2, 0);
    bad[0] = 0x6f;
    expect(() => parseOpusHead(bad)).toThrow(/magic/);
    const v16 = opusHead(2, 0);
    v16[8] = 16;
    expect(() => parseOpusHead(v16)).toThrow(UnsupportedError);
    expect(() => parseOpusHead(opusHead(3, 0))).toThrow(/family 0/);
    expect(() => parseOpusHead(opusHead(0, 0))).toThrow(/channel count/);
    expect(() => parseOpusHead(opusHead(2, 1, [1, 1, 0, 2]))).toThrow(/mapping index/);
    expect(() => parseOpusHead(opusHead(2, 1, [2, 0, 0]))).toThrow(TruncatedError);
    expect(() => parseOpusHead(opusHead(2, 0).subarray(0, 18))).toThrow(TruncatedError);
  });

  it('fuzz: random heads only yield MediaError', () => {
    const inputs = fc.uint8Array({ maxLength: 24 }).map((rest) => Uint8Array.of(...MAGIC, ...rest));
    const check = (bytes: Uint8Array): void => {
      const head = parseOpusHead(bytes);
      expect(buildDOps(head).length).toBe(head.mappingFamily === 0 ? 11 : 13 + head.channels);
    };
    expectOnlyMediaError(inputs, check, 3000);
  });
});
