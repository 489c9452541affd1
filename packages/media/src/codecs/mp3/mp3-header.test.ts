import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError, TruncatedError, UnsupportedError } from '../../errors.js';
import { parseMp3Header } from './mp3-header.js';
import { expectOnlyMediaError } from '../../test-support/fuzz.js';

const h = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('parseMp3Header', () => {
  it('MPEG-1 layer III 128 kbit/s 44.1 kHz joint stereo', () => {
    const x = parseMp3Header(h(0xff, 0xfb, 0x90, 0x64));
    expect(x).toMatchObject({
      version: 1,
      layer: 3,
      bitrate: 128,
      sampleRate: 44100,
      mode: 1,
      channels: 2,
    });
    expect([x.samplesPerFrame, x.frameLength, x.crcPresent]).toEqual([1152, 417, false]);
    expect(parseMp3Header(h(0xff, 0xfb, 0x92, 0x64)).frameLength).toBe(418); // padding slot
  });

  it('MPEG-2 and MPEG-2.5 layer III use 576 samples and the LSF tables', () => {
    const v2 = parseMp3Header(h(0xff, 0xf3, 0x84, 0xc4)); // 64 kbit/s, 24 kHz, mono
    expect([v2.version, v2.bitrate, v2.sampleRate, v2.channels, v2.samplesPerFrame]).toEqual([
      2, 64, 24000, 1, 576,
    ]);
    expect(v2.frameLength).toBe(192); // 72 * 64000 / 24000
    const v25 = parseMp3Header(h(0xff, 0xe3, 0x18, 0xc4)); // 8 kbit/s, 8 kHz
    expect([v25.version, v25.bitrate, v25.sampleRate, v25.frameLength]).toEqual([2.5, 8, 8000, 72]);
  });

  it('layer I counts 4-byte slots; layer II uses its own bitrate table', () => {
    const l1 = parseMp3Header(h(0xff, 0xff, 0x90, 0x00)); // 288 kbit/s, 44.1 kHz
    expect([l1.layer, l1.bitrate, l1.samplesPerFrame, l1.frameLength]).toEqual([1, 288, 384, 312]);
    const l2 = parseMp3Header(h(0xff, 0xfc, 0xa4, 0x00)); // 192 kbit/s, 48 kHz, protection_bit 0: CRC
    expect([l2.layer, l2.bitrate, l2.frameLength, l2.crcPresent]).toEqual([2, 192, 576, true]);
  });

  it('rejects reserved values and free format', () => {
    expect(() => parseMp3Header(h(0xff, 0xeb, 0x90, 0x64))).toThrow(/version bits 01/);
    expect(() => parseMp3Header(h(0xff, 0xf9, 0x90, 0x64))).toThrow(/layer bits 00/);
    expect(() => parseMp3Header(h(0xff, 0xfb, 0xf0, 0x64))).toThrow(/bitrate_index 15/);
    expect(() => parseMp3Header(h(0xff, 0xfb, 0x9c, 0x64))).toThrow(/sampling_frequency/);
    expect(() => parseMp3Header(h(0xff, 0xfb, 0x90, 0x66))).toThrow(/emphasis/);
    expect(() => parseMp3Header(h(0xff, 0xfb, 0x00, 0x64))).toThrow(UnsupportedError);
    expect(() => parseMp3Header(h(0xfe, 0xfb, 0x90, 0x64))).toThrow(MalformedError);
    expect(() => parseMp3Header(h(0xff, 0xfb, 0x90))).toThrow(TruncatedError);
  });

  it('fuzz: random headers only yield MediaError, and valid ones have a sane frame length', () => {
    const inputs = fc
      .tuple(fc.uint8Array({ minLength: 0, maxLength: 6 }), fc.boolean())
      .map(([bytes, sync]) =>
        sync ? Uint8Array.of(0xff, 0xe0 + ((bytes[0] ?? 0) % 32), ...bytes.subarray(1)) : bytes,
      );
    const check = (input: Uint8Array): void => {
      const x = parseMp3Header(input);
      expect(x.frameLength).toBeGreaterThan(4);
      expect(x.frameLength).toBeLessThan(2900);
    };
    expectOnlyMediaError(inputs, check, 3000);
  });
});
