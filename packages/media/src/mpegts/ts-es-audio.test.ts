import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAdtsHeader } from '../codecs/aac/aac-adts.js';
import { MalformedError, MediaError, TruncatedError } from '../errors.js';
import type { MediaError as MediaErrorType } from '../errors.js';
import { cat } from '../test-support/bytes.js';
import type { DemuxEvent, MediaPacket } from '../types.js';
import { AudioEs } from './ts-es-audio.js';
import { AdtsFramer, Mp3Framer } from './ts-es-audio-framers.js';
import type { EsSink } from './ts-es-stream.js';

class TestSink implements EsSink {
  events: DemuxEvent[] = [];
  warn(error: MediaErrorType): void {
    this.events.push({ type: 'warning', error });
  }
  packets(): MediaPacket[] {
    return this.events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));
  }
  warnings(): MediaErrorType[] {
    return this.events.flatMap((e) => (e.type === 'warning' ? [e.error] : []));
  }
}

/** An ADTS frame (AAC LC, 48 kHz, stereo) whose payload is `n` bytes of `fill`. */
function adts(n: number, fill: number): Uint8Array {
  const header = buildAdtsHeader(
    { objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 2 },
    n,
  );
  return cat(header, new Uint8Array(n).fill(fill));
}

/** An MPEG-1 layer III frame, 128 kbit/s, 48 kHz: 384 bytes (11172-3 2.4.3.1). */
function mp3(fill: number): Uint8Array {
  const frame = new Uint8Array(384).fill(fill);
  frame.set([0xff, 0xfb, 0x94, 0x64]);
  return frame;
}

const unit = (data: Uint8Array, pts: number | undefined, offset = 0) => ({
  pts,
  dts: pts,
  data,
  offset,
});

describe('AudioEs with ADTS', () => {
  it('splits frames, times them from the PES PTS and announces the track first', () => {
    const es = new AudioEs(new AdtsFramer());
    const sink = new TestSink();
    es.push(unit(cat(adts(10, 1), adts(20, 2), adts(30, 3)), 9000), sink);
    expect(sink.events[0]).toMatchObject({
      type: 'track',
      track: { codec: 'aac', sampleRate: 48000, channels: 2, timescale: 90000 },
    });
    const packets = sink.packets();
    // 1024 samples at 48 kHz are 1920 ticks of 90 kHz.
    expect(packets.map((p) => [p.pts, p.dts, p.keyframe, p.data.length])).toEqual([
      [9000, 9000, true, 10],
      [10920, 10920, true, 20],
      [12840, 12840, true, 30],
    ]);
    expect(Array.from(packets[1]?.data ?? [])).toEqual(new Array<number>(20).fill(2));
  });

  it('carries a frame across PES packets; the next PES PTS applies to the first frame starting in it', () => {
    const es = new AudioEs(new AdtsFramer());
    const sink = new TestSink();
    const a = adts(50, 1);
    const b = adts(60, 2);
    const c = adts(70, 3);
    // PES 1: a + the start of b; PES 2: the rest of b + c, PTS for c (2.4.3.7).
    es.push(unit(cat(a, b.subarray(0, 30)), 1000), sink);
    expect(es.bufferedBytes).toBe(30);
    es.push(unit(cat(b.subarray(30), c), 50000), sink);
    expect(sink.packets().map((p) => [p.pts, p.data[0]])).toEqual([
      [1000, 1],
      [2920, 2],
      [50000, 3],
    ]);
    expect(sink.events.filter((e) => e.type === 'track')).toHaveLength(1);
    expect(es.bufferedBytes).toBe(0);
  });

  it('reports junk before frames and keeps the frames after it', () => {
    const es = new AudioEs(new AdtsFramer());
    const sink = new TestSink();
    es.push(unit(cat([1, 2, 3, 4, 5], adts(10, 1), adts(10, 2)), 0, 777), sink);
    expect(sink.packets().map((p) => p.data[0])).toEqual([1, 2]);
    expect(sink.warnings()).toHaveLength(1);
    expect(sink.warnings()[0]).toBeInstanceOf(MalformedError);
    expect(sink.warnings()[0]?.offset).toBe(777);
  });

  it('after discard(), frames wait for the next PTS instead of guessing across the gap', () => {
    const es = new AudioEs(new AdtsFramer());
    const sink = new TestSink();
    const b = adts(60, 2);
    es.push(unit(cat(adts(10, 1), b.subarray(0, 20)), 0), sink);
    es.discard();
    es.push(unit(b.subarray(20), undefined), sink); // a continuation without PTS
    es.push(unit(adts(10, 3), 90000), sink);
    expect(sink.packets().map((p) => [p.pts, p.data[0]])).toEqual([
      [0, 1],
      [90000, 3],
    ]);
  });

  it('drops frames before any PTS with one warning, and reports a partial frame at flush', () => {
    const es = new AudioEs(new AdtsFramer());
    const sink = new TestSink();
    es.push(unit(adts(10, 1), undefined), sink);
    es.push(unit(adts(10, 1), undefined), sink);
    expect(sink.packets()).toEqual([]);
    es.push(unit(adts(40, 1).subarray(0, 30), 100), sink);
    es.flush(sink);
    const warnings = sink.warnings();
    expect(warnings.map((w) => w.constructor)).toEqual([
      MalformedError,
      MalformedError,
      TruncatedError,
    ]);
    expect(es.bufferedBytes).toBe(0);
  });

  it('never throws and only reports MediaError, whatever the PES payloads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.option(fc.nat())), {
          maxLength: 8,
        }),
        (units) => {
          for (const es of [new AudioEs(new AdtsFramer()), new AudioEs(new Mp3Framer())]) {
            const sink = new TestSink();
            for (const [data, pts] of units)
              es.push(unit(cat([0xff, 0xf1], data), pts ?? undefined), sink);
            es.flush(sink);
            for (const w of sink.warnings()) expect(w).toBeInstanceOf(MediaError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('AudioEs with MPEG audio', () => {
  it('keeps whole frames (header included), 1152 samples each', () => {
    const es = new AudioEs(new Mp3Framer());
    const sink = new TestSink();
    es.push(unit(cat(mp3(1), mp3(2), mp3(3).subarray(0, 100)), 0), sink);
    es.push(unit(mp3(3).subarray(100), undefined), sink);
    expect(sink.events[0]).toMatchObject({
      type: 'track',
      track: { codec: 'mp3', sampleRate: 48000, channels: 2 },
    });
    // 1152 samples at 48 kHz are 2160 ticks.
    expect(sink.packets().map((p) => [p.pts, p.data.length, p.data[0], p.data[5]])).toEqual([
      [0, 384, 0xff, 1],
      [2160, 384, 0xff, 2],
      [4320, 384, 0xff, 3],
    ]);
  });

  it('skips a false sync word that is not followed by another frame', () => {
    const es = new AudioEs(new Mp3Framer());
    const sink = new TestSink();
    const fake = Uint8Array.of(0xff, 0xfb, 0x94, 0x64, 0, 0, 0); // a header 7 bytes before a frame
    es.push(unit(cat(fake, mp3(1), mp3(2)), 0), sink);
    expect(sink.packets().map((p) => p.data[5])).toEqual([1, 2]);
    expect(sink.warnings()).toHaveLength(1);
  });
});
