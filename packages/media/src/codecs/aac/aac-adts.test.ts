import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  MalformedError,
  MediaError,
  TruncatedError,
  UnsupportedError,
} from '../../errors.js';
import { adtsToAsc, buildAdtsHeader, parseAdtsHeader, splitAdtsFrames } from './aac-adts.js';
import { parseAudioSpecificConfig } from './aac-asc.js';
import { cat } from '../../test-support/bytes.js';

function frame(payloadLength: number, sfi = 4, channels = 2): Uint8Array {
  const header = buildAdtsHeader(
    { objectType: 2, samplingFrequencyIndex: sfi, channelConfiguration: channels },
    payloadLength,
  );
  const out = new Uint8Array(7 + payloadLength).fill(0x11);
  out.set(header);
  return out;
}

describe('ADTS header', () => {
  it('builds and parses every field', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 8184 }),
        (objectType, sfi, cc, len) => {
          const h = parseAdtsHeader(
            buildAdtsHeader(
              { objectType, samplingFrequencyIndex: sfi, channelConfiguration: cc },
              len,
            ),
          );
          expect([h.objectType, h.samplingFrequencyIndex, h.channelConfiguration]).toEqual([
            objectType,
            sfi,
            cc,
          ]);
          expect([h.frameLength, h.headerLength, h.protectionAbsent, h.rawDataBlocks]).toEqual([
            len + 7,
            7,
            true,
            1,
          ]);
          expect([h.mpegVersion, h.bufferFullness]).toEqual([4, 0x7ff]);
        },
      ),
    );
  });

  it('maps to the equivalent AudioSpecificConfig', () => {
    const asc = adtsToAsc(parseAdtsHeader(frame(10, 3, 2)));
    expect(asc).toEqual(Uint8Array.of(0x11, 0x90));
    expect(parseAudioSpecificConfig(asc)).toMatchObject({
      objectType: 2,
      sampleRate: 48000,
      channels: 2,
    });
    expect(() => adtsToAsc(parseAdtsHeader(frame(10, 3, 0)))).toThrow(UnsupportedError);
  });

  it('rejects bad sync, layer, reserved rates, short lengths and truncation', () => {
    const good = frame(4);
    const mutate = (i: number, v: number): Uint8Array => {
      const c = good.slice();
      c[i] = v;
      return c;
    };
    expect(() => parseAdtsHeader(mutate(0, 0xfe))).toThrow(MalformedError);
    expect(() => parseAdtsHeader(mutate(1, 0xf3))).toThrow(/layer/);
    expect(() => parseAdtsHeader(mutate(2, 0x50 + 13 * 4 - 16))).toThrow(/reserved/);
    expect(() => parseAdtsHeader(mutate(4, 0))).toThrow(/shorter than its header/);
    expect(() => parseAdtsHeader(good, 5)).toThrow(TruncatedError);
    expect(() =>
      buildAdtsHeader({ objectType: 5, samplingFrequencyIndex: 4, channelConfiguration: 2 }, 1),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      buildAdtsHeader({ objectType: 2, samplingFrequencyIndex: 4, channelConfiguration: 2 }, 8185),
    ).toThrow(InvalidArgumentError);
  });
});

describe('splitAdtsFrames', () => {
  it('splits back-to-back frames and leaves a partial last frame unconsumed', () => {
    const a = frame(5);
    const b = frame(9);
    const c = frame(20);
    const whole = cat(a, b, c);
    const all = splitAdtsFrames(whole);
    expect(all.frames.map((f) => [f.offset, f.payload.length])).toEqual([
      [0, 5],
      [12, 9],
      [28, 20],
    ]);
    expect(all.consumed).toBe(whole.length);
    const cut = splitAdtsFrames(whole.subarray(0, whole.length - 3));
    expect(cut.frames.length).toBe(2);
    expect(cut.consumed).toBe(a.length + b.length);
  });

  it('skips junk and a false sync word that is not followed by a frame', () => {
    const fake = Uint8Array.of(0xff, 0xf1, 0x50, 0x80, 0x01, 0x9f, 0xfc); // claims 12 bytes
    const input = cat(Uint8Array.of(1, 2, 3), fake, Uint8Array.of(9, 9, 9, 9), frame(6), frame(3));
    const split = splitAdtsFrames(input);
    expect(split.frames.map((f) => f.payload.length)).toEqual([6, 3]);
    expect(split.skipped).toBe(3 + fake.length + 4);
    expect(split.consumed).toBe(input.length);
  });

  it('fuzz: never throws; frames lie inside the input; parseAdtsHeader only yields MediaError', () => {
    const stream = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 30 }).map((n) => frame(n)),
          fc.uint8Array({ maxLength: 12 }),
        ),
        {
          maxLength: 6,
        },
      )
      .map((parts) => cat(...parts));
    fc.assert(
      fc.property(stream, (bytes) => {
        const split = splitAdtsFrames(bytes);
        expect(split.consumed).toBeLessThanOrEqual(bytes.length);
        for (const f of split.frames)
          expect(f.offset + f.header.frameLength).toBeLessThanOrEqual(split.consumed);
        try {
          parseAdtsHeader(bytes, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
