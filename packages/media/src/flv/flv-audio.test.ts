import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError, MediaError, TruncatedError } from '../errors.js';
import { parseAudioTagBody } from './flv-audio.js';

const OPUS = [0x4f, 0x70, 0x75, 0x73];
const MP4A = [0x6d, 0x70, 0x34, 0x61];
const MP3 = [0x2e, 0x6d, 0x70, 0x33];
const FLAC = [0x66, 0x4c, 0x61, 0x43];
const body = (...bytes: number[]): Uint8Array => Uint8Array.of(...bytes);

describe('parseAudioTagBody, legacy (FLV spec v10.1 E.4.2)', () => {
  it('reads AAC sequence headers and raw frames as views', () => {
    const b = body(0xaf, 1, 0x21, 0x10);
    const parsed = parseAudioTagBody(b);
    expect(parsed).toEqual({ type: 'frame', codec: 'aac', data: body(0x21, 0x10) });
    expect(parsed.type === 'frame' && parsed.data.buffer).toBe(b.buffer);
    expect(parseAudioTagBody(body(0xaf, 0, 0x12, 0x10))).toEqual({
      type: 'config',
      codec: 'aac',
      config: body(0x12, 0x10),
    });
  });

  it('reads MP3 (formats 2 and 14) whatever the rate flags say', () => {
    expect(parseAudioTagBody(body(0x2a, 0xff, 0xfb))).toEqual({
      type: 'frame',
      codec: 'mp3',
      data: body(0xff, 0xfb),
    });
    expect(parseAudioTagBody(body(0xe2, 0xff, 0xf3))).toEqual({
      type: 'frame',
      codec: 'mp3',
      data: body(0xff, 0xf3),
    });
  });

  it('names each legacy format it does not carry', () => {
    const names = [0x00, 0x10, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0xb0, 0xf0].map((b0) => {
      const parsed = parseAudioTagBody(body(b0 | 0x0e, 0));
      return parsed.type === 'unsupported' ? parsed.what : parsed.type;
    });
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('audio format Speex');
    expect(names).toContain('audio format G.711 A-law');
  });

  it('treats an empty body as RTMP audio silence, and short AAC bodies as errors', () => {
    expect(parseAudioTagBody(body())).toEqual({ type: 'ignore' });
    expect(() => parseAudioTagBody(body(0xaf))).toThrow(TruncatedError);
    expect(() => parseAudioTagBody(body(0xaf, 2))).toThrow(MalformedError);
  });
});

describe('parseAudioTagBody, Enhanced RTMP v2 ExAudioTagHeader', () => {
  it('reads Opus, mp4a and .mp3 by FourCC', () => {
    expect(parseAudioTagBody(body(0x90, ...OPUS, 0x4f))).toEqual({
      type: 'config',
      codec: 'opus',
      config: body(0x4f),
    });
    expect(parseAudioTagBody(body(0x91, ...OPUS, 0xfc))).toEqual({
      type: 'frame',
      codec: 'opus',
      data: body(0xfc),
    });
    expect(parseAudioTagBody(body(0x90, ...MP4A, 0x12, 0x10))).toEqual({
      type: 'config',
      codec: 'aac',
      config: body(0x12, 0x10),
    });
    expect(parseAudioTagBody(body(0x91, ...MP3, 0xff))).toEqual({
      type: 'frame',
      codec: 'mp3',
      data: body(0xff),
    });
    expect(parseAudioTagBody(body(0x90, ...MP3))).toEqual({ type: 'ignore' });
    expect(parseAudioTagBody(body(0x92, ...OPUS))).toEqual({ type: 'end', codec: 'opus' });
  });

  it('steps over ModEx, ignores multichannel config, flags FLAC and multitrack', () => {
    expect(parseAudioTagBody(body(0x97, 2, 0, 0, 1, 0x01, ...OPUS, 7))).toEqual({
      type: 'frame',
      codec: 'opus',
      data: body(7),
    });
    expect(parseAudioTagBody(body(0x94, ...OPUS, 1, 2))).toEqual({ type: 'ignore' });
    expect(parseAudioTagBody(body(0x91, ...FLAC, 1))).toEqual({
      type: 'unsupported',
      what: 'audio FLAC',
    });
    expect(parseAudioTagBody(body(0x95, 0x00, ...OPUS))).toMatchObject({ type: 'unsupported' });
  });

  it('throws MediaError for a missing FourCC or a reserved packet type', () => {
    expect(() => parseAudioTagBody(body(0x91, 0x4f))).toThrow(TruncatedError);
    expect(() => parseAudioTagBody(body(0x93, ...OPUS))).toThrow(MalformedError);
  });

  it('only ever throws MediaError on random bodies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parseAudioTagBody(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses a body given as a range of a larger buffer exactly as the same bytes alone', () => {
    const outcome = (run: () => unknown): unknown => {
      try {
        return run();
      } catch (e) {
        return e instanceof MediaError ? [e.constructor.name, e.message] : e;
      }
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 8 }),
        tagLike([0xaf, 0x2a, 0x90, 0x91, 0x97], [OPUS, MP4A, MP3]),
        fc.uint8Array({ maxLength: 8 }),
        (before, tag, after) => {
          const whole = Uint8Array.from([...before, ...tag, ...after]);
          const end = before.length + tag.length;
          expect(outcome(() => parseAudioTagBody(whole, before.length, end))).toEqual(
            outcome(() => parseAudioTagBody(Uint8Array.from(tag))),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/**
 * Tag bodies that get past the first checks often (known first bytes, ModEx chains, FourCCs),
 * cut anywhere, so range tests reach the deep length checks and not only the first one.
 */
function tagLike(firsts: number[], fourccs: number[][]): fc.Arbitrary<Uint8Array> {
  const modEx = fc
    .nat(2)
    .chain((n) =>
      fc
        .tuple(fc.uint8Array({ minLength: n + 1, maxLength: n + 1 }), fc.constantFrom(0, 1, 3))
        .map(([data, next]) => [n, ...data, next]),
    );
  const structured = fc
    .tuple(
      fc.constantFrom(...firsts),
      modEx,
      fc.constantFrom(...fourccs),
      fc.uint8Array({ maxLength: 12 }),
      fc.nat(),
    )
    .map(([b0, ext, fourcc, rest, cut]) => {
      const bytes = [b0, ...((b0 & 0x0f) === 7 ? ext : []), ...fourcc, ...rest];
      return Uint8Array.from(bytes.slice(0, cut % (bytes.length + 1)));
    });
  return fc.oneof(fc.uint8Array({ maxLength: 40 }), structured);
}
