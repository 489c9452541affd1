import { FlvDemuxer, readBoxes, readFragmentedMp4 } from '@tidecast/media';
import type { DemuxEvent, MediaPacket } from '@tidecast/media';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveStream } from './live-stream.js';
import type { LiveStreamOptions } from './live-stream.js';
import type { OutputProtocol } from './stream-output.js';
import {
  ManualScheduler,
  RecordingSink,
  aacTrack,
  avcTrack,
  serialOf,
  syntheticPackets,
} from './test-support/hub-fixtures.js';

function demux(bytes: Uint8Array): DemuxEvent[] {
  const d = new FlvDemuxer();
  return [...d.push(bytes), ...d.flush()];
}
const packetsOf = (events: DemuxEvent[]): MediaPacket[] =>
  events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));

let viewerId = 0;
function viewer(stream: LiveStream, protocol: OutputProtocol = 'flv-http') {
  const sink = new RecordingSink();
  const subscription = stream.subscribe({ protocol, id: `v${viewerId++}`, sink });
  return { sink, subscription };
}

function startStream(options: LiveStreamOptions = {}) {
  const scheduler = new ManualScheduler();
  const stream = new LiveStream('live/test', { schedule: scheduler.schedule, ...options });
  stream.attachPublisher('p1');
  stream.setTrack(avcTrack);
  stream.setTrack(aacTrack);
  return { stream, scheduler };
}

function publishAll(stream: LiveStream, scheduler: ManualScheduler, packets: MediaPacket[]): void {
  // Four packets per "turn", as several arrive in one socket read.
  packets.forEach((p, i) => {
    stream.publish(p);
    if (i % 4 === 3) scheduler.run();
  });
  scheduler.run();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveStream', () => {
  it('starts a mid-stream joiner at a keyframe with headers first, then continues live', () => {
    const { stream, scheduler } = startStream();
    const input = syntheticPackets({ seconds: 4 });
    const before = input.filter((p) => p.dts < 2500);
    const after = input.slice(before.length);
    publishAll(stream, scheduler, before);
    const { sink } = viewer(stream);
    publishAll(stream, scheduler, after);
    const events = demux(sink.concat());
    expect(events.filter((e) => e.type === 'error' || e.type === 'warning')).toEqual([]);
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['track', 'track']);
    const got = packetsOf(events);
    expect(got[0]?.kind).toBe('video');
    expect(got[0]?.keyframe).toBe(true);
    expect(got[0]?.dts).toBe(2000);
    // Every packet from that keyframe on, none missing.
    const from = input.indexOf(
      input.find((p) => p.dts === 2000 && p.kind === 'video') as MediaPacket,
    );
    expect(got.map(serialOf)).toEqual(input.slice(from).map(serialOf));
  });

  it('gives every viewer of a format the same Uint8Array instances, batched per turn', () => {
    const { stream, scheduler } = startStream();
    const viewers = (
      ['flv-http', 'flv-ws', 'flv-http', 'rtmp', 'rtmp', 'fmp4-ws', 'fmp4-http'] as const
    ).map((p) => viewer(stream, p));
    const input = syntheticPackets({ seconds: 2 });
    publishAll(stream, scheduler, input);
    const [f1, f2, f3, r1, r2, m1, m2] = viewers.map((v) => v.sink);
    for (const [a, b] of [
      [f1, f2],
      [f1, f3],
      [r1, r2],
      [m1, m2],
    ] as const) {
      expect(a?.writes.length).toBe(b?.writes.length);
      // Join burst apart, each write is the same shared batch for both.
      a?.writes.slice(8).forEach((w, i) => expect(w).toBe(b?.writes[i + 8]));
    }
    // Batching: one write per turn (4 packets) once in sync, not one per packet.
    const turns = Math.ceil(input.length / 4);
    expect(f1?.writes.length).toBeGreaterThan(turns - 2);
    expect(f1?.writes.length).toBeLessThanOrEqual(turns + 8);
    // Different formats are different bytes.
    expect(f1?.writes[5]).not.toBe(r1?.writes[5]);
    const stats = stream.stats();
    expect(stats.viewers).toEqual({
      'flv-http': 2,
      'flv-ws': 1,
      rtmp: 2,
      'fmp4-http': 1,
      'fmp4-ws': 1,
    });
    expect(stats.frames.video).toBe(50);
    expect(stats.video).toMatchObject({ codec: 'avc1.42c01e', width: 640, height: 360 });
    expect(stats.audio).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 44100 });
  });

  it('gives a fast viewer every frame while a stuck one is bounded, then disconnected', () => {
    let now = 0;
    const { stream, scheduler } = startStream({
      now: () => now,
      queue: { maxQueueBytes: 64 * 1024, maxBehindMs: 2000 },
    });
    const fast = viewer(stream);
    const slow = viewer(stream, 'flv-ws');
    slow.sink.stuck = true;
    const input = syntheticPackets({ seconds: 6, videoBytes: 3000 });
    let maxQueued = 0;
    input.forEach((p, i) => {
      now = p.dts;
      stream.publish(p);
      if (i % 4 === 3) scheduler.run();
      if (!slow.sink.closedWith)
        maxQueued = Math.max(maxQueued, slow.subscription.stats().queuedBytes);
    });
    scheduler.run();
    expect(maxQueued).toBeLessThanOrEqual(64 * 1024);
    expect(slow.sink.closedWith).toBe('too-slow');
    expect(fast.sink.closedWith).toBeUndefined();
    expect(packetsOf(demux(fast.sink.concat())).map(serialOf)).toEqual(input.map(serialOf));
    const stats = stream.stats();
    expect(stats.slowDisconnects).toBe(1);
    expect(stats.dropped.frames).toBeGreaterThan(0);
    expect(stats.viewers['flv-ws']).toBe(0);
    expect(stats.bitrateIn).toBeGreaterThan(0);
    expect(stats.video?.fps).toBeCloseTo(25, 0);
  });

  it('keeps viewers across a publisher reconnect within grace, with continuous timestamps', () => {
    vi.useFakeTimers();
    const { stream, scheduler } = startStream({ reconnectGraceMs: 5000 });
    const flv = viewer(stream);
    const mp4 = viewer(stream, 'fmp4-http');
    const first = syntheticPackets({ seconds: 2 });
    publishAll(stream, scheduler, first);
    stream.detachPublisher('p1');
    expect(stream.state).toBe('grace');
    vi.advanceTimersByTime(3000);
    expect(stream.attachPublisher('p2')).toBe(true);
    // The new publisher starts its clock at 0 again, with a changed audio configuration.
    stream.setTrack(avcTrack);
    stream.setTrack({ ...aacTrack, sampleRate: 48000, config: new Uint8Array([0x11, 0x90]) });
    const second = syntheticPackets({ seconds: 2, serialBase: 10_000 });
    publishAll(stream, scheduler, second);
    vi.advanceTimersByTime(10_000);
    expect(flv.sink.closedWith).toBeUndefined();
    expect(stream.stats().reconnects).toBe(1);

    const events = demux(flv.sink.concat());
    expect(events.filter((e) => e.type === 'track').length).toBe(3); // audio re-sent once
    const video = packetsOf(events).filter((p) => p.kind === 'video');
    expect(video.length).toBe(100);
    for (let i = 1; i < video.length; i++) {
      expect((video[i] as MediaPacket).dts - (video[i - 1] as MediaPacket).dts).toBe(40);
    }
    // fMP4: a second init segment announces the new audio; what follows it decodes.
    const bytes = mp4.sink.concat();
    const top = readBoxes(bytes);
    const inits = top.filter((b) => b.type === 'ftyp');
    expect(inits.length).toBe(2);
    const tail = readFragmentedMp4(bytes.subarray(inits[1]?.offset));
    expect(tail.tracks.find((t) => t.kind === 'audio')?.sampleRate).toBe(48000);
    const tailVideo = tail.samples.get(tail.tracks.find((t) => t.kind === 'video')?.trackId ?? 0);
    expect(tailVideo?.length).toBeGreaterThan(45);
  });

  it('ends viewers with end-of-stream when the grace period passes without a publisher', () => {
    vi.useFakeTimers();
    const ended: LiveStream[] = [];
    const { stream, scheduler } = startStream({
      reconnectGraceMs: 5000,
      onEnd: (s) => ended.push(s),
    });
    const a = viewer(stream);
    const b = viewer(stream, 'fmp4-ws');
    publishAll(stream, scheduler, syntheticPackets({ seconds: 1 }));
    stream.detachPublisher('p1');
    vi.advanceTimersByTime(4999);
    expect(a.sink.closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(a.sink.closedWith).toBe('end-of-stream');
    expect(b.sink.closedWith).toBe('end-of-stream');
    expect(stream.state).toBe('ended');
    expect(ended).toEqual([stream]);
    expect(stream.viewerCount).toBe(0);
    // The fMP4 viewer got the frames the fragmenter still held.
    const mp4 = readFragmentedMp4(b.sink.concat());
    const video = mp4.tracks.find((t) => t.kind === 'video');
    expect(mp4.samples.get(video?.trackId ?? 0)?.length).toBe(25);
    expect(stream.attachPublisher('p3')).toBe(false);
  });

  it('honours the GOP cache bounds: a joiner waits for a live keyframe instead', () => {
    for (const gopCache of [{ maxDurationMs: 500 }, { maxBytes: 4000 }]) {
      const { stream, scheduler } = startStream({ gopCache });
      const input = syntheticPackets({ seconds: 3, videoBytes: 200 }); // 1 s GOPs of ~6 kB
      publishAll(
        stream,
        scheduler,
        input.filter((p) => p.dts < 1800),
      );
      const { sink } = viewer(stream);
      expect(stream.stats().gopCache.bytes).toBe(0);
      expect(packetsOf(demux(sink.concat()))).toEqual([]); // headers only
      publishAll(
        stream,
        scheduler,
        input.filter((p) => p.dts >= 1800),
      );
      const video = packetsOf(demux(sink.concat())).filter((p) => p.kind === 'video');
      expect(video[0]?.keyframe).toBe(true);
      expect(video[0]?.dts).toBe(2000);
    }
  });

  it('writes once the turn I/O is done with the default scheduler (one batch for many packets)', async () => {
    const stream = new LiveStream('live/default');
    stream.attachPublisher('p');
    stream.setTrack(avcTrack);
    const { sink } = viewer(stream);
    const written = sink.writes.length;
    const corks = sink.corks;
    for (const p of syntheticPackets({ seconds: 0.4, audio: false })) stream.publish(p);
    expect(sink.writes.length).toBe(written); // nothing yet: same turn
    await Promise.resolve();
    expect(sink.writes.length).toBe(written); // not per callback either: per event-loop turn
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.writes.length).toBe(written + 10);
    expect(sink.corks).toBe(corks + 1);
  });

  it('refuses a second publisher while the first is live', () => {
    const { stream } = startStream();
    expect(stream.attachPublisher('other')).toBe(false);
    expect(stream.publisherId).toBe('p1');
  });

  it('stops packaging a format when its last viewer leaves', () => {
    const { stream, scheduler } = startStream();
    const v = viewer(stream, 'rtmp');
    publishAll(stream, scheduler, syntheticPackets({ seconds: 0.5 }));
    const written = v.sink.writes.length;
    v.subscription.unsubscribe();
    publishAll(stream, scheduler, syntheticPackets({ seconds: 0.5, startMs: 500 }));
    expect(v.sink.writes.length).toBe(written);
    expect(v.sink.closedWith).toBeUndefined();
    expect(stream.stats().viewers.rtmp).toBe(0);
  });
});
