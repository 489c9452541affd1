/**
 * FLV files with the codecs ffmpeg 5.1 cannot put into FLV itself (HEVC, AV1, Opus; also HEVC
 * under the legacy codec id 12): ffmpeg encodes an MP4, our MP4 reader takes its samples and our
 * FLV muxer writes them as Enhanced RTMP FLV, interleaved by decode time as a live encoder sends.
 */
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
import { ffmpegBinary, runCommand } from './ffprobe.js';

export interface EnhancedCase {
  name: string;
  /** ffmpeg encoder arguments for both streams. */
  args: readonly string[];
  video: 'hevc' | 'av1';
  audio: 'opus' | 'aac';
  /** Write HEVC with the legacy codec id 12 instead of the Enhanced FourCC. */
  legacy?: boolean;
}

const x265 = (params: string): string[] => [
  '-c:v',
  'libx265',
  '-preset',
  'ultrafast',
  '-x265-params',
  `log-level=error:${params}`,
];

/** `keyint` frames per GOP (the live test wants one GOP for the whole clip). */
export function enhancedCases(keyint: number): EnhancedCase[] {
  const k = String(keyint);
  return [
    {
      name: 'hevc-opus',
      args: [...x265(`bframes=2:keyint=${k}`), '-c:a', 'libopus', '-b:a', '64k'],
      video: 'hevc',
      audio: 'opus',
    },
    {
      name: 'av1-aac',
      args: ['-c:v', 'libsvtav1', '-preset', '12', '-g', k, '-c:a', 'aac', '-b:a', '96k'],
      video: 'av1',
      audio: 'aac',
    },
    {
      name: 'hevc-legacy-id12-aac',
      args: [...x265(`keyint=${k}`), '-c:a', 'aac'],
      video: 'hevc',
      audio: 'aac',
      legacy: true,
    },
  ];
}

/** Encodes `seconds` of test pattern (192x108, 30 fps) and a 48 kHz tone into an MP4. */
export async function encodeMp4(file: string, c: EnhancedCase, seconds: number): Promise<void> {
  const made = await runCommand(
    ffmpegBinary(),
    [
      ...['-nostdin', '-v', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=192x108:rate=30:duration=${String(seconds)}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${String(seconds)}`],
      ...c.args,
      ...['-use_editlist', '0', '-pix_fmt', 'yuv420p', file],
    ],
    { timeoutMs: 120_000 },
  );
  if (made.exitCode !== 0) throw new Error(`ffmpeg could not make ${file}: ${made.stderr}`);
}

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
export function flvFromMp4(bytes: Uint8Array, legacy: boolean): Uint8Array {
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
