import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Amf0EcmaArray } from '../amf/amf0-types.js';
import { encodeAmf0 } from '../amf/amf0-writer.js';
import {
  ChecksumError,
  MalformedError,
  MediaError,
  TruncatedError,
  UnsupportedError,
} from '../errors.js';
import type { DemuxEvent, MediaPacket, VideoTrack } from '../types.js';
import { FlvDemuxer } from './flv-demuxer.js';
import { buildFlvTag, writeFlvHeader } from './flv-tag.js';

/** A real avcC from libx264 (64x48 constrained baseline), lengthSizeMinusOne = 3. */
const AVCC = hex('0142c00affe100156742c00ada11ec0440000003004000000c83c489a801000468ce0fc8');
/** AudioSpecificConfig: AAC LC, 44.1 kHz, mono. */
const ASC = hex('1208');
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo: a 417-byte frame. */
const MP3_FRAME = mp3Frame(0x64);

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function mp3Frame(modeByte: number): Uint8Array {
  const f = new Uint8Array(417);
  f.set([0xff, 0xfb, 0x90, modeByte]);
  return f;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const HEADER = writeFlvHeader({ hasVideo: true, hasAudio: true });
const video = (ts: number, ...body: (number | Uint8Array)[]): Uint8Array => tag(9, ts, body);
const audio = (ts: number, ...body: (number | Uint8Array)[]): Uint8Array => tag(8, ts, body);

function tag(type: number, ts: number, body: (number | Uint8Array)[]): Uint8Array {
  const bytes = concat(...body.map((b) => (typeof b === 'number' ? Uint8Array.of(b) : b)));
  return buildFlvTag(type, ts, [], bytes);
}

/** One length-prefixed NAL unit with 4-byte length. */
function nal(...bytes: number[]): Uint8Array {
  return Uint8Array.of(0, 0, 0, bytes.length, ...bytes);
}

const AVC_SEQ = video(0, 0x17, 0, 0, 0, 0, AVCC);
const AAC_SEQ = audio(0, 0xaf, 0, ASC);

function run(bytes: Uint8Array, chunks?: number[]): DemuxEvent[] {
  const d = new FlvDemuxer();
  const events: DemuxEvent[] = [];
  let at = 0;
  for (const size of chunks ?? [bytes.length]) {
    events.push(...d.push(bytes.subarray(at, at + size)));
    at += size;
  }
  events.push(...d.push(bytes.subarray(at)), ...d.flush());
  return events;
}

const packets = (events: DemuxEvent[]): MediaPacket[] =>
  events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));
const ofType = <T extends DemuxEvent['type']>(
  events: DemuxEvent[],
  type: T,
): Extract<DemuxEvent, { type: T }>[] =>
  events.filter((e): e is Extract<DemuxEvent, { type: T }> => e.type === type);

describe('FlvDemuxer basics', () => {
  it('emits tracks and packets with ms timestamps, signed CTS and the extended timestamp byte', () => {
    const events = run(
      concat(
        HEADER,
        AVC_SEQ,
        AAC_SEQ,
        video(0, 0x17, 1, 0, 0, 80, nal(0x65, 1, 2)),
        // CompositionTime -40 (0xffffd8)
        video(40, 0x27, 1, 0xff, 0xff, 0xd8, nal(0x41, 3)),
        audio(23, 0xaf, 1, 9, 8, 7),
        // 0x01000005 ms: TimestampExtended 1
        video(0x1000005, 0x27, 1, 0, 0, 0, nal(0x41, 4)),
      ),
    );
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'track').map((e) => e.track.codecString)).toEqual([
      'avc1.42c00a',
      'mp4a.40.2',
    ]);
    const v = ofType(events, 'track')[0]?.track as VideoTrack;
    expect([v.width, v.height, v.timescale]).toEqual([64, 48, 1000]);
    expect(packets(events).map((p) => [p.kind, p.dts, p.pts, p.keyframe, p.timescale])).toEqual([
      ['video', 0, 80, true, 1000],
      ['video', 40, 0, false, 1000],
      ['audio', 23, 23, true, 1000],
      ['video', 0x1000005, 0x1000005, false, 1000],
    ]);
    expect(packets(events)[0]?.data).toEqual(nal(0x65, 1, 2));
    expect(packets(events)[2]?.data).toEqual(Uint8Array.of(9, 8, 7));
  });

  it('hands out payload views into the pushed chunk, not copies', () => {
    const input = concat(HEADER, AVC_SEQ, video(0, 0x17, 1, 0, 0, 0, nal(0x65, 1, 2)));
    const p = packets(run(input))[0];
    expect(p?.data.buffer).toBe(input.buffer);
  });

  it('announces a repeated identical sequence header once, a changed one again', () => {
    const other = new Uint8Array(AVCC);
    other[other.length - 1] = 0xc9; // different PPS byte
    const events = run(
      concat(HEADER, AVC_SEQ, AVC_SEQ, video(0, 0x17, 0, 0, 0, 0, other), AAC_SEQ, AAC_SEQ),
    );
    expect(ofType(events, 'track').map((e) => e.track.config[e.track.config.length - 1])).toEqual([
      0xc8, 0xc9, 0x08,
    ]);
  });

  it('widens 2-byte NAL lengths to 4 and says so in the track avcC', () => {
    const avcc2 = new Uint8Array(AVCC);
    avcc2[4] = 0xfd; // lengthSizeMinusOne = 1
    const events = run(
      concat(
        HEADER,
        video(0, 0x17, 0, 0, 0, 0, avcc2),
        video(0, 0x17, 1, 0, 0, 0, 0, 2, 0x65, 1, 0, 1, 0x06),
      ),
    );
    expect(ofType(events, 'track')[0]?.track.config[4]).toBe(0xff);
    expect(packets(events)[0]?.data).toEqual(concat(nal(0x65, 1), nal(0x06)));
  });

  it('takes MP3 tracks from the frame header, again only when it changes', () => {
    const mono = mp3Frame(0xc4); // channel mode 3: mono
    const events = run(
      concat(HEADER, audio(0, 0x2f, MP3_FRAME), audio(26, 0x2f, MP3_FRAME), audio(52, 0x2e, mono)),
    );
    expect(
      ofType(events, 'track').map(
        (e) => e.track.kind === 'audio' && [e.track.codec, e.track.channels],
      ),
    ).toEqual([
      ['mp3', 2],
      ['mp3', 1],
    ]);
    expect(packets(events).map((p) => [p.dts, p.data.length])).toEqual([
      [0, 417],
      [26, 417],
      [52, 417],
    ]);
  });

  it('emits script tags as name + value, unwrapping @setDataFrame', () => {
    const meta = new Amf0EcmaArray({ width: 64, height: 48 });
    const events = run(
      concat(
        HEADER,
        buildFlvTag(18, 0, [], encodeAmf0('onMetaData', meta)),
        buildFlvTag(18, 5, [], encodeAmf0('@setDataFrame', 'onMetaData', meta)),
      ),
    );
    expect(ofType(events, 'script')).toEqual([
      { type: 'script', name: 'onMetaData', value: meta, dts: 0 },
      { type: 'script', name: 'onMetaData', value: meta, dts: 5 },
    ]);
  });

  it('skips the header padding DataOffset announces', () => {
    const head = concat(HEADER.subarray(0, 9), Uint8Array.of(1, 2, 3), HEADER.subarray(9));
    head[8] = 12;
    const events = run(concat(head, AVC_SEQ));
    expect(events.map((e) => e.type)).toEqual(['track']);
  });
});

describe('FlvDemuxer damage handling', () => {
  it('reports a bad signature as an error at offset 0 as soon as it is visible, then stays silent', () => {
    const d = new FlvDemuxer();
    const events = d.push(Uint8Array.of(0x46, 0x4c, 0x58));
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e?.type).toBe('error');
    expect(e?.type === 'error' && e.error).toBeInstanceOf(MalformedError);
    expect(e?.type === 'error' && e.error.offset).toBe(0);
    expect(d.push(concat(HEADER, AVC_SEQ))).toEqual([]);
    expect(d.flush()).toEqual([]);
    d.reset();
    expect(d.push(concat(HEADER, AVC_SEQ)).map((ev) => ev.type)).toEqual(['track']);
  });

  it('rejects a DataOffset smaller than the header or implausibly large', () => {
    const head = new Uint8Array(HEADER);
    head[8] = 8;
    expect(run(head).map((e) => e.type === 'error' && e.error.code)).toEqual(['MALFORMED']);
    head[5] = 0x10;
    expect(run(head).map((e) => e.type === 'error' && [e.error.code, e.error.offset])).toEqual([
      ['MALFORMED', 5],
    ]);
  });

  it('warns about a wrong PreviousTagSize with its offset and keeps going; a systematic error warns once', () => {
    const stream = concat(HEADER, AVC_SEQ, AAC_SEQ, audio(1, 0xaf, 1, 5));
    const at = HEADER.length + AVC_SEQ.length - 4; // back-pointer of the first tag
    stream[at + 3] = (stream[at + 3] ?? 0) + 1;
    const events = run(stream);
    const warnings = ofType(events, 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.error).toBeInstanceOf(ChecksumError);
    expect(warnings[0]?.error.offset).toBe(at);
    expect(packets(events)).toHaveLength(1);

    // A writer that stores DataSize instead of 11 + DataSize on every tag: one warning.
    const tags = [AVC_SEQ, AAC_SEQ, audio(1, 0xaf, 1, 5), audio(2, 0xaf, 1, 6)].map((t) => {
      const copy = new Uint8Array(t);
      copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) - 11;
      return copy;
    });
    const habit = run(concat(HEADER, ...tags));
    expect(ofType(habit, 'warning')).toHaveLength(1);
    expect(packets(habit)).toHaveLength(2);
  });

  it('skips unknown tag types, encrypted tags and legacy codecs with one warning per kind', () => {
    const events = run(
      concat(
        HEADER,
        tag(15, 0, [1, 2, 3]),
        tag(15, 0, [1, 2, 3]),
        buildFlvTag(0x20 | 8, 0, [], Uint8Array.of(0xaf, 1, 1)), // Filter bit
        audio(0, 0xb2, 1, 2), // Speex
        audio(0, 0xb2, 1, 2),
        audio(0, 0x32, 1, 2), // LPCM little endian
        audio(0, 0x62, 1, 2), // Nellymoser
        video(0, 0x12, 1, 2), // Sorenson H.263
        video(0, 0x12, 1, 2),
        AAC_SEQ,
        audio(3, 0xaf, 1, 7),
      ),
    );
    const warnings = ofType(events, 'warning').map((e) => e.error);
    expect(warnings).toHaveLength(6);
    for (const w of warnings) expect(w).toBeInstanceOf(UnsupportedError);
    expect(warnings.map((w) => w.message).join('\n')).toMatch(
      /tag type 15[\s\S]*encrypted[\s\S]*Speex[\s\S]*little endian[\s\S]*Nellymoser[\s\S]*H\.263/,
    );
    expect(packets(events).map((p) => p.dts)).toEqual([3]);
  });

  it('drops packets that come before their sequence header, with one warning per kind', () => {
    const events = run(
      concat(
        HEADER,
        video(0, 0x17, 1, 0, 0, 0, nal(0x65)),
        video(40, 0x27, 1, 0, 0, 0, nal(0x41)),
        audio(0, 0xaf, 1, 1),
        AVC_SEQ,
        video(80, 0x17, 1, 0, 0, 0, nal(0x65)),
      ),
    );
    expect(ofType(events, 'warning').map((e) => e.error.message)).toEqual([
      expect.stringMatching(/^video packets before/),
      expect.stringMatching(/^audio packets before/),
    ]);
    expect(packets(events).map((p) => p.dts)).toEqual([80]);
  });

  it('skips command frames and sequence-end packets silently', () => {
    const events = run(concat(HEADER, AVC_SEQ, video(0, 0x50, 0), video(0, 0x17, 2, 0, 0, 0)));
    expect(events.map((e) => e.type)).toEqual(['track']);
  });

  it('turns a broken script tag or sequence header into a warning at the tag offset and continues', () => {
    const badScript = buildFlvTag(18, 0, [], Uint8Array.of(2, 0, 10, 0x41));
    const badAvcc = video(0, 0x17, 0, 0, 0, 0, 1, 2);
    const events = run(concat(HEADER, badScript, badAvcc, AAC_SEQ, audio(0, 0xaf, 1, 1)));
    const warnings = ofType(events, 'warning').map((e) => e.error);
    expect(warnings.map((w) => w.offset)).toEqual([13, 13 + badScript.length]);
    for (const w of warnings) expect(w).toBeInstanceOf(MediaError);
    expect(packets(events)).toHaveLength(1);
  });

  it('treats a tag with reserved bits set as an impossible tag: error, then silence', () => {
    const events = run(concat(HEADER, buildFlvTag(0xc9, 0, [], Uint8Array.of(0x17)), AAC_SEQ));
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(events[0]?.type === 'error' && events[0].error.offset).toBe(13);
  });

  it('reports a tag cut short at flush as TruncatedError naming the tag offset', () => {
    const stream = concat(HEADER, AAC_SEQ, audio(0, 0xaf, 1, 1, 2, 3));
    const cut = stream.subarray(0, stream.length - 6);
    const events = run(cut);
    const last = events[events.length - 1];
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error).toBeInstanceOf(TruncatedError);
    expect(last?.type === 'error' && last.error.offset).toBe(13 + AAC_SEQ.length);
    // A cut between tags, or right after a tag body, is a clean end.
    expect(ofType(run(stream), 'error')).toEqual([]);
    expect(ofType(run(stream.subarray(0, stream.length - 4)), 'error')).toEqual([]);
    // Two bytes of a PreviousTagSize are not.
    expect(ofType(run(stream.subarray(0, stream.length - 2)), 'error')).toHaveLength(1);
  });

  it('waits on a DataSize far past the end without buffering beyond it, then reports it at flush', () => {
    const d = new FlvDemuxer();
    const head = concat(HEADER, Uint8Array.of(9, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0));
    expect(d.push(head)).toEqual([]);
    for (let i = 0; i < 8; i++) expect(d.push(new Uint8Array(64 * 1024))).toEqual([]);
    const events = d.flush();
    expect(events.map((e) => e.type === 'error' && e.error.code)).toEqual(['TRUNCATED']);
  });

  it('accepts one push larger than its internal buffer bound', () => {
    const big = new Uint8Array(12 * 1024 * 1024);
    const stream = concat(HEADER, tag(15, 0, [big]), tag(15, 0, [big]), tag(15, 0, [big]), AAC_SEQ);
    const events = run(stream);
    expect(events.map((e) => e.type)).toEqual(['warning', 'track']);
  });
});

describe('FlvDemuxer split-anywhere property', () => {
  const stream = concat(
    HEADER,
    buildFlvTag(18, 0, [], encodeAmf0('onMetaData', new Amf0EcmaArray({ duration: 1 }))),
    AVC_SEQ,
    AAC_SEQ,
    video(0, 0x17, 1, 0, 0, 40, nal(0x65, 1, 2, 3, 4, 5)),
    audio(10, 0xaf, 1, 1, 2, 3),
    tag(15, 11, [7, 7]),
    video(40, 0x27, 1, 0, 0, 0, nal(0x41, 9, 9)),
    audio(33, 0x2f, MP3_FRAME),
    video(80, 0x27, 1, 0xff, 0xff, 0xf0, nal(0x01)),
  );
  stream[HEADER.length - 1] = 0x7f; // a bad PreviousTagSize0 for good measure
  const withTail = concat(stream, video(120, 0x27, 1, 0, 0, 0, nal(0x41)).subarray(0, 9));
  const shape = (events: DemuxEvent[]): unknown[] =>
    events.map((e) =>
      e.type === 'warning' || e.type === 'error'
        ? [e.type, e.error.name, e.error.code, e.error.offset, e.error.message]
        : e.type === 'packet'
          ? [
              e.packet.kind,
              e.packet.dts,
              e.packet.pts,
              e.packet.keyframe,
              Array.from(e.packet.data),
            ]
          : e,
    );
  const whole = shape(run(withTail));

  it('has something to compare', () => {
    expect(whole.length).toBe(12);
    expect(whole.some((e) => Array.isArray(e) && e[0] === 'error')).toBe(true);
  });

  it('gives identical events for every chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 64 }), { maxLength: 200 }), (sizes) => {
        expect(shape(run(withTail, sizes))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('gives identical events when fed one byte at a time', () => {
    expect(
      shape(
        run(
          withTail,
          Array.from({ length: withTail.length }, () => 1),
        ),
      ),
    ).toEqual(whole);
  });
});
