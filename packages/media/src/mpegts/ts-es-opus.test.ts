import { describe, expect, it } from 'vitest';
import { parseOpusHead } from '../codecs/opus/opus-head.js';
import { cat } from '../test-support/bytes.js';
import { OpusFramer, opusHeadForChannelConfig, opusPacketSamples } from './ts-es-opus.js';

/** opus_control_header: prefix + flags, au_size as a 0xFF run, then the optional fields. */
function control(size: number, trims = false, extension: number[] = []): Uint8Array {
  const flags = 0xe0 + (trims ? 0x18 : 0) + (extension.length > 0 ? 0x04 : 0);
  const run: number[] = [];
  let left = size;
  while (left >= 255) {
    run.push(255);
    left -= 255;
  }
  run.push(left);
  const trim = trims ? [0, 80, 0, 12] : [];
  const ext = extension.length > 0 ? [extension.length, ...extension] : [];
  return Uint8Array.from([0x7f, flags, ...run, ...trim, ...ext]);
}

/** An Opus packet: TOC then filler. */
function opus(toc: number, size: number, second = 0): Uint8Array {
  const p = new Uint8Array(size).fill(0x55);
  p[0] = toc;
  if (size > 1) p[1] = second;
  return p;
}

describe('opusPacketSamples (RFC 6716 3.1)', () => {
  it('reads the frame size from the TOC config and the count from its code', () => {
    expect(opusPacketSamples(Uint8Array.of(0xfc))).toBe(960); // CELT 20 ms, one frame
    expect(opusPacketSamples(Uint8Array.of(0x00))).toBe(480); // SILK 10 ms
    expect(opusPacketSamples(Uint8Array.of(0x18))).toBe(2880); // SILK 60 ms
    expect(opusPacketSamples(Uint8Array.of(0x78))).toBe(960); // Hybrid 20 ms
    expect(opusPacketSamples(Uint8Array.of(0x81))).toBe(240); // CELT 2.5 ms, two frames
    expect(opusPacketSamples(Uint8Array.of(0xfb, 0x03))).toBe(2880); // code 3: three frames
    expect(opusPacketSamples(new Uint8Array(0))).toBe(0);
  });
});

describe('opusHeadForChannelConfig', () => {
  it('builds an OpusHead for each channel_config_code', () => {
    expect(parseOpusHead(opusHeadForChannelConfig(1))).toMatchObject({
      channels: 1,
      mappingFamily: 0,
    });
    expect(parseOpusHead(opusHeadForChannelConfig(2))).toMatchObject({
      channels: 2,
      mappingFamily: 0,
      coupledCount: 1,
    });
    const six = parseOpusHead(opusHeadForChannelConfig(6));
    expect(six).toMatchObject({ channels: 6, mappingFamily: 1, streamCount: 4, coupledCount: 2 });
    expect(Array.from(six.channelMapping)).toEqual([0, 4, 1, 2, 3, 5]);
    expect(parseOpusHead(opusHeadForChannelConfig(0))).toMatchObject({
      channels: 2,
      mappingFamily: 255,
      streamCount: 2,
      coupledCount: 0,
    });
    for (let code = 0; code <= 8; code++) {
      expect(() => parseOpusHead(opusHeadForChannelConfig(code))).not.toThrow();
    }
  });
});

describe('OpusFramer', () => {
  it('strips control headers (long sizes, trims, extensions) and times packets by their TOC', () => {
    const framer = new OpusFramer(2);
    const a = opus(0xfc, 300);
    const b = opus(0x78, 20);
    const c = opus(0xfb, 40, 0x02);
    const bytes = cat(control(300), a, control(20, true), b, control(40, false, [1, 2, 3]), c);
    const split = framer.split(bytes);
    expect(split.consumed).toBe(bytes.length);
    expect(split.skipped).toBe(0);
    expect(split.frames.map((f) => [f.payload, f.samples, f.sampleRate])).toEqual([
      [a, 960, 48000],
      [b, 960, 48000],
      [c, 1920, 48000],
    ]);
    expect(framer.track()).toMatchObject({ codec: 'opus', channels: 2, sampleRate: 48000 });
    expect(framer.track()).toBeUndefined();
  });

  it('leaves an incomplete packet for later and skips bytes that are no control header', () => {
    const framer = new OpusFramer(1);
    const a = opus(0xfc, 10);
    const bytes = cat([1, 2], control(10), a, control(50), opus(0xfc, 10));
    const split = framer.split(bytes);
    expect(split.frames.map((f) => f.payload)).toEqual([a]);
    expect(split.skipped).toBe(2);
    expect(split.consumed).toBe(2 + 3 + 10);
  });
});
