import type { AudioTrack, MediaError, TrackInfo, TrackKind, VideoTrack } from '@tidecast/media';
import { demuxMediaFile } from './media-file-events.js';
import type { StreamFormat } from './media-file-events.js';

/** What a first pass over an FLV or TS file learns, so the writing pass can emit exact headers. */
export interface MediaScan {
  format: StreamFormat;
  kinds: TrackKind[];
  video: VideoTrack | undefined;
  audio: AudioTrack | undefined;
  /** How often a track's configuration changed after its first sequence header. */
  reconfigurations: number;
  firstDtsMs: number | undefined;
  /** Last packet end (dts + typical duration) minus the first dts. */
  durationMs: number;
  videoBytes: number;
  audioBytes: number;
  videoPackets: number;
  audioPackets: number;
  /** Problems the demuxer recovered from (PreviousTagSize mismatches, skipped tags). */
  warnings: MediaError[];
}

export async function scanMediaFile(
  path: string,
  format: StreamFormat,
  progressLabel?: string,
): Promise<MediaScan> {
  const scan: MediaScan = {
    format,
    kinds: [],
    video: undefined,
    audio: undefined,
    reconfigurations: 0,
    firstDtsMs: undefined,
    durationMs: 0,
    videoBytes: 0,
    audioBytes: 0,
    videoPackets: 0,
    audioPackets: 0,
    warnings: [],
  };
  const lastDts: Record<TrackKind, number | undefined> = { video: undefined, audio: undefined };
  const lastStep: Record<TrackKind, number> = { video: 0, audio: 0 };
  let maxEnd = 0;
  const { warnings } = await demuxMediaFile(
    path,
    (event) => {
      if (event.type === 'track') {
        noteTrack(scan, event.track);
      } else if (event.type === 'packet') {
        const { kind, dts, data, timescale } = event.packet;
        const ms = (dts * 1000) / timescale;
        if (!scan.kinds.includes(kind)) scan.kinds.push(kind);
        scan.firstDtsMs = Math.min(scan.firstDtsMs ?? ms, ms);
        const previous = lastDts[kind];
        if (previous !== undefined && ms > previous) lastStep[kind] = ms - previous;
        lastDts[kind] = ms;
        maxEnd = Math.max(maxEnd, ms + lastStep[kind]);
        if (kind === 'video') {
          scan.videoBytes += data.length;
          scan.videoPackets++;
        } else {
          scan.audioBytes += data.length;
          scan.audioPackets++;
        }
      }
    },
    { progressLabel, format },
  );
  scan.warnings = warnings;
  scan.durationMs = scan.firstDtsMs === undefined ? 0 : maxEnd - scan.firstDtsMs;
  return scan;
}

function noteTrack(scan: MediaScan, track: TrackInfo): void {
  if (track.kind === 'video') {
    if (scan.video !== undefined) scan.reconfigurations++;
    else scan.video = track;
  } else {
    if (scan.audio !== undefined) scan.reconfigurations++;
    else scan.audio = track;
  }
}
