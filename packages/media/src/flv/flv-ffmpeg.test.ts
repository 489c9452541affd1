import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Amf0EcmaArray, amf0Properties } from '../amf/amf0-types.js';
import type { Amf0Value } from '../amf/amf0-types.js';
import {
  audioTrackFromOpusHead,
  videoTrackFromAv1C,
  videoTrackFromHvcC,
} from '../codecs/track-config.js';
import type { AudioTrack, DemuxEvent, MediaPacket, TrackInfo, VideoTrack } from '../types.js';
import { FlvDemuxer } from './flv-demuxer.js';
import { FlvMuxer } from './flv-muxer.js';
import type { FlvMuxerOptions } from './flv-muxer.js';

/*
 * ffmpeg / ffprobe 5.1 as the external judge: files ffmpeg writes must demux to exactly what
 * ffprobe reports, and files we write must be read by ffmpeg without complaint. ffmpeg 5.1
 * cannot read Enhanced RTMP FLV, so HEVC / AV1 / Opus are checked by muxing real encoder output
 * with our muxer and demuxing it with our demuxer.
 */

interface ProbePacket {
  codec_type: string;
  pts: number;
  dts: number;
  size: string;
  flags: string;
  data?: string;
}

interface ProbeStream {
  codec_type: string;
  time_base: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  extradata?: string;
}

let dir = '';

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { stdio: 'pipe' });
}

function probe(file: string, withData = false): { packets: ProbePacket[]; streams: ProbeStream[] } {
  const args = ['-v', 'error', '-show_packets', '-show_streams', '-of', 'json'];
  if (withData) args.push('-show_data');
  const out = execFileSync('ffprobe', [...args, file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as { packets: ProbePacket[]; streams: ProbeStream[] };
}

/** ffprobe -show_data hexdump ("00000000: 0011 2233 ...  ascii") back to bytes. */
function hexdump(text: string | undefined): Uint8Array {
  const bytes: number[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line.length < 10) continue;
    const hex = line.slice(10, 50).replace(/\s+/g, '');
    for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  }
  return Uint8Array.from(bytes);
}

function demux(bytes: Uint8Array): DemuxEvent[] {
  const d = new FlvDemuxer();
  return [...d.push(bytes), ...d.flush()];
}

function packetsOf(events: DemuxEvent[], kind: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) => (e.type === 'packet' && e.packet.kind === kind ? [e.packet] : []));
}

function tracksOf(events: DemuxEvent[]): TrackInfo[] {
  return events.flatMap((e) => (e.type === 'track' ? [e.track] : []));
}

function problems(events: DemuxEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'warning' || e.type === 'error' ? [`${e.type}: ${e.error.message}`] : [],
  );
}

/** Our packets against ffprobe's for one media type. */
function expectSamePackets(ours: MediaPacket[], theirs: ProbePacket[]): void {
  expect(ours.length).toBe(theirs.length);
  expect(ours.length).toBeGreaterThan(10);
  ours.forEach((p, i) => {
    const t = theirs[i];
    expect(p.dts, `packet ${i} dts`).toBe(t?.dts);
    expect(p.pts, `packet ${i} pts`).toBe(t?.pts);
    expect(p.keyframe, `packet ${i} keyframe`).toBe(t?.flags.startsWith('K'));
    expect(p.data.length, `packet ${i} size`).toBe(Number(t?.size));
  });
}

/** Re-mux demuxed events with our muxer, in the same order. */
function remux(events: DemuxEvent[], options?: FlvMuxerOptions): Uint8Array {
  const muxer = new FlvMuxer(options);
  const tracks = tracksOf(events);
  const parts: Uint8Array[] = [
    muxer.header({
      hasVideo: tracks.some((t) => t.kind === 'video'),
      hasAudio: tracks.some((t) => t.kind === 'audio'),
    }),
  ];
  let video: TrackInfo | undefined;
  let audio: TrackInfo | undefined;
  for (const e of events) {
    if (e.type === 'script') parts.push(muxer.script(e.name, e.value as Amf0Value, e.dts));
    if (e.type === 'track') {
      if (e.track.kind === 'video') video = e.track;
      else audio = e.track;
      const tag = muxer.sequenceHeader(e.track);
      if (tag !== undefined) parts.push(tag);
    }
    if (e.type === 'packet') {
      const track = e.packet.kind === 'video' ? video : audio;
      if (track === undefined) throw new Error('packet before track');
      parts.push(muxer.packet(e.packet, track));
    }
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** ffmpeg decodes the whole file; returns what it printed (nothing when the file is clean). */
function ffmpegDecodeErrors(file: string): string {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  return `${r.stderr}`.trim() + (r.status === 0 ? '' : ` (exit ${r.status})`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-flv-'));
  const video = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'];
  ffmpeg([
    ...video,
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-bf',
      '2',
      '-g',
      '25',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
    ],
    ...['-f', 'flv', join(dir, 'avc-aac.flv')],
  ]);
  ffmpeg([
    ...video,
    ...['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100', '-ac', '2', '-t', '1'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-bf',
      '3',
      '-g',
      '12',
      '-c:a',
      'libmp3lame',
      '-ar',
      '44100',
    ],
    ...['-f', 'flv', join(dir, 'avc-mp3.flv')],
  ]);
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['avc-aac.flv', 'aac'],
  ['avc-mp3.flv', 'mp3'],
])('ffmpeg-made %s', (name, audioCodec) => {
  it('demuxes to exactly the packets ffprobe reports', () => {
    const file = join(dir, name);
    const events = demux(new Uint8Array(readFileSync(file)));
    const { packets, streams } = probe(file);
    expect(problems(events)).toEqual([]);
    expectSamePackets(
      packetsOf(events, 'video'),
      packets.filter((p) => p.codec_type === 'video'),
    );
    expectSamePackets(
      packetsOf(events, 'audio'),
      packets.filter((p) => p.codec_type === 'audio'),
    );
    // B-frames really are there, so pts != dts is exercised.
    expect(packetsOf(events, 'video').some((p) => p.pts !== p.dts)).toBe(true);

    const tracks = tracksOf(events);
    expect(tracks.map((t) => t.codec).sort()).toEqual([audioCodec, 'avc'].sort());
    const v = tracks.find((t): t is VideoTrack => t.kind === 'video');
    const a = tracks.find((t): t is AudioTrack => t.kind === 'audio');
    const vs = streams.find((s) => s.codec_type === 'video');
    const as = streams.find((s) => s.codec_type === 'audio');
    expect([v?.width, v?.height]).toEqual([vs?.width, vs?.height]);
    expect([a?.sampleRate, a?.channels]).toEqual([Number(as?.sample_rate), as?.channels]);

    const script = events.find((e) => e.type === 'script');
    expect(script?.type === 'script' && script.name).toBe('onMetaData');
    const meta = script?.type === 'script' ? amf0Properties(script.value as Amf0Value) : undefined;
    expect(meta?.['width']).toBe(320);
    expect(meta?.['height']).toBe(240);
  });

  it('round-trips through our muxer, and ffmpeg reads the result cleanly', () => {
    const source = join(dir, name);
    const first = demux(new Uint8Array(readFileSync(source)));
    const muxed = remux(first);
    const out = join(dir, `ours-${name}`);
    writeFileSync(out, muxed);

    const second = demux(muxed);
    expect(problems(second)).toEqual([]);
    expect(tracksOf(second)).toEqual(tracksOf(first));
    expect(packetsOf(second, 'video')).toEqual(packetsOf(first, 'video'));
    expect(packetsOf(second, 'audio')).toEqual(packetsOf(first, 'audio'));

    expect(ffmpegDecodeErrors(out)).toBe('');
    const theirs = probe(source).packets;
    const ours = probe(out).packets;
    const key = (p: ProbePacket): string =>
      `${p.codec_type} ${p.dts} ${p.pts} ${p.size} ${p.flags}`;
    expect(ours.map(key)).toEqual(theirs.map(key));
  });
});

/** Packets of an ffprobe'd file as MediaPackets in its stream time base, shifted to start >= 0. */
function probedPackets(
  file: string,
  kind: 'video' | 'audio',
): { packets: MediaPacket[]; stream: ProbeStream } {
  const { packets, streams } = probe(file, true);
  const stream = streams.find((s) => s.codec_type === kind);
  if (stream === undefined) throw new Error(`no ${kind} stream in ${file}`);
  const timescale = Number(stream.time_base.split('/')[1]);
  const mine = packets.filter((p) => p.codec_type === kind);
  const shift = -Math.min(0, ...mine.map((p) => p.dts), ...mine.map((p) => p.pts));
  return {
    stream,
    packets: mine.map((p) => ({
      kind,
      dts: p.dts + shift,
      pts: p.pts + shift,
      timescale,
      keyframe: p.flags.startsWith('K'),
      data: hexdump(p.data),
    })),
  };
}

function muxAndDemux(
  track: TrackInfo,
  packets: MediaPacket[],
  options?: FlvMuxerOptions,
): DemuxEvent[] {
  const muxer = new FlvMuxer(options);
  const head = muxer.header({ hasVideo: track.kind === 'video', hasAudio: track.kind === 'audio' });
  const seq = muxer.sequenceHeader(track);
  const parts = [
    head,
    ...(seq === undefined ? [] : [seq]),
    ...packets.map((p) => muxer.packet(p, track)),
  ];
  return demux(concat(parts));
}

function expectMsPackets(events: DemuxEvent[], source: MediaPacket[]): void {
  const ours = packetsOf(events, source[0]?.kind ?? 'video');
  expect(ours.length).toBe(source.length);
  ours.forEach((p, i) => {
    const s = source[i];
    if (s === undefined) throw new Error('missing source packet');
    const ms = (t: number): number => Math.round((t * 1000) / s.timescale);
    expect(p.timescale).toBe(1000);
    expect([p.dts, p.pts, p.keyframe]).toEqual([ms(s.dts), ms(s.pts), s.keyframe]);
    expect(p.data).toEqual(s.data);
  });
}

describe('Enhanced RTMP paths with real encoder output', () => {
  it.each([[{}], [{ hevcLegacyCodecId12: true }]])(
    'HEVC from libx265 survives mux + demux (%o)',
    (options) => {
      const file = join(dir, 'hevc.mp4');
      ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-t', '1'],
        ...[
          '-c:v',
          'libx265',
          '-preset',
          'ultrafast',
          '-x265-params',
          'log-level=none:bframes=2',
          '-f',
          'mp4',
          file,
        ],
      ]);
      const { packets, stream } = probedPackets(file, 'video');
      const track = videoTrackFromHvcC(hexdump(stream.extradata), 1000);
      const events = muxAndDemux(track, packets, options);
      expect(problems(events)).toEqual([]);
      expect(tracksOf(events)).toEqual([track]);
      expect([track.codec, track.width, track.height]).toEqual(['hevc', 160, 120]);
      expect(packets.some((p) => p.pts !== p.dts)).toBe(true);
      expectMsPackets(events, packets);
    },
  );

  it('AV1 from libsvtav1 survives mux + demux', () => {
    const file = join(dir, 'av1.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-t', '0.4'],
      ...['-c:v', 'libsvtav1', '-preset', '12', '-f', 'mp4', file],
    ]);
    const { packets, stream } = probedPackets(file, 'video');
    const track = videoTrackFromAv1C(hexdump(stream.extradata), 1000);
    const events = muxAndDemux(track, packets);
    expect(problems(events)).toEqual([]);
    expect(tracksOf(events)).toEqual([track]);
    expect([track.codec, track.width, track.height]).toEqual(['av1', 160, 120]);
    expectMsPackets(events, packets);
  });

  it('Opus from libopus survives mux + demux, and the sequence header is the OpusHead', () => {
    const file = join(dir, 'opus.ogg');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-ac', '2', '-t', '1'],
      ...['-c:a', 'libopus', '-f', 'ogg', file],
    ]);
    const { packets, stream } = probedPackets(file, 'audio');
    const opusHead = hexdump(stream.extradata);
    const track = audioTrackFromOpusHead(opusHead, 48000);
    const seq = new FlvMuxer().sequenceHeader(track);
    // Tag header 11 bytes, ExAudioTagHeader 1 byte + FourCC, then OpusHead, then PreviousTagSize.
    expect(seq?.subarray(16, (seq.length ?? 0) - 4)).toEqual(opusHead);
    const events = muxAndDemux(track, packets);
    expect(problems(events)).toEqual([]);
    expect(tracksOf(events)).toEqual([{ ...track, timescale: 1000 }]);
    expectMsPackets(
      events,
      packets.map((p) => ({ ...p, keyframe: true })),
    );
  });
});

describe('script data', () => {
  it('onMetaData written by our muxer reads back, and ffmpeg accepts it', () => {
    const muxer = new FlvMuxer();
    const meta = new Amf0EcmaArray({ duration: 0, width: 320, height: 240, encoder: 'tidecast' });
    const source = demux(new Uint8Array(readFileSync(join(dir, 'avc-aac.flv'))));
    const bytes = concat([
      remux(source).subarray(0, 13),
      muxer.script('onMetaData', meta),
      remux(source).subarray(13),
    ]);
    const events = demux(bytes);
    const script = events.find((e) => e.type === 'script');
    expect(script?.type === 'script' ? script.value : undefined).toEqual(meta);
    const out = join(dir, 'meta.flv');
    writeFileSync(out, bytes);
    expect(ffmpegDecodeErrors(out)).toBe('');
  });
});
