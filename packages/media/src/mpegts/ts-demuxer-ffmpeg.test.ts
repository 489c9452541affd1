import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { joinLengthPrefixed, splitAnnexB } from '../codecs/h264/annexb.js';
import { ffmpeg, ffprobe, hexdumpBytes, readBytes, useTempDir } from '../test-support/ffmpeg.js';
import type { AudioTrack, DemuxEvent, MediaPacket, TrackInfo, VideoTrack } from '../types.js';
import { TsDemuxer } from './ts-demuxer.js';

/*
 * ffmpeg writes the transport streams, ffprobe says what is in them: our packets must have the
 * same count, timestamps and keyframes, audio frames the same sizes, video the same NAL units.
 */

interface ProbePacket {
  codec_type: string;
  pts: number;
  dts: number;
  size: string;
  flags: string;
  data?: string;
}

const dir = useTempDir('tidecast-tsdemux-');
const files: Record<string, Uint8Array> = {};
const video = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25'];
const sine = (rate: number): string[] => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=440:sample_rate=${rate}`,
];
const quietX265 = ['-x265-params', 'log-level=none'];

function make(name: string, args: string[]): void {
  const file = join(dir, name);
  ffmpeg([...args, '-f', 'mpegts', file]);
  files[name] = readBytes(file);
}

beforeAll(() => {
  make('avc-aac.ts', [
    ...video,
    ...sine(48000),
    '-t',
    '2',
    '-c:v',
    'libx264',
    '-bf',
    '2',
    '-g',
    '25',
    '-c:a',
    'aac',
  ]);
  make('hevc.ts', [...video, '-t', '1', '-c:v', 'libx265', ...quietX265, '-g', '10']);
  make('mp3.ts', [...video, ...sine(48000), '-t', '1', '-c:v', 'libx264', '-c:a', 'libmp3lame']);
  make('opus.ts', [...sine(48000), '-t', '1', '-ac', '2', '-c:a', 'libopus', '-b:a', '48k']);
  make('aac441.ts', [...sine(44100), '-t', '1', '-c:a', 'aac']);
  // 95442 s is 0.32 s before 2^33 / 90 kHz: the stream wraps early on.
  make('wrap.ts', [
    ...video,
    ...sine(48000),
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-g',
    '10',
    '-c:a',
    'aac',
    '-output_ts_offset',
    '95442',
  ]);
});

function demux(bytes: Uint8Array): DemuxEvent[] {
  const d = new TsDemuxer();
  return [...d.push(bytes), ...d.flush()];
}

function probe(name: string, withData = false): ProbePacket[] {
  const args = ['-show_packets', ...(withData ? ['-show_data'] : [])];
  return ffprobe<{ packets: ProbePacket[] }>(join(dir, name), args).packets;
}

function packets(events: DemuxEvent[], kind: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) => (e.type === 'packet' && e.packet.kind === kind ? [e.packet] : []));
}

function tracks(events: DemuxEvent[]): TrackInfo[] {
  return events.flatMap((e) => (e.type === 'track' ? [e.track] : []));
}

function problems(events: DemuxEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'warning' || e.type === 'error' ? [e.error.message] : [],
  );
}

/** Our [pts, dts, keyframe] per packet against ffprobe's, `shift` ticks apart. */
function expectSameTiming(ours: MediaPacket[], theirs: ProbePacket[], shift = 0): void {
  expect(ours.length).toBe(theirs.length);
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.map((p) => [p.pts - shift, p.dts - shift, p.keyframe])).toEqual(
    theirs.map((p) => [p.pts, p.dts, p.flags.includes('K')]),
  );
  for (const p of ours) expect(p.timescale).toBe(90000);
}

/** The same bytes split at `cuts` (positions sorted, duplicates harmless). */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

describe('TsDemuxer against ffmpeg/ffprobe', () => {
  it('H.264 with B-frames + AAC: timing, keyframes, NAL units and frame sizes match', () => {
    const events = demux(files['avc-aac.ts'] ?? new Uint8Array(0));
    expect(problems(events)).toEqual([]);
    const probed = probe('avc-aac.ts', true);
    const probedVideo = probed.filter((p) => p.codec_type === 'video');
    const probedAudio = probed.filter((p) => p.codec_type === 'audio');
    const ourVideo = packets(events, 'video');
    expectSameTiming(ourVideo, probedVideo);
    expect(ourVideo.some((p) => p.pts !== p.dts)).toBe(true); // B-frames really are there
    // Video data: ffprobe's Annex B access unit without AUD/SPS/PPS, with 4-byte lengths.
    ourVideo.forEach((p, i) => {
      const units = splitAnnexB(hexdumpBytes(probedVideo[i]?.data)).filter(
        (nal) => ![7, 8, 9].includes((nal[0] ?? 0) % 32),
      );
      expect(p.data).toEqual(joinLengthPrefixed(units, 4));
    });
    const ourAudio = packets(events, 'audio');
    expectSameTiming(ourAudio, probedAudio);
    // ffprobe's AAC packets are whole ADTS frames; ours are the raw blocks after the 7-byte header.
    expect(ourAudio.map((p) => p.data.length)).toEqual(probedAudio.map((p) => Number(p.size) - 7));
    const [v, a] = tracks(events) as [VideoTrack, AudioTrack];
    expect(tracks(events)).toHaveLength(2);
    expect(v).toMatchObject({ codec: 'avc', width: 160, height: 120, timescale: 90000 });
    expect(a).toMatchObject({
      codec: 'aac',
      codecString: 'mp4a.40.2',
      sampleRate: 48000,
      channels: 1,
    });
    // Each track is announced before its first packet.
    const firstOf = (kind: string): number =>
      events.findIndex((e) => e.type === 'packet' && e.packet.kind === kind);
    expect(events.findIndex((e) => e.type === 'track' && e.track.kind === 'video')).toBeLessThan(
      firstOf('video'),
    );
    expect(events.findIndex((e) => e.type === 'track' && e.track.kind === 'audio')).toBeLessThan(
      firstOf('audio'),
    );
  });

  it('gives the same events for any split of the input', () => {
    const bytes = files['avc-aac.ts'] ?? new Uint8Array(0);
    const whole = demux(bytes);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const d = new TsDemuxer();
        const events = pieces(bytes, cuts).flatMap((p) => d.push(p));
        expect([...events, ...d.flush()]).toEqual(whole);
      }),
      { numRuns: 15 },
    );
    // Byte-sized pushes of the first part: the worst case for every reassembly path.
    const head = bytes.subarray(0, 188 * 60);
    const d = new TsDemuxer();
    const events = Array.from(head, (_, i) => d.push(head.subarray(i, i + 1))).flat();
    expect([...events, ...d.flush()]).toEqual(demux(head));
  });

  it('H.265: timing and keyframes (IRAP) match, the hvcC track comes first', () => {
    const events = demux(files['hevc.ts'] ?? new Uint8Array(0));
    expect(problems(events)).toEqual([]);
    expectSameTiming(packets(events, 'video'), probe('hevc.ts'));
    expect(tracks(events)).toMatchObject([
      { kind: 'video', codec: 'hevc', width: 160, height: 120 },
    ]);
    expect(events[0]?.type).toBe('track');
    expect(packets(events, 'video').filter((p) => p.keyframe).length).toBeGreaterThan(1);
  });

  it('MP3: one packet per frame, header included, with ffprobe timing and sizes', () => {
    const events = demux(files['mp3.ts'] ?? new Uint8Array(0));
    expect(problems(events)).toEqual([]);
    const probed = probe('mp3.ts').filter((p) => p.codec_type === 'audio');
    const ours = packets(events, 'audio');
    expectSameTiming(ours, probed);
    expect(ours.map((p) => p.data.length)).toEqual(probed.map((p) => Number(p.size)));
    expect(ours.every((p) => p.data[0] === 0xff)).toBe(true);
    expect(tracks(events).find((t) => t.kind === 'audio')).toMatchObject({
      codec: 'mp3',
      sampleRate: 48000,
    });
  });

  it('Opus: control headers stripped, one packet per Opus packet, stereo track', () => {
    const events = demux(files['opus.ts'] ?? new Uint8Array(0));
    expect(problems(events)).toEqual([]);
    const probed = probe('opus.ts');
    const ours = packets(events, 'audio');
    expectSameTiming(ours, probed);
    expect(ours.map((p) => p.data.length)).toEqual(probed.map((p) => Number(p.size)));
    expect(tracks(events)).toMatchObject([{ codec: 'opus', channels: 2, sampleRate: 48000 }]);
  });

  it('AAC at 44.1 kHz: frame times are the PES time plus exact frame durations', () => {
    const events = demux(files['aac441.ts'] ?? new Uint8Array(0));
    const ours = packets(events, 'audio');
    const probed = probe('aac441.ts');
    expect(ours.length).toBe(probed.length);
    // ffmpeg rounds each 1024-sample duration to 2090 ticks; we round the sum (2089.8 each).
    ours.forEach((p, i) =>
      expect(Math.abs(p.pts - (probed[i]?.pts ?? NaN))).toBeLessThanOrEqual(4),
    );
    expect(ours.filter((p, i) => p.pts === probed[i]?.pts).length).toBeGreaterThan(
      ours.length / 10,
    );
  });

  it('unwraps the 33-bit clock: a monotonic timeline past 2^33', () => {
    const events = demux(files['wrap.ts'] ?? new Uint8Array(0));
    expect(problems(events)).toEqual([]);
    const probed = probe('wrap.ts');
    const v = packets(events, 'video');
    const a = packets(events, 'audio');
    // ffprobe moves the part before the wrap below 0; we move the part after it above 2^33.
    expectSameTiming(
      v,
      probed.filter((p) => p.codec_type === 'video'),
      2 ** 33,
    );
    expectSameTiming(
      a,
      probed.filter((p) => p.codec_type === 'audio'),
      2 ** 33,
    );
    expect(v[0]?.dts).toBeLessThan(2 ** 33);
    expect(v[v.length - 1]?.dts).toBeGreaterThan(2 ** 33);
    for (const list of [v, a]) {
      for (let i = 1; i < list.length; i++)
        expect(list[i]?.dts).toBeGreaterThan(list[i - 1]?.dts ?? 0);
    }
  });
});
