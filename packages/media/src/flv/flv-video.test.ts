import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError, MediaError, TruncatedError } from '../errors.js';
import { parseVideoTagBody } from './flv-video.js';

const HVC1 = [0x68, 0x76, 0x63, 0x31];
const AV01 = [0x61, 0x76, 0x30, 0x31];
const VP09 = [0x76, 0x70, 0x30, 0x39];
const AVC1 = [0x61, 0x76, 0x63, 0x31];
const body = (...bytes: number[]): Uint8Array => Uint8Array.of(...bytes);

describe('parseVideoTagBody, legacy (FLV spec v10.1 E.4.3.1)', () => {
  it('reads AVC frames with a signed CompositionTime and a view of the payload', () => {
    const b = body(0x27, 1, 0xff, 0xff, 0xfe, 9, 8);
    const parsed = parseVideoTagBody(b);
    expect(parsed).toEqual({
      type: 'frame',
      codec: 'avc',
      keyframe: false,
      cts: -2,
      data: body(9, 8),
    });
    expect(parsed.type === 'frame' && parsed.data.buffer).toBe(b.buffer);
  });

  it('reads sequence headers, sequence ends and legacy HEVC (codec id 12)', () => {
    expect(parseVideoTagBody(body(0x17, 0, 0, 0, 0, 1, 2))).toEqual({
      type: 'config',
      codec: 'avc',
      config: body(1, 2),
    });
    expect(parseVideoTagBody(body(0x17, 2, 0, 0, 0))).toEqual({ type: 'end', codec: 'avc' });
    expect(parseVideoTagBody(body(0x1c, 1, 0, 0, 40, 5))).toEqual({
      type: 'frame',
      codec: 'hevc',
      keyframe: true,
      cts: 40,
      data: body(5),
    });
  });

  it('ignores command frames and names codecs it does not carry', () => {
    expect(parseVideoTagBody(body(0x57, 0))).toEqual({ type: 'ignore' });
    expect(parseVideoTagBody(body(0x14, 0))).toEqual({
      type: 'unsupported',
      what: 'video codec On2 VP6',
    });
    expect(parseVideoTagBody(body(0x19, 0))).toEqual({
      type: 'unsupported',
      what: 'video codec id 9',
    });
  });

  it('throws MediaError for short bodies and reserved packet types', () => {
    expect(() => parseVideoTagBody(body())).toThrow(TruncatedError);
    expect(() => parseVideoTagBody(body(0x17, 1, 0))).toThrow(TruncatedError);
    expect(() => parseVideoTagBody(body(0x17, 3, 0, 0, 0))).toThrow(MalformedError);
  });
});

describe('parseVideoTagBody, Enhanced RTMP ExVideoTagHeader', () => {
  it('reads hvc1 CodedFrames (with SI24) and CodedFramesX (without)', () => {
    expect(parseVideoTagBody(body(0x91, ...HVC1, 0, 0, 33, 7))).toEqual({
      type: 'frame',
      codec: 'hevc',
      keyframe: true,
      cts: 33,
      data: body(7),
    });
    expect(parseVideoTagBody(body(0xa3, ...HVC1, 7))).toEqual({
      type: 'frame',
      codec: 'hevc',
      keyframe: false,
      cts: 0,
      data: body(7),
    });
    expect(parseVideoTagBody(body(0xa1, ...AVC1, 0xff, 0xff, 0xff, 7))).toMatchObject({
      codec: 'avc',
      cts: -1,
    });
  });

  it('reads av01 CodedFrames without a composition time', () => {
    expect(parseVideoTagBody(body(0x91, ...AV01, 0x12, 0))).toEqual({
      type: 'frame',
      codec: 'av1',
      keyframe: true,
      cts: 0,
      data: body(0x12, 0),
    });
    expect(parseVideoTagBody(body(0x90, ...AV01, 0x81))).toEqual({
      type: 'config',
      codec: 'av1',
      config: body(0x81),
    });
  });

  it('steps over ModEx chains, short and 16-bit sized', () => {
    // ModEx, size 2+1, 3 bytes of TimestampOffsetNano, then (type 0, packet type CodedFrames).
    expect(parseVideoTagBody(body(0x97, 2, 0, 1, 2, 0x01, ...HVC1, 0, 0, 5, 9))).toMatchObject({
      cts: 5,
      data: body(9),
    });
    const long = [0x97, 255, 0x01, 0x2b, ...new Array<number>(300).fill(0), 0x03, ...HVC1, 4];
    expect(parseVideoTagBody(Uint8Array.from(long))).toMatchObject({
      type: 'frame',
      cts: 0,
      data: body(4),
    });
    expect(() => parseVideoTagBody(body(0x97, 9, 0))).toThrow(MalformedError);
  });

  it('ignores command and metadata frames; flags foreign FourCCs and multitrack', () => {
    expect(parseVideoTagBody(body(0xd1, 0))).toEqual({ type: 'ignore' });
    expect(parseVideoTagBody(body(0x94, ...HVC1, 2, 0))).toEqual({ type: 'ignore' });
    expect(parseVideoTagBody(body(0x91, ...VP09, 1))).toEqual({
      type: 'unsupported',
      what: 'video FourCC "vp09"',
    });
    expect(parseVideoTagBody(body(0x96, 0x00, ...HVC1))).toMatchObject({ type: 'unsupported' });
    expect(parseVideoTagBody(body(0x95, ...AV01, 1))).toMatchObject({ type: 'unsupported' });
  });

  it('throws MediaError for a missing FourCC, missing CTS or reserved packet type', () => {
    expect(() => parseVideoTagBody(body(0x91, 0x68, 0x76))).toThrow(TruncatedError);
    expect(() => parseVideoTagBody(body(0x91, ...HVC1, 0))).toThrow(TruncatedError);
    expect(() => parseVideoTagBody(body(0x9a, ...HVC1))).toThrow(MalformedError);
  });

  it('only ever throws MediaError on random bodies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parseVideoTagBody(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses a body given as a range of a larger buffer exactly as the same bytes alone', () => {
    // The demuxer parses tags in place in its input chunk; bytes around the range must not matter.
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
        tagLike([0x17, 0x27, 0x1c, 0x91, 0x97, 0xa3, 0x90], [HVC1, AV01, AVC1]),
        fc.uint8Array({ maxLength: 8 }),
        (before, tag, after) => {
          const whole = Uint8Array.from([...before, ...tag, ...after]);
          const end = before.length + tag.length;
          expect(outcome(() => parseVideoTagBody(whole, before.length, end))).toEqual(
            outcome(() => parseVideoTagBody(Uint8Array.from(tag))),
          );
        },
      ),
      { numRuns: 2000 },
    );
    const inPlace = parseVideoTagBody(body(0xee, 0x27, 1, 0, 0, 1, 9, 8, 0xee), 1, 8);
    expect(inPlace).toMatchObject({ type: 'frame', cts: 1, data: body(9, 8) });
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
