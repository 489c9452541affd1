import { readFile } from 'node:fs/promises';
import {
  aacCodecString,
  avcCodecString,
  av1CodecString,
  hevcCodecString,
  mp3CodecString,
  opusCodecString,
  parseAudioSpecificConfig,
  parseAv1C,
  parseAvcC,
  parseHvcC,
  readFragmentedMp4,
} from '@tidecast/media';
import type { Fmp4TrackInfo, TrackInfo } from '@tidecast/media';
import { CliError, EXIT_DATA, toCliError } from './cli-errors.js';
import type { CommandArgs } from './command-args.js';
import { demuxMediaFile } from './media-file-events.js';
import { sniffFile } from './sniff-format.js';

export interface ProbeTrack {
  index: number;
  kind: 'video' | 'audio';
  codec: string;
  codecString: string;
  width?: number;
  height?: number;
  frameRate?: number;
  sampleRate?: number;
  channels?: number;
}

export interface ProbePacket {
  track: number;
  kind: 'video' | 'audio';
  /** Milliseconds. */
  dts: number;
  pts: number;
  keyframe: boolean;
  size: number;
}

export interface ProbeReport {
  file: string;
  format: 'flv' | 'mp4' | 'ts';
  tracks: ProbeTrack[];
  packets?: ProbePacket[];
  warnings: string[];
}

/** `tidecast probe FILE`: tracks and packets as JSON on stdout. */
export async function probeCommand(args: CommandArgs): Promise<number> {
  const [file = ''] = args.positionals;
  const format = await sniffFile(file).catch((error: unknown) => {
    throw toCliError(file, error);
  });
  let report: ProbeReport;
  try {
    if (format === 'flv' || format === 'ts') report = await probeStream(file, format);
    else if (format === 'mp4') report = await probeMp4(file);
    else throw new CliError(`${file}: offset 0: not a recognised media file`, EXIT_DATA);
  } catch (error) {
    throw toCliError(file, error);
  }
  if (args.flags.has('tracks-only')) delete report.packets;
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  return 0;
}

/** FLV and MPEG-TS: every demuxed track and packet. */
async function probeStream(file: string, format: 'flv' | 'ts'): Promise<ProbeReport> {
  const tracks: ProbeTrack[] = [];
  const packets: ProbePacket[] = [];
  const trackIndex: Partial<Record<'video' | 'audio', number>> = {};
  const summary = await demuxMediaFile(
    file,
    (event) => {
      if (event.type === 'track') {
        const index = trackIndex[event.track.kind] ?? tracks.length;
        trackIndex[event.track.kind] = index;
        tracks[index] = describeTrack(index, event.track);
      } else if (event.type === 'packet') {
        const { kind, dts, pts, timescale, keyframe, data } = event.packet;
        packets.push({
          track: trackIndex[kind] ?? -1,
          kind,
          dts: toMs(dts, timescale),
          pts: toMs(pts, timescale),
          keyframe,
          size: data.length,
        });
      }
    },
    { format },
  );
  const warnings = summary.warnings.map((w) => `${w.offset ?? '?'}: ${w.message}`);
  return { file, format, tracks, packets, warnings };
}

async function probeMp4(file: string): Promise<ProbeReport> {
  const result = readFragmentedMp4(new Uint8Array(await readFile(file)));
  const tracks: ProbeTrack[] = [];
  const packets: ProbePacket[] = [];
  const indexById = new Map<number, number>();
  for (const t of result.tracks) {
    if (t.kind === 'other') continue;
    const index = tracks.length;
    indexById.set(t.trackId, index);
    tracks.push({
      index,
      kind: t.kind,
      codec: t.codec,
      codecString: mp4CodecString(t),
      ...(t.kind === 'video'
        ? { width: t.width ?? 0, height: t.height ?? 0 }
        : { sampleRate: t.sampleRate ?? 0, channels: t.channels ?? 0 }),
    });
  }
  for (const t of result.tracks) {
    const index = indexById.get(t.trackId);
    if (index === undefined || t.kind === 'other') continue;
    for (const s of result.samples.get(t.trackId) ?? []) {
      packets.push({
        track: index,
        kind: t.kind,
        dts: toMs(s.dts - t.mediaTimeOffset, t.timescale),
        pts: toMs(s.pts - t.mediaTimeOffset, t.timescale),
        keyframe: s.keyframe,
        size: s.size,
      });
    }
  }
  return { file, format: 'mp4', tracks, packets, warnings: [] };
}

/** RFC 6381 codec string from an MP4 sample entry and its configuration box. */
function mp4CodecString(track: Fmp4TrackInfo): string {
  const config = track.config;
  if (config === undefined) return track.codec;
  switch (track.codec) {
    case 'avc1':
    case 'avc3':
      return avcCodecString(parseAvcC(config), track.codec);
    case 'hvc1':
    case 'hev1':
      return hevcCodecString(parseHvcC(config), track.codec);
    case 'av01':
      return av1CodecString(parseAv1C(config));
    case 'Opus':
      return opusCodecString();
    case 'mp4a':
      if (track.objectTypeIndication === 0x6b || track.objectTypeIndication === 0x69) {
        return mp3CodecString();
      }
      return aacCodecString(parseAudioSpecificConfig(config).signalledObjectType);
    default:
      return track.codec;
  }
}

function describeTrack(index: number, track: TrackInfo): ProbeTrack {
  if (track.kind === 'video') {
    return {
      index,
      kind: 'video',
      codec: track.codec,
      codecString: track.codecString,
      width: track.width,
      height: track.height,
      ...(track.frameRate === undefined ? {} : { frameRate: track.frameRate }),
    };
  }
  return {
    index,
    kind: 'audio',
    codec: track.codec,
    codecString: track.codecString,
    sampleRate: track.sampleRate,
    channels: track.channels,
  };
}

function toMs(ticks: number, timescale: number): number {
  return timescale === 1000 ? ticks : Math.round((ticks * 1000) / timescale);
}
