import { TsMuxer } from '@tidecast/media';
import type { MediaPacket, TrackInfo } from '@tidecast/media';
import type { AtomicOutput } from './atomic-output.js';
import { BatchedWriter } from './batched-writer.js';
import { CliError, EXIT_DATA } from './cli-errors.js';
import { demuxMediaFile } from './media-file-events.js';
import type { MediaScan } from './media-scan.js';

/**
 * FLV or MPEG-TS -> MPEG-TS (ISO/IEC 13818-1): PAT and PMT first, then every packet as PES with
 * its own PTS/DTS, H.264/H.265 as Annex B with AUD and parameter sets before each keyframe,
 * AAC as ADTS. Video before its first keyframe is dropped (nothing could decode it). One file
 * holds one configuration per track, as for MP4: a codec change mid-file is refused.
 */
export async function remuxToTs(
  input: string,
  output: AtomicOutput,
  scan: MediaScan,
  progressLabel: string | undefined,
): Promise<void> {
  const tracks: TrackInfo[] = [];
  if (scan.video !== undefined) {
    if (scan.video.codec === 'av1') {
      throw new CliError(`${input}: AV1 cannot be written to MPEG-TS by this tool`, EXIT_DATA);
    }
    tracks.push(scan.video);
  }
  if (scan.audio !== undefined) tracks.push(scan.audio);
  if (tracks.length === 0)
    throw new CliError(`${input}: no playable audio or video found`, EXIT_DATA);
  if (scan.reconfigurations > 0) {
    throw new CliError(
      `${input}: codec parameters change mid-file; one MPEG-TS file holds one configuration per track`,
      EXIT_DATA,
    );
  }
  const muxer = new TsMuxer({ tracks });
  const writer = new BatchedWriter(output);
  await writer.write(muxer.tables());
  let videoStarted = scan.video === undefined;
  // PES timestamps must not be negative (an MP4 edit or FLV CTS can make pts < 0 near 0).
  const shift = firstShift(scan);
  await demuxMediaFile(
    input,
    async (event) => {
      if (event.type !== 'packet') return;
      const packet = event.packet;
      if (packet.kind === 'video' && !videoStarted) {
        if (!packet.keyframe) return;
        videoStarted = true;
      }
      await writer.write(muxer.writePacket(shifted(packet, shift)));
    },
    { progressLabel, format: scan.format },
  );
  await writer.flush();
}

/** Milliseconds to add so no timestamp is negative (0 for almost every file). */
function firstShift(scan: MediaScan): number {
  const first = scan.firstDtsMs ?? 0;
  return first < 0 ? -first : 0;
}

function shifted(packet: MediaPacket, shiftMs: number): MediaPacket {
  if (shiftMs === 0 && packet.pts >= 0 && packet.dts >= 0) return packet;
  const ticks = Math.round((shiftMs * packet.timescale) / 1000);
  const dts = Math.max(0, packet.dts + ticks);
  return { ...packet, dts, pts: Math.max(dts, packet.pts + ticks) };
}
