import { readFragmentedMp4 } from '@tidecast/media';
import type { Fmp4Sample, MediaPacket } from '@tidecast/media';
import { describe, expect, it } from 'vitest';
import { Fmp4Packager } from './fmp4-packager.js';
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

/** Samples of one kind back in milliseconds, as comparable rows. */
function rows(bytes: Uint8Array, kind: 'video' | 'audio'): [number, number, boolean, number][] {
  const mp4 = readFragmentedMp4(bytes);
  const track = mp4.tracks.find((t) => t.kind === kind);
  if (track === undefined) return [];
  const ms = (t: number): number => Math.round((t * 1000) / track.timescale);
  return (mp4.samples.get(track.trackId) ?? []).map((s: Fmp4Sample) => [
    ms(s.dts),
    ms(s.pts),
    s.keyframe,
    serialOf({ kind, data: s.data }),
  ]);
}

const inputRows = (packets: MediaPacket[], kind: 'video' | 'audio') =>
  packets.filter((p) => p.kind === kind).map((p) => [p.dts, p.pts, p.keyframe, serialOf(p)]);

function feed(
  packets: MediaPacket[],
  withAudio = true,
): { packager: Fmp4Packager; out: StreamChunk[] } {
  const packager = new Fmp4Packager({ expectedKinds: withAudio ? ['video', 'audio'] : ['video'] });
  const out = [...packager.setTrack(avcTrack)];
  if (withAudio) out.push(...packager.setTrack(aacTrack));
  for (const p of packets) out.push(...packager.packet(p));
  return { packager, out };
}

describe('Fmp4Packager', () => {
  it('writes fMP4 that readFragmentedMp4 reads back as the input samples', () => {
    const input = syntheticPackets({ seconds: 3 });
    const { packager, out } = feed(input);
    out.push(...packager.flush());
    expect(out[0]?.kind).toBe('header');
    expect(out.filter((c) => c.kind === 'header').length).toBe(1);
    const bytes = concat(out);
    expect(rows(bytes, 'video')).toEqual(inputRows(input, 'video'));
    expect(rows(bytes, 'audio')).toEqual(inputRows(input, 'audio'));
  });

  it('cuts one fragment per video frame, at most a frame behind the input', () => {
    const input = syntheticPackets({ seconds: 2 });
    const packager = new Fmp4Packager({ expectedKinds: ['video', 'audio'] });
    packager.setTrack(avcTrack);
    packager.setTrack(aacTrack);
    let videoIn = 0;
    let videoOut = 0;
    for (const p of input) {
      if (p.kind === 'video') videoIn++;
      for (const c of packager.packet(p)) if (c.kind === 'video') videoOut++;
      // The newest frame waits for its successor (its duration); one more may wait for audio.
      if (p.kind === 'video') expect(videoOut).toBeGreaterThanOrEqual(videoIn - 2);
    }
    for (const c of packager.flush()) if (c.kind === 'video') videoOut++;
    expect(videoOut).toBe(videoIn);
  });

  it('gives a joiner the init segment, then fragments from the newest keyframe', () => {
    const input = syntheticPackets({ seconds: 2.5 }); // keyframes at 0, 1000, 2000 ms
    const { packager } = feed(input);
    const join = packager.joinChunks();
    expect(join[0]?.kind).toBe('header');
    expect(join[1]?.kind).toBe('video');
    expect(join[1]?.keyframe).toBe(true);
    expect(join[1]?.dtsMs).toBe(2000);
    const video = rows(concat(join), 'video');
    expect(video[0]?.[0]).toBe(2000);
    expect(video[0]?.[2]).toBe(true);
    const audio = rows(concat(join), 'audio');
    expect(audio[0]?.[0]).toBeGreaterThanOrEqual(2000);
  });

  it('labels audio-only fragments as audio (no keyframe), cut every 100 ms', () => {
    const input = syntheticPackets({ seconds: 1, video: false });
    const packager = new Fmp4Packager({ expectedKinds: ['audio'] });
    const out = [...packager.setTrack(aacTrack)];
    for (const p of input) out.push(...packager.packet(p));
    const media = out.filter((c) => c.kind !== 'header');
    expect(media.length).toBeGreaterThanOrEqual(8);
    expect(media.every((c) => c.kind === 'audio' && !c.keyframe)).toBe(true);
    expect(rows(concat(out), 'audio').length).toBe(media.reduce((n, c) => n + c.frames, 0));
  });
});
