import { Amf0EcmaArray, FlvDemuxer, amf0Properties } from '@tidecast/media';
import type { DemuxEvent, MediaPacket } from '@tidecast/media';
import { describe, expect, it } from 'vitest';
import { FlvPackager } from './flv-packager.js';
import type { StreamChunk } from './stream-output.js';
import { aacTrack, avcTrack, serialOf, syntheticPackets } from './test-support/hub-fixtures.js';

function concat(chunks: readonly StreamChunk[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.length;
  }
  return out;
}

function demux(bytes: Uint8Array): DemuxEvent[] {
  const demuxer = new FlvDemuxer();
  return [...demuxer.push(bytes), ...demuxer.flush()];
}

const packetsOf = (events: DemuxEvent[]): MediaPacket[] =>
  events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));

describe('FlvPackager', () => {
  const metadata = new Amf0EcmaArray({ width: 640, height: 360, videocodecid: 7 });

  it('produces FLV that FlvDemuxer reads back as the input packets', () => {
    const packager = new FlvPackager();
    const input = syntheticPackets({ seconds: 3 });
    const live: StreamChunk[] = [];
    live.push(...packager.setMetadata(metadata));
    live.push(...packager.setTrack(avcTrack), ...packager.setTrack(aacTrack));
    for (const p of input) live.push(...packager.packet(p));
    // A viewer that joined before anything was published: header, then everything live.
    const header = packager.joinChunks()[0];
    expect(header?.kind).toBe('header');
    const events = demux(concat([header as StreamChunk, ...live]));
    expect(events.filter((e) => e.type === 'error' || e.type === 'warning')).toEqual([]);
    const script = events.find((e) => e.type === 'script');
    expect(script?.type === 'script' && amf0Properties(script.value)?.['width']).toBe(640);
    const tracks = events.flatMap((e) => (e.type === 'track' ? [e.track] : []));
    expect(tracks.map((t) => t.codecString)).toEqual(['avc1.42c01e', 'mp4a.40.2']);
    const out = packetsOf(events);
    expect(out.length).toBe(input.length);
    out.forEach((p, i) => {
      const q = input[i] as MediaPacket;
      expect([p.kind, p.dts, p.pts, p.keyframe, serialOf(p)]).toEqual([
        q.kind,
        q.dts,
        q.pts,
        q.keyframe,
        serialOf(q),
      ]);
      expect(p.data).toEqual(q.data);
    });
  });

  it('gives a joiner header, metadata, sequence headers, then the GOP from its keyframe', () => {
    const packager = new FlvPackager();
    packager.setMetadata(metadata);
    packager.setTrack(avcTrack);
    packager.setTrack(aacTrack);
    const input = syntheticPackets({ seconds: 2.5, gop: 25 }); // keyframes at 0, 1000, 2000 ms
    for (const p of input) packager.packet(p);
    const join = packager.joinChunks();
    expect(join.slice(0, 4).map((c) => c.kind)).toEqual(['header', 'header', 'header', 'header']);
    const events = demux(concat(join));
    expect(events.map((e) => e.type).slice(0, 3)).toEqual(['script', 'track', 'track']);
    const out = packetsOf(events);
    const firstVideo = out.find((p) => p.kind === 'video');
    expect(firstVideo?.keyframe).toBe(true);
    expect(firstVideo?.dts).toBe(2000);
    expect(out[0]?.kind).toBe('video'); // no audio older than the keyframe
    const expected = input.filter(
      (p) =>
        p.dts >= 2000 && !(p.kind === 'audio' && serialOf(p) < serialOf(firstVideo as MediaPacket)),
    );
    expect(out.map(serialOf)).toEqual(expected.map(serialOf));
  });

  it('sends a new sequence header when the codec configuration changes, not on repeats', () => {
    const packager = new FlvPackager();
    expect(packager.setTrack(avcTrack).length).toBe(1);
    expect(packager.setTrack({ ...avcTrack }).length).toBe(0);
    const changed = { ...avcTrack, width: 1280, height: 720 };
    const [chunk] = packager.setTrack(changed);
    expect(chunk?.kind).toBe('header');
    // The header flags follow the tracks: video only.
    expect(packager.joinChunks()[0]?.bytes[4]).toBe(1);
  });
});
