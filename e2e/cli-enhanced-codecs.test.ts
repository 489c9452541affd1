import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FlvMuxer,
  audioTrackFromAsc,
  audioTrackFromOpusHead,
  opusHeadFromDops,
  readFragmentedMp4,
  videoTrackFromAv1C,
  videoTrackFromHvcC,
} from '@tidecast/media';
import type { Fmp4TrackInfo, MediaPacket, TrackInfo } from '@tidecast/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromFfprobe, timelineOf } from './support/compare-packets.js';
import { ffmpegDecodeErrors, probeWithFfprobe, runCommand } from './support/ffprobe.js';
import { runTidecast } from './support/tidecast-cli.js';

/**
 * ffmpeg 5.1 cannot write HEVC, AV1 or Opus into FLV, so these files are made the other way
 * round: ffmpeg encodes an MP4, our MP4 reader takes its samples, our FLV muxer writes Enhanced
 * RTMP FLV, and then `tidecast probe` / `tidecast remux` must carry every sample through to an
 * MP4 that ffmpeg decodes with the same packets as its own.
 */
const CASES = [
  {
    name: 'hevc-opus',
    args: [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'log-level=error:bframes=2:keyint=15',
      '-c:a',
      'libopus',
      '-b:a',
      '64k',
    ],
    video: 'hevc',
    audio: 'opus',
  },
  {
    name: 'av1-aac',
    args: ['-c:v', 'libsvtav1', '-preset', '12', '-g', '15', '-c:a', 'aac', '-b:a', '96k'],
    video: 'av1',
    audio: 'aac',
  },
  {
    name: 'hevc-legacy-id12-aac',
    args: [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'log-level=error:keyint=15',
      '-c:a',
      'aac',
    ],
    video: 'hevc',
    audio: 'aac',
    legacy: true,
  },
] as const;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-enhanced-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function trackInfo(t: Fmp4TrackInfo): TrackInfo {
  const config = t.config ?? new Uint8Array();
  switch (t.codec) {
    case 'hvc1':
    case 'hev1':
      return videoTrackFromHvcC(config, 1000);
    case 'av01':
      return videoTrackFromAv1C(config, 1000);
    case 'Opus':
      return audioTrackFromOpusHead(opusHeadFromDops(config), 1000);
    case 'mp4a':
      return audioTrackFromAsc(config, 1000);
    default:
      throw new Error(`unexpected codec ${t.codec}`);
  }
}

/** Our FLV of the MP4's samples, interleaved by decode time as a live muxer would send them. */
function flvFromMp4(bytes: Uint8Array, legacy: boolean): Uint8Array {
  const mp4 = readFragmentedMp4(bytes);
  const muxer = new FlvMuxer({ hevcLegacyCodecId12: legacy });
  const parts: Uint8Array[] = [muxer.header({ hasVideo: true, hasAudio: true })];
  const packets: { packet: MediaPacket; track: TrackInfo }[] = [];
  for (const t of mp4.tracks) {
    if (t.kind === 'other') continue;
    const track = trackInfo(t);
    const header = muxer.sequenceHeader(track, 0);
    if (header !== undefined) parts.push(header);
    for (const s of mp4.samples.get(t.trackId) ?? []) {
      const ms = (ticks: number) => Math.round((ticks * 1000) / t.timescale);
      packets.push({
        track,
        packet: {
          kind: t.kind,
          dts: ms(s.dts),
          pts: ms(s.pts),
          timescale: 1000,
          keyframe: s.keyframe,
          data: s.data,
        },
      });
    }
  }
  packets.sort((a, b) => a.packet.dts - b.packet.dts);
  for (const { packet, track } of packets) parts.push(muxer.packet(packet, track));
  return Buffer.concat(parts);
}

describe('Enhanced RTMP codecs through probe and remux', () => {
  it.each(CASES)('$name: every sample survives FLV -> fMP4 and ffmpeg decodes it', async (c) => {
    const source = join(dir, `${c.name}.mp4`);
    const made = await runCommand(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=192x108:rate=30:duration=1',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:sample_rate=48000:duration=1',
        ...c.args,
        '-use_editlist',
        '0',
        '-pix_fmt',
        'yuv420p',
        source,
      ],
      { timeoutMs: 120_000 },
    );
    expect(made.exitCode, made.stderr).toBe(0);
    const flv = join(dir, `${c.name}.flv`);
    await writeFile(flv, flvFromMp4(new Uint8Array(await readFile(source)), 'legacy' in c));

    const probed = await runTidecast(['probe', flv, '--tracks-only']);
    expect(probed.exitCode).toBe(0);
    const report = JSON.parse(probed.stdout) as {
      tracks: { codec: string; codecString: string }[];
    };
    expect(report.tracks.map((t) => t.codec).sort()).toEqual([c.audio, c.video].sort());

    const out = join(dir, `${c.name}.out.mp4`);
    const remuxed = await runTidecast(['remux', flv, out]);
    expect(remuxed.stderr).toBe('');
    expect(remuxed.exitCode).toBe(0);
    expect(await ffmpegDecodeErrors(out)).toBe('');
    const [src, dst] = await Promise.all([probeWithFfprobe(source), probeWithFfprobe(out)]);
    expect(
      dst.streams.map((s) => [s.codecName, s.width, s.height, s.sampleRate, s.channels]).sort(),
    ).toEqual(
      src.streams.map((s) => [s.codecName, s.width, s.height, s.sampleRate, s.channels]).sort(),
    );
    for (const kind of ['video', 'audio'] as const) {
      const a = timelineOf(fromFfprobe(src.packets), kind);
      const b = timelineOf(fromFfprobe(dst.packets), kind);
      expect(b.size.length).toBeGreaterThan(10);
      expect(b.size).toEqual(a.size);
      expect(b.keyframe).toEqual(a.keyframe);
    }
  });
});
