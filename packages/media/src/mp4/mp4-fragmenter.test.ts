import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MediaError } from '../errors.js';
import type { AudioTrack, DemuxEvent, MediaPacket, VideoTrack } from '../types.js';
import { readFragmentedMp4 } from './fmp4-reader.js';
import type { Fmp4Chunk, Fmp4MediaChunk, Mp4FragmenterOptions } from './mp4-fragmenter.js';
import { Mp4Fragmenter } from './mp4-fragmenter.js';

const avc: VideoTrack = {
  kind: 'video',
  codec: 'avc',
  codecString: 'avc1.42c01e',
  width: 640,
  height: 360,
  sarNum: 1,
  sarDen: 1,
  timescale: 1000,
  config: new Uint8Array([
    1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, 4, 0x67, 0x42, 0xc0, 0x1e, 1, 0, 2, 0x68, 0xce,
  ]),
};

const aac: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 44100,
  channels: 2,
  timescale: 1000,
  config: new Uint8Array([0x12, 0x10]),
};

let serial = 0;
function packet(kind: 'video' | 'audio', dts: number, keyframe: boolean, cts = 0): DemuxEvent {
  serial++;
  // Distinct payloads (the serial number) so every sample can be traced through the output.
  const data = new Uint8Array([
    serial % 256,
    Math.floor(serial / 256) % 256,
    kind === 'video' ? 1 : 2,
  ]);
  const p: MediaPacket = { kind, dts, pts: dts + cts, timescale: 1000, keyframe, data };
  return { type: 'packet', packet: p };
}

/** 25 fps video with a keyframe every `gop` frames and B-frame style offsets, plus AAC. */
function stream(seconds: number, gop = 25, withAudio = true): DemuxEvent[] {
  const events: DemuxEvent[] = [];
  const frames = seconds * 25;
  const audioFrames = Math.floor((seconds * 44100) / 1024);
  let a = 0;
  for (let v = 0; v < frames; v++) {
    const dts = v * 40;
    // Audio first when it is due, as an FLV muxer interleaves by timestamp.
    while (withAudio && a < audioFrames && Math.round((a * 1024000) / 44100) <= dts) {
      events.push(packet('audio', Math.round((a * 1024000) / 44100), true));
      a++;
    }
    events.push(packet('video', dts, v % gop === 0, v % gop === 0 ? 80 : (v % 3) * 40));
  }
  return events;
}

function run(events: DemuxEvent[], options?: Mp4FragmenterOptions): Fmp4Chunk[] {
  const f = new Mp4Fragmenter(options);
  const out: Fmp4Chunk[] = [];
  for (const e of events) out.push(...f.push(e));
  out.push(...f.flush());
  return out;
}

const media = (chunks: Fmp4Chunk[]): Fmp4MediaChunk[] =>
  chunks.filter((c): c is Fmp4MediaChunk => c.kind === 'media');

function concat(chunks: Fmp4Chunk[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.length;
  }
  return out;
}

/** What went in, per kind, as [dts ms, pts ms, keyframe, payload id]. */
function inputRows(events: DemuxEvent[], kind: string) {
  return events.flatMap((e) =>
    e.type === 'packet' && e.packet.kind === kind
      ? [[e.packet.dts, e.packet.pts, e.packet.keyframe, Array.from(e.packet.data).join()]]
      : [],
  );
}

/** What came out (read back with the box reader), in ms. */
function outputRows(bytes: Uint8Array, trackId: number, timescale: number) {
  const read = readFragmentedMp4(bytes);
  const ms = (t: number): number => Math.round((t * 1000) / timescale);
  return (read.samples.get(trackId) ?? []).map((s) => [
    ms(s.dts),
    ms(s.pts),
    s.keyframe,
    Array.from(s.data).join(),
  ]);
}

describe('Mp4Fragmenter: init segment', () => {
  it('emits the init once both a video and an audio track are known', () => {
    const f = new Mp4Fragmenter();
    expect(f.push({ type: 'track', track: avc })).toEqual([]);
    const [init, ...rest] = f.push({ type: 'track', track: aac });
    expect(rest).toEqual([]);
    expect(init?.kind).toBe('init');
    expect(init?.kind === 'init' && init.tracks).toEqual([avc, aac]);
  });

  it('with expectedKinds, emits it as soon as those kinds are known', () => {
    const f = new Mp4Fragmenter({ expectedKinds: ['audio'] });
    expect(f.push({ type: 'track', track: aac }).map((c) => c.kind)).toEqual(['init']);
  });

  it('without expectedKinds, a lone track waits for 2 s of packets', () => {
    const events = [{ type: 'track', track: avc } as const, ...stream(3, 25, false)];
    const f = new Mp4Fragmenter();
    const kinds: string[] = [];
    let initAtMs = -1;
    for (const e of events) {
      const out = f.push(e);
      if (out.some((c) => c.kind === 'init') && e.type === 'packet') initAtMs = e.packet.dts;
      kinds.push(...out.map((c) => c.kind));
    }
    expect(initAtMs).toBe(2000);
    // The two complete GOPs before the init go out right behind it.
    expect(kinds).toEqual(['init', 'media', 'media']);
  });

  it('ignores a repeated identical sequence header', () => {
    const chunks = run([
      { type: 'track', track: avc },
      { type: 'track', track: aac },
      ...stream(2),
      { type: 'track', track: { ...avc, config: avc.config.slice() } },
    ]);
    expect(chunks.filter((c) => c.kind === 'init')).toHaveLength(1);
  });
});

describe('Mp4Fragmenter: fragments', () => {
  const events: DemuxEvent[] = [
    { type: 'track', track: avc },
    { type: 'track', track: aac },
    ...stream(3),
  ];
  const chunks = run(events);

  it('cuts one fragment per GOP, each starting with its keyframe', () => {
    const m = media(chunks);
    expect(m.map((c) => c.sequenceNumber)).toEqual([1, 2, 3]);
    expect(m.map((c) => c.startMs)).toEqual([0, 1000, 2000]);
    expect(m.map((c) => c.durationMs)).toEqual([1000, 1000, 1000]);
    expect(m.every((c) => c.startsWithKeyframe && c.referenceTimescale === 90000)).toBe(true);
    expect(m.map((c) => c.earliestPtsMs)).toEqual([80, 1080, 2040]);
    expect(m.map((c) => c.startTicks)).toEqual([0, 90000, 180000]);
  });

  it('puts every packet in exactly once, with dts, pts and keyframe flags intact', () => {
    const bytes = concat(chunks);
    expect(outputRows(bytes, 1, 90000)).toEqual(inputRows(events, 'video'));
    expect(outputRows(bytes, 2, 44100)).toEqual(inputRows(events, 'audio'));
  });

  it('gives each fragment the audio decoded before the next keyframe', () => {
    for (const [i, chunk] of media(chunks).entries()) {
      const audio = outputRows(concat([chunks[0] as Fmp4Chunk, chunk]), 2, 44100);
      expect(audio.length).toBeGreaterThan(0);
      expect(audio.every(([dts]) => Number(dts) >= i * 1000 && Number(dts) < (i + 1) * 1000)).toBe(
        true,
      );
    }
  });

  it('waits for audio that lags behind the keyframe instead of leaving it out', () => {
    const f = new Mp4Fragmenter();
    f.push({ type: 'track', track: avc });
    f.push({ type: 'track', track: aac });
    for (let v = 0; v < 10; v++) f.push(packet('video', v * 40, v === 0));
    f.push(packet('audio', 0, true));
    // Keyframe at 400 ms while the audio is still at 0 ms: not settled yet.
    expect(f.push(packet('video', 400, true))).toEqual([]);
    expect(f.push(packet('audio', 380, true))).toEqual([]);
    const out = f.push(packet('audio', 401, true));
    expect(media(out)).toHaveLength(1);
    const bytes = concat([
      ...run([
        { type: 'track', track: avc },
        { type: 'track', track: aac },
      ]),
      ...out,
    ]);
    expect(outputRows(bytes, 2, 44100).map((r) => r[0])).toEqual([0, 380]);
  });

  it('drops video before the first keyframe', () => {
    const out = run([
      { type: 'track', track: avc },
      packet('video', 0, false),
      packet('video', 40, false),
      packet('video', 80, true),
      packet('video', 120, false),
    ]);
    const rows = outputRows(concat(out), 1, 90000);
    expect(rows.map((r) => r[0])).toEqual([80, 120]);
    expect(media(out)[0]?.startsWithKeyframe).toBe(true);
  });

  it('cuts audio-only streams every audioOnlyFragmentMs, back to back', () => {
    const events: DemuxEvent[] = [{ type: 'track', track: aac }];
    for (let a = 0; a < 200; a++)
      events.push(packet('audio', Math.round((a * 1024000) / 44100), true));
    const m = media(run(events, { expectedKinds: ['audio'], audioOnlyFragmentMs: 700 }));
    expect(m.length).toBe(7);
    for (const [i, c] of m.entries()) {
      expect(c.referenceTimescale).toBe(44100);
      if (i < m.length - 1) {
        expect(c.durationMs).toBeGreaterThanOrEqual(700);
        expect(c.durationMs).toBeLessThan(700 + 24);
        expect(c.startTicks + c.durationTicks).toBe(m[i + 1]?.startTicks);
      }
    }
  });

  it('cuts a GOP longer than maxFragmentMs without a keyframe', () => {
    const m = media(
      run([{ type: 'track', track: avc }, { type: 'track', track: aac }, ...stream(4, 100)], {
        maxFragmentMs: 1000,
      }),
    );
    expect(m.map((c) => c.startsWithKeyframe)).toEqual([true, false, false, false]);
  });
});

describe('Mp4Fragmenter: timestamps', () => {
  it('keeps dts monotonic when timestamps go backwards: no negative durations', () => {
    const out = run([
      { type: 'track', track: aac },
      packet('audio', 100, true),
      packet('audio', 123, true),
      packet('audio', 50, true),
      packet('audio', 170, true),
    ]);
    const read = readFragmentedMp4(concat(out));
    const samples = read.samples.get(1) ?? [];
    expect(samples.map((s) => s.dts)).toEqual([4410, 5424, 5424, 7497]);
    expect(samples.every((s) => s.duration >= 0)).toBe(true);
  });

  it('estimates the last duration: the previous one, else a codec frame', () => {
    const one = readFragmentedMp4(
      concat(run([{ type: 'track', track: aac }, packet('audio', 0, true)])),
    );
    expect(one.samples.get(1)?.map((s) => s.duration)).toEqual([1024]);
    const mp3 = { ...aac, codec: 'mp3' as const, config: new Uint8Array(0) };
    const two = readFragmentedMp4(
      concat(run([{ type: 'track', track: mp3 }, packet('audio', 0, true)])),
    );
    expect(two.samples.get(1)?.map((s) => s.duration)).toEqual([1152]);
    const vid = readFragmentedMp4(
      concat(
        run([{ type: 'track', track: avc }, packet('video', 0, true), packet('video', 33, false)]),
      ),
    );
    expect(vid.samples.get(1)?.map((s) => s.duration)).toEqual([2970, 2970]);
  });

  it('round-trips any increasing millisecond timeline exactly', () => {
    const steps = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 });
    const rate = fc.constantFrom(8000, 11025, 22050, 44100, 48000, 96000);
    fc.assert(
      fc.property(steps, rate, fc.nat(10_000_000), (deltas, sampleRate, start) => {
        const events: DemuxEvent[] = [{ type: 'track', track: { ...aac, sampleRate } }];
        let dts = start;
        for (const d of deltas) events.push(packet('audio', (dts += d), true));
        const out = run(events, { expectedKinds: ['audio'] });
        expect(outputRows(concat(out), 1, sampleRate).map((r) => r[0])).toEqual(
          inputRows(events, 'audio').map((r) => r[0]),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('Mp4Fragmenter: codec changes', () => {
  it('a new video configuration flushes, then starts a new init', () => {
    const avc2 = { ...avc, width: 1280, height: 720, config: new Uint8Array([...avc.config, 0]) };
    const events: DemuxEvent[] = [
      { type: 'track', track: avc },
      { type: 'track', track: aac },
      ...stream(1.2),
      { type: 'track', track: avc2 },
      packet('video', 1240, false),
      packet('video', 1280, true),
      packet('video', 1320, false),
    ];
    const chunks = run(events);
    expect(chunks.map((c) => c.kind)).toEqual(['init', 'media', 'media', 'init', 'media']);
    const last = media(chunks).at(-1);
    expect(last?.startsWithKeyframe).toBe(true);
    expect(last?.sequenceNumber).toBe(3);
    expect(chunks[3]?.kind === 'init' && chunks[3].tracks[0]).toBe(avc2);
  });

  it('a new audio configuration flushes the audio only; the GOP stays whole', () => {
    const aac2 = { ...aac, sampleRate: 48000, config: new Uint8Array([0x11, 0x90]) };
    const events: DemuxEvent[] = [
      { type: 'track', track: avc },
      { type: 'track', track: aac },
      ...stream(1.5),
    ];
    events.push(
      { type: 'track', track: aac2 },
      packet('audio', 1500, true),
      packet('audio', 1521, true),
    );
    events.push(packet('video', 1500, false), packet('video', 1540, false));
    const chunks = run(events);
    expect(chunks.map((c) => c.kind)).toEqual(['init', 'media', 'media', 'init', 'media']);
    const audioOnly = media(chunks)[1];
    expect(audioOnly?.startsWithKeyframe).toBe(true);
    const final = concat([chunks[3] as Fmp4Chunk, chunks[4] as Fmp4Chunk]);
    const video = outputRows(final, 1, 90000);
    expect(video[0]?.[0]).toBe(1000);
    expect(video[0]?.[2]).toBe(true);
    expect(outputRows(final, 2, 48000).map((r) => r[0])).toEqual([1500, 1521]);
  });
});

describe('Mp4Fragmenter: arguments and hostile input', () => {
  it('rejects bad options with InvalidArgumentError', () => {
    for (const bad of [
      { audioOnlyFragmentMs: 0 },
      { maxFragmentMs: -1 },
      { audioOnlyFragmentMs: Number.NaN },
      { expectedKinds: ['text' as 'audio'] },
    ]) {
      expect(() => new Mp4Fragmenter(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('random event sequences only yield chunks or MediaError', () => {
    const track = fc.constantFrom<DemuxEvent>(
      { type: 'track', track: avc },
      { type: 'track', track: aac },
      { type: 'track', track: { ...aac, codec: 'opus', config: new Uint8Array(0) } },
      { type: 'track', track: { ...avc, width: 0 } },
    );
    const pkt = fc
      .record({
        kind: fc.constantFrom('video' as const, 'audio' as const),
        dts: fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.double()),
        cts: fc.integer({ min: -500, max: 500 }),
        keyframe: fc.boolean(),
        timescale: fc.constantFrom(1000, 90000, 0),
        size: fc.nat(8),
      })
      .map((p): DemuxEvent => ({
        type: 'packet',
        packet: { ...p, pts: p.dts + p.cts, data: new Uint8Array(p.size) },
      }));
    const other = fc.constant<DemuxEvent>({
      type: 'script',
      name: 'onMetaData',
      value: {},
      dts: 0,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(track, pkt, pkt, pkt, other), { maxLength: 80 }), (events) => {
        const f = new Mp4Fragmenter();
        try {
          for (const e of events) f.push(e);
          f.flush();
        } catch (e) {
          expect(e).toBeInstanceOf(MediaError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
