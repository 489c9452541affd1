import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AudioCodec, DemuxEvent, MediaPacket, TrackInfo, VideoCodec } from '../types.js';
import type { Fmp4Chunk, Fmp4MediaChunk } from './mp4-fragmenter.js';
import { Mp4Fragmenter } from './mp4-fragmenter.js';
import { buildSidx } from './sidx-writer.js';

/*
 * End-to-end judge: ffmpeg encodes a short clip, ffprobe hands us its packets (with data and
 * extradata), the fragmenter writes init + sidx + fragments, and ffmpeg/ffprobe read it back.
 */

const dir = mkdtempSync(join(tmpdir(), 'tidecast-fmp4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ProbeStream {
  index: number;
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  time_base: string;
  extradata?: string;
}

interface ProbePacket {
  stream_index: number;
  pts?: number;
  dts?: number;
  flags: string;
  data?: string;
}

interface Probe {
  streams: ProbeStream[];
  packets: ProbePacket[];
}

function probe(file: string, withData: boolean): Probe {
  const args = ['-v', 'error', '-show_streams', '-show_packets', '-of', 'json'];
  if (withData) args.push('-show_data');
  const json = execFileSync('ffprobe', [...args, file], { maxBuffer: 1 << 28 }).toString();
  const result = JSON.parse(json) as Probe;
  for (const s of result.streams) expect(s.time_base).toMatch(/^1\/\d+$/);
  return result;
}

/** Bytes of an ffprobe hexdump ("00000000: 0000 02a9 ...  ascii"). */
function hexdump(text: string | undefined): Uint8Array {
  const hex = (text ?? '')
    .split('\n')
    .map((line) => line.slice(10, 49).replace(/ /g, ''))
    .join('');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function ffmpeg(name: string, args: string[]): string {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, file]);
  return file;
}

const VIDEO_CODECS: Record<string, VideoCodec> = { h264: 'avc', hevc: 'hevc', av1: 'av1' };
const AUDIO_CODECS: Record<string, AudioCodec> = { aac: 'aac', mp3: 'mp3', opus: 'opus' };

function trackOf(stream: ProbeStream): TrackInfo {
  const config = hexdump(stream.extradata);
  const timescale = Number(stream.time_base.split('/')[1]);
  const videoCodec = VIDEO_CODECS[stream.codec_name];
  if (videoCodec !== undefined) {
    return {
      kind: 'video',
      codec: videoCodec,
      codecString: stream.codec_name,
      width: stream.width ?? 0,
      height: stream.height ?? 0,
      sarNum: 1,
      sarDen: 1,
      timescale,
      config,
    };
  }
  const audioCodec = AUDIO_CODECS[stream.codec_name];
  if (audioCodec === undefined) throw new Error(`unexpected codec ${stream.codec_name}`);
  return {
    kind: 'audio',
    codec: audioCodec,
    codecString: stream.codec_name,
    sampleRate: Number(stream.sample_rate),
    channels: stream.channels ?? 0,
    timescale,
    config,
  };
}

/** The source as demux events: tracks first, then packets in file order. */
function eventsOf(source: Probe, shiftMs: number): DemuxEvent[] {
  const tracks = new Map(source.streams.map((s) => [s.index, trackOf(s)]));
  const events: DemuxEvent[] = [...tracks.values()].map((track) => ({ type: 'track', track }));
  for (const p of source.packets) {
    const track = tracks.get(p.stream_index);
    if (track === undefined) throw new Error('packet of an unknown stream');
    const shift = (shiftMs * track.timescale) / 1000;
    const pts = (p.pts ?? p.dts ?? 0) + shift;
    const packet: MediaPacket = {
      kind: track.kind,
      dts: (p.dts ?? p.pts ?? 0) + shift,
      pts,
      timescale: track.timescale,
      keyframe: p.flags.startsWith('K'),
      data: hexdump(p.data),
    };
    events.push({ type: 'packet', packet });
  }
  return events;
}

/** Writes init + sidx + media segments the way a VOD file would be laid out. */
function writeFragmented(name: string, chunks: Fmp4Chunk[]): string {
  const init = chunks.filter((c) => c.kind === 'init');
  const media = chunks.filter((c): c is Fmp4MediaChunk => c.kind === 'media');
  expect(init).toHaveLength(1);
  const first = media[0];
  if (first === undefined) throw new Error('no media chunks');
  const sidx = buildSidx({
    referenceId: 1,
    timescale: first.referenceTimescale,
    earliestPresentationTime: first.earliestPtsTicks,
    firstOffset: 0,
    references: media.map((c) => ({
      size: c.bytes.length,
      duration: c.durationTicks,
      startsWithSap: c.startsWithKeyframe,
    })),
  });
  const parts = [init[0]?.bytes ?? new Uint8Array(0), sidx, ...media.map((c) => c.bytes)];
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

function fragment(events: DemuxEvent[], options?: ConstructorParameters<typeof Mp4Fragmenter>[0]) {
  const fragmenter = new Mp4Fragmenter(options);
  const chunks: Fmp4Chunk[] = [];
  for (const event of events) chunks.push(...fragmenter.push(event));
  chunks.push(...fragmenter.flush());
  return chunks;
}

/** Per kind: [dts ms, pts ms, key] of every packet, ordered by dts then pts. */
function timeline(p: Probe, kind: string, shiftMs = 0): [number, number, boolean][] {
  const streams = new Map(p.streams.map((s) => [s.index, s]));
  const rows: [number, number, boolean][] = [];
  for (const packet of p.packets) {
    const s = streams.get(packet.stream_index);
    if (s?.codec_type !== kind) continue;
    const [num, den] = s.time_base.split('/').map(Number) as [number, number];
    const ms = (t: number): number => Math.round((t * 1000 * num) / den);
    const pts = packet.pts ?? packet.dts ?? 0;
    rows.push([ms(packet.dts ?? pts) + shiftMs, ms(pts) + shiftMs, packet.flags.startsWith('K')]);
  }
  return rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function streamParams(p: Probe) {
  return p.streams
    .map((s) => ({
      type: s.codec_type,
      codec: s.codec_name,
      profile: s.profile,
      width: s.width,
      height: s.height,
      sampleRate: s.sample_rate,
      channels: s.channels,
    }))
    .sort((a, b) => a.type.localeCompare(b.type));
}

/** Fragment the source, then let ffmpeg decode the result and ffprobe compare it. */
function roundTrip(source: string, options?: ConstructorParameters<typeof Mp4Fragmenter>[0]) {
  const input = probe(source, true);
  // MP4 decode times cannot be negative (Matroska Opus starts at -pre-skip): move the source
  // timeline to start at 0 and expect the same shift in the output.
  const starts = [...timeline(input, 'video'), ...timeline(input, 'audio')].map(([d, p]) =>
    Math.min(d, p),
  );
  const earliest = Math.min(0, ...starts);
  const shiftMs = -earliest;
  const chunks = fragment(eventsOf(input, shiftMs), options);
  const out = writeFragmented(`${source.split('/').pop() ?? 'x'}.mp4`, chunks);
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 'null', '-']);
  expect(decode.status).toBe(0);
  expect(decode.stderr.toString()).toBe('');
  const output = probe(out, false);
  expect(streamParams(output)).toEqual(streamParams(input));
  for (const kind of ['video', 'audio']) {
    const want = timeline(input, kind, shiftMs);
    expect(timeline(output, kind)).toEqual(want);
  }
  return { input, output, chunks };
}

const video = ['-f', 'lavfi', '-i', 'testsrc=size=192x108:rate=25'];
const tone = (rate: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}`];

describe('Mp4Fragmenter with ffmpeg as the judge', () => {
  it('H.264 with B-frames + AAC from FLV: packets, timestamps and parameters survive', () => {
    const src = ffmpeg('avc-aac.flv', [
      ...video,
      ...tone(44100),
      '-t', '2.2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-profile:v', 'main', '-bf', '2', '-g', '25',
      '-c:a', 'aac', '-ac', '2', '-b:a', '64k',
    ]); // prettier-ignore
    const { input, chunks } = roundTrip(src);
    // The clip really has reordered frames, so composition offsets were exercised.
    expect(timeline(input, 'video').some(([dts, pts]) => pts !== dts)).toBe(true);
    const media = chunks.filter((c): c is Fmp4MediaChunk => c.kind === 'media');
    // 55 frames with a keyframe every 25: three GOPs, three fragments, all starting at a keyframe.
    expect(media.map((c) => c.startsWithKeyframe)).toEqual([true, true, true]);
    expect(media.map((c) => c.startMs)).toEqual([0, 1000, 2000]);
    expect(media.map((c) => c.sequenceNumber)).toEqual([1, 2, 3]);
  });

  it('AAC only, cut into audioOnlyFragmentMs fragments', () => {
    const src = ffmpeg('aac.flv', [...tone(48000), '-t', '2', '-c:a', 'aac', '-ac', '1']);
    const { chunks } = roundTrip(src, { audioOnlyFragmentMs: 500 });
    const media = chunks.filter((c): c is Fmp4MediaChunk => c.kind === 'media');
    expect(media.length).toBeGreaterThanOrEqual(4);
    for (const c of media.slice(0, -1)) expect(c.durationMs).toBeGreaterThanOrEqual(500);
    expect(media.every((c) => c.referenceTimescale === 48000)).toBe(true);
  });

  it('H.264 only', () => {
    const src = ffmpeg('avc.flv', [
      ...video,
      '-t',
      '1.2',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-g',
      '10',
      '-bf',
      '0',
    ]);
    const { chunks } = roundTrip(src);
    expect(chunks.filter((c) => c.kind === 'media')).toHaveLength(3);
  });

  it('MP3 in mp4a (objectTypeIndication 0x6B)', () => {
    const src = ffmpeg('mp3.flv', [...tone(44100), '-t', '1.5', '-c:a', 'libmp3lame', '-ac', '2']);
    roundTrip(src);
  });

  it('Opus from an OpusHead (Matroska) becomes an Opus entry with dOps', () => {
    const src = ffmpeg('opus.mkv', [...tone(48000), '-t', '1.5', '-c:a', 'libopus', '-ac', '2']);
    roundTrip(src);
  });

  it('HEVC (hvc1 + hvcC) with AAC', () => {
    const src = ffmpeg('hevc.mkv', [
      ...video,
      ...tone(44100),
      '-t', '1.2', '-pix_fmt', 'yuv420p', '-c:v', 'libx265', '-x265-params', 'bframes=0:keyint=10:log-level=error',
      '-c:a', 'aac',
    ]); // prettier-ignore
    roundTrip(src);
  });

  it('AV1 (av01 + av1C)', () => {
    const src = ffmpeg('av1.mkv', [
      ...video,
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libsvtav1',
      '-preset',
      '12',
      '-g',
      '10',
    ]);
    roundTrip(src);
  });
});
