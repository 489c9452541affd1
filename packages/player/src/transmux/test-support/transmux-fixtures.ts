import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlvDemuxer, FlvMuxer, fieldsOf, findBoxes, readBoxes } from '@tidecast/media';
import type { MediaPacket, TrackInfo } from '@tidecast/media';
import { afterAll } from 'vitest';
import type { TransmuxOutput } from '../transmux-types.js';
import { Transmuxer } from '../transmuxer.js';
import type { TransmuxOptions } from '../transmux-types.js';

/** A temp dir removed when the test file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function ffmpeg(args: readonly string[]): string {
  return execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs ffmpeg and returns what it printed on stderr (empty when the input is clean). */
export function ffmpegErrors(args: readonly string[]): string {
  try {
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr;
    return `ffmpeg failed: ${stderr?.toString() ?? String(e)}`;
  }
}

/** Same as ffmpegErrors but also collects stderr of a successful run. */
export function decodeErrors(file: string): string {
  const r = execFileSync(
    'sh',
    ['-c', 'ffmpeg -nostdin -v error -i "$1" -f null - 2>&1', 'sh', file],
    { encoding: 'utf8' },
  );
  return r.trim();
}

export interface ProbedFrames {
  video: number;
  audio: number;
  audioPts: number[];
  videoPts: number[];
}

/** Decoded frame counts and timestamps per kind (ffprobe -show_frames). */
export function probeFrames(file: string): ProbedFrames {
  const json = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-of',
      'json',
      '-show_entries',
      'frame=media_type,pts_time',
      '-show_frames',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const frames =
    (JSON.parse(json) as { frames?: Array<{ media_type?: string; pts_time?: string }> }).frames ??
    [];
  const result: ProbedFrames = { video: 0, audio: 0, audioPts: [], videoPts: [] };
  for (const f of frames) {
    const t = Number(f.pts_time);
    if (f.media_type === 'video') {
      result.video++;
      result.videoPts.push(t);
    } else if (f.media_type === 'audio') {
      result.audio++;
      result.audioPts.push(t);
    }
  }
  return result;
}

/** Packet counts per kind as ffprobe sees them in a file, and the audio decode times. */
export function probePackets(file: string): {
  video: number;
  audio: number;
  audioDts: number[];
  firstVideoDts: number;
} {
  const json = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-of',
      'json',
      '-show_entries',
      'packet=codec_type,dts_time',
      '-show_packets',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const packets =
    (JSON.parse(json) as { packets?: Array<{ codec_type?: string; dts_time?: string }> }).packets ??
    [];
  const video = packets.filter((p) => p.codec_type === 'video');
  const audio = packets.filter((p) => p.codec_type === 'audio');
  return {
    video: video.length,
    audio: audio.length,
    audioDts: audio.map((p) => Number(p.dts_time)),
    firstVideoDts: Number(video[0]?.dts_time ?? NaN),
  };
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** A seeded PRNG (mulberry32) so chunk splits are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds `bytes` in random pieces (1..maxChunk bytes), then flushes; returns every output. */
export function transmuxChunked(
  bytes: Uint8Array,
  options: TransmuxOptions,
  seed: number,
  maxChunk = 4096,
): TransmuxOutput[] {
  const t = new Transmuxer(options);
  const random = rng(seed);
  const out: TransmuxOutput[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(random() * maxChunk);
    out.push(...t.push(bytes.subarray(at, at + n)));
    at += n;
  }
  out.push(...t.flush());
  return out;
}

/** Writes the init segment and every media segment back to back, as MSE would see them. */
export function writeMp4(file: string, outputs: readonly TransmuxOutput[]): void {
  const parts: Uint8Array[] = [];
  for (const o of outputs) if (o.type === 'init' || o.type === 'segment') parts.push(o.bytes);
  writeFileSync(file, Buffer.concat(parts));
}

export type Segment = Extract<TransmuxOutput, { type: 'segment' }>;

export function segmentsOf(outputs: readonly TransmuxOutput[]): Segment[] {
  return outputs.filter((o): o is Segment => o.type === 'segment');
}

/** For each moof in `bytes`, the track_IDs of its trafs (14496-12 8.8.4, tfhd 8.8.7). */
export function moofTrackIds(bytes: Uint8Array): number[][] {
  return findBoxes(readBoxes(bytes), 'moof').map((moof) =>
    findBoxes(moof.children ?? [], 'traf/tfhd').map((b) => fieldsOf(b, 'tfhd')?.trackId ?? -1),
  );
}

/** A demuxed FLV as a list of track and packet events (script data dropped). */
export type FlvItem = { type: 'track'; track: TrackInfo } | { type: 'packet'; packet: MediaPacket };

export function demuxFlv(bytes: Uint8Array): FlvItem[] {
  const items: FlvItem[] = [];
  for (const e of [...new FlvDemuxer().push(bytes)]) {
    if (e.type === 'track') items.push({ type: 'track', track: e.track });
    else if (e.type === 'packet')
      items.push({ type: 'packet', packet: { ...e.packet, data: e.packet.data.slice() } });
  }
  return items;
}

/** FLV bytes for `items`, written with FlvMuxer. */
export function muxFlv(items: readonly FlvItem[]): Uint8Array {
  const muxer = new FlvMuxer();
  const hasVideo = items.some((i) => i.type === 'track' && i.track.kind === 'video');
  const hasAudio = items.some((i) => i.type === 'track' && i.track.kind === 'audio');
  const parts: Uint8Array[] = [muxer.header({ hasVideo, hasAudio })];
  const tracks: Partial<Record<'video' | 'audio', TrackInfo>> = {};
  for (const item of items) {
    if (item.type === 'track') {
      tracks[item.track.kind] = item.track;
      const tag = muxer.sequenceHeader(item.track);
      if (tag !== undefined) parts.push(tag);
    } else {
      const track = tracks[item.packet.kind];
      if (track !== undefined) parts.push(muxer.packet(item.packet, track));
    }
  }
  return Buffer.concat(parts);
}
