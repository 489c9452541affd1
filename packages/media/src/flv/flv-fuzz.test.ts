import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Amf0EcmaArray } from '../amf/amf0-types.js';
import { MediaError } from '../errors.js';
import type { AudioTrack, DemuxEvent, MediaPacket, VideoTrack } from '../types.js';
import { FlvDemuxer } from './flv-demuxer.js';
import { FlvMuxer } from './flv-muxer.js';

/*
 * Hostile input: whatever the bytes, the demuxer returns events (never throws, never hangs),
 * every error it reports is a MediaError, and after an `error` it stays silent.
 */

const AVCC = hex('0142c00affe100156742c00ada11ec0440000003004000000c83c489a801000468ce0fc8');

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

const video: VideoTrack = {
  kind: 'video',
  codec: 'avc',
  codecString: 'avc1.42c00a',
  width: 64,
  height: 48,
  sarNum: 1,
  sarDen: 1,
  timescale: 1000,
  config: AVCC,
};
const audio: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 44100,
  channels: 1,
  timescale: 1000,
  config: hex('1208'),
};
const hevcVideo: VideoTrack = { ...video, codec: 'hevc' };

/** A small valid stream: metadata, AVC + AAC, a few frames, an Enhanced RTMP tag. */
function validStream(): Uint8Array {
  const m = new FlvMuxer();
  const frame = (dts: number, key: boolean): MediaPacket => ({
    kind: 'video',
    dts,
    pts: dts + 40,
    timescale: 1000,
    keyframe: key,
    data: Uint8Array.of(0, 0, 0, 3, key ? 0x65 : 0x41, dts % 256, 7),
  });
  const sound = (dts: number): MediaPacket => ({
    kind: 'audio',
    dts,
    pts: dts,
    timescale: 1000,
    keyframe: true,
    data: Uint8Array.of(0x21, dts % 256),
  });
  const parts = [
    m.header({ hasVideo: true, hasAudio: true }),
    m.script('onMetaData', new Amf0EcmaArray({ width: 64, height: 48, duration: 0.1 })),
    m.sequenceHeader(video) ?? new Uint8Array(0),
    m.sequenceHeader(audio) ?? new Uint8Array(0),
    m.packet(frame(0, true), video),
    m.packet(sound(0), audio),
    m.packet(frame(40, false), video),
    m.packet(sound(23), audio),
    m.packet(frame(80, false), hevcVideo),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const VALID = validStream();

/** Feeds `bytes` in chunks of the given sizes, then flushes; asserts the demuxer contract. */
function feed(bytes: Uint8Array, sizes: number[] = []): DemuxEvent[] {
  const d = new FlvDemuxer();
  const events: DemuxEvent[] = [];
  let at = 0;
  try {
    for (const size of sizes) {
      events.push(...d.push(bytes.subarray(at, at + size)));
      at += size;
    }
    events.push(...d.push(bytes.subarray(at)), ...d.flush());
  } catch (e) {
    expect.fail(`demuxer threw ${String(e)}`);
  }
  const errors = events.filter((e) => e.type === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors.length === 1) expect(events[events.length - 1]?.type).toBe('error');
  for (const e of events) {
    if (e.type === 'error' || e.type === 'warning') expect(e.error).toBeInstanceOf(MediaError);
    if (e.type === 'packet') expect(e.packet.timescale).toBe(1000);
  }
  return events;
}

describe('FlvDemuxer on hostile input', () => {
  it('the valid stream is clean, so damage is what the tests below add', () => {
    const events = feed(VALID);
    expect(events.map((e) => e.type)).toEqual([
      'script',
      'track',
      'track',
      'packet',
      'packet',
      'packet',
      'packet',
      'warning', // HEVC frames under an AVC track
    ]);
  });

  it('random bytes, bare or behind a valid header', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.boolean(),
        fc.array(fc.nat(300), { maxLength: 20 }),
        (noise, withHeader, sizes) => {
          const bytes = withHeader ? Uint8Array.from([...VALID.subarray(0, 13), ...noise]) : noise;
          feed(bytes, sizes);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('truncation at every position: a cut mid-unit ends in TruncatedError, nothing else fails', () => {
    for (let cut = 0; cut <= VALID.length; cut++) {
      const events = feed(VALID.subarray(0, cut));
      const last = events[events.length - 1];
      if (last?.type === 'error') expect(last.error.code).toBe('TRUNCATED');
    }
  });

  it('single and multiple byte mutations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(64), { maxLength: 10 }),
        (mutations, sizes) => {
          const bytes = new Uint8Array(VALID);
          for (const [at, value] of mutations) bytes[at] = value;
          feed(bytes, sizes);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tags whose DataSize points far past the end wait without growing, then report at flush', () => {
    const bytes = new Uint8Array(VALID);
    const firstTag = 13;
    bytes.set([0xff, 0xff, 0xf0], firstTag + 1); // DataSize of the script tag
    const events = feed(bytes);
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(events[0]?.type === 'error' && [events[0].error.code, events[0].error.offset]).toEqual([
      'TRUNCATED',
      firstTag,
    ]);
  });
});
