import { Mp4Fragmenter, buildInitSegment, buildSidx } from '@tidecast/media';
import type { Fmp4Chunk, Fmp4MediaChunk, TrackInfo, TrackKind } from '@tidecast/media';
import type { AtomicOutput } from './atomic-output.js';
import { CliError, EXIT_DATA } from './cli-errors.js';
import { demuxMediaFile } from './media-file-events.js';
import type { StreamFormat } from './media-file-events.js';
import type { MediaScan } from './media-scan.js';

interface FragmentPlan {
  tracks: TrackInfo[];
  fragments: Pick<
    Fmp4MediaChunk,
    | 'durationTicks'
    | 'earliestPtsTicks'
    | 'startsWithKeyframe'
    | 'referenceTimescale'
    | 'durationMs'
  >[];
  sizes: number[];
}

/**
 * FLV or MPEG-TS -> fragmented MP4 file laid out for progressive playback and MSE:
 * ftyp + moov (with the total duration) + sidx (one reference per fragment, ISO/IEC 14496-12
 * 8.16.3) + one moof/mdat per keyframe interval. The sidx and durations need the sizes of all
 * fragments up front, so a planning pass runs the fragmenter without keeping any bytes.
 */
export async function remuxFlvToMp4(
  input: string,
  output: AtomicOutput,
  scan: MediaScan,
  progressLabel: string | undefined,
): Promise<void> {
  const plan = await planFragments(input, scan.format, scan.kinds);
  if (plan.tracks.length === 0 || plan.fragments.length === 0) {
    throw new CliError(`${input}: no playable audio or video found`, EXIT_DATA);
  }
  const durationMs = plan.fragments.reduce((sum, f) => sum + f.durationMs, 0);
  await output.write(buildInitSegment(plan.tracks, { durationMs }));
  const referenceIndex = referenceTrackIndex(plan.tracks);
  const first = plan.fragments[0];
  await output.write(
    buildSidx({
      referenceId: referenceIndex + 1,
      timescale: first?.referenceTimescale ?? 1000,
      earliestPresentationTime: Math.max(0, first?.earliestPtsTicks ?? 0),
      firstOffset: 0,
      references: plan.fragments.map((f, i) => ({
        size: plan.sizes[i] ?? 0,
        duration: f.durationTicks,
        startsWithSap: f.startsWithKeyframe,
      })),
    }),
  );
  let index = 0;
  await runFragmenter(
    input,
    scan.format,
    scan.kinds,
    async (chunk) => {
      if (chunk.kind !== 'media') return;
      if (chunk.bytes.length !== plan.sizes[index]) {
        throw new Error(`fragment ${index} changed size between passes`);
      }
      index++;
      await output.write(chunk.bytes);
    },
    progressLabel,
  );
}

async function planFragments(
  input: string,
  format: StreamFormat,
  kinds: TrackKind[],
): Promise<FragmentPlan> {
  const plan: FragmentPlan = { tracks: [], fragments: [], sizes: [] };
  await runFragmenter(input, format, kinds, (chunk) => {
    if (chunk.kind === 'init') {
      if (plan.tracks.length > 0) {
        throw new CliError(
          `${input}: codec parameters change after ${Math.round(
            plan.fragments.reduce((sum, f) => sum + f.durationMs, 0),
          )} ms; one MP4 file holds one configuration per track`,
          EXIT_DATA,
        );
      }
      plan.tracks = chunk.tracks;
    } else {
      plan.fragments.push(chunk);
      plan.sizes.push(chunk.bytes.length);
    }
  });
  return plan;
}

async function runFragmenter(
  input: string,
  format: StreamFormat,
  kinds: TrackKind[],
  onChunk: (chunk: Fmp4Chunk) => void | Promise<void>,
  progressLabel?: string,
): Promise<void> {
  const fragmenter = new Mp4Fragmenter({ expectedKinds: kinds });
  await demuxMediaFile(
    input,
    async (event) => {
      for (const chunk of fragmenter.push(event)) await onChunk(chunk);
    },
    { progressLabel, format },
  );
  for (const chunk of fragmenter.flush()) await onChunk(chunk);
}

function referenceTrackIndex(tracks: TrackInfo[]): number {
  const video = tracks.findIndex((t) => t.kind === 'video');
  return video === -1 ? 0 : video;
}
