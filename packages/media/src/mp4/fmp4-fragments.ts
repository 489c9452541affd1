import { MalformedError } from '../errors.js';
import type { TfhdFields, TrunFields } from './box-fields-moof.js';
import { isSyncSample } from './box-fields-moof.js';
import type { TrexFields } from './box-fields-moov.js';
import type { Mp4Box } from './box-reader.js';
import { fieldsOf, findFields } from './box-reader.js';
import type { SampleSink } from './mp4-sample-sink.js';

/** Per-sample values a trun may leave out, resolved from tfhd, then trex (14496-12 8.8.7.1). */
interface SampleDefaults {
  duration: number;
  size: number;
  flags: number;
}

/**
 * Resolves the samples of one moof (ISO/IEC 14496-12 8.8): data offsets from tfhd
 * base-data-offset / default-base-is-moof / the preceding traf, per-sample values from
 * trun, then tfhd defaults, then trex; decode times from tfdt, else continuing the track.
 */
export function expandMovieFragment(
  moof: Mp4Box,
  trexList: readonly TrexFields[],
  sink: SampleSink,
): void {
  let previousDataEnd: number | undefined;
  for (const traf of moof.children ?? []) {
    if (traf.type !== 'traf') continue;
    const trafBoxes = traf.children ?? [];
    const tfhd = findFields(trafBoxes, 'tfhd', 'tfhd');
    if (!tfhd) throw new MalformedError('traf without tfhd', { offset: traf.offset });
    const trex = trexList.find((t) => t.trackId === tfhd.trackId);
    if (!trex) {
      throw new MalformedError(`traf for track ${tfhd.trackId}, which has no trex in moov`, {
        offset: traf.offset,
      });
    }
    const defaults: SampleDefaults = {
      duration: tfhd.defaultSampleDuration ?? trex.defaultSampleDuration,
      size: tfhd.defaultSampleSize ?? trex.defaultSampleSize,
      flags: tfhd.defaultSampleFlags ?? trex.defaultSampleFlags,
    };
    const base = baseDataOffset(tfhd, moof, previousDataEnd);
    const tfdt = findFields(trafBoxes, 'tfdt', 'tfdt');
    const last = sink.lastOf(tfhd.trackId);
    let dts = tfdt ? tfdt.baseMediaDecodeTime : last ? last.dts + last.duration : 0;
    let dataPos = base;
    for (const box of trafBoxes) {
      const trun = fieldsOf(box, 'trun');
      if (!trun) continue;
      // Without data_offset a trun's data follows the previous trun's (8.8.8.1).
      if (trun.dataOffset !== undefined) dataPos = base + trun.dataOffset;
      sink.reserve(trun.sampleCount, box.offset);
      const end = expandTrun(trun, tfhd.trackId, defaults, dts, dataPos, sink);
      dts = end.dts;
      dataPos = end.dataPos;
    }
    previousDataEnd = dataPos;
  }
}

function baseDataOffset(
  tfhd: TfhdFields,
  moof: Mp4Box,
  previousDataEnd: number | undefined,
): number {
  if (tfhd.baseDataOffset !== undefined) return tfhd.baseDataOffset;
  if (tfhd.defaultBaseIsMoof || previousDataEnd === undefined) return moof.offset;
  return previousDataEnd;
}

function expandTrun(
  trun: TrunFields,
  trackId: number,
  defaults: SampleDefaults,
  startDts: number,
  startPos: number,
  sink: SampleSink,
): { dts: number; dataPos: number } {
  let dts = startDts;
  let dataPos = startPos;
  for (let i = 0; i < trun.sampleCount; i++) {
    const duration = trun.sampleDurations?.[i] ?? defaults.duration;
    const size = trun.sampleSizes?.[i] ?? defaults.size;
    const flags =
      trun.sampleFlags?.[i] ??
      (i === 0 && trun.firstSampleFlags !== undefined ? trun.firstSampleFlags : defaults.flags);
    const cto = trun.sampleCompositionTimeOffsets?.[i] ?? 0;
    sink.add(trackId, dts, cto, duration, size, isSyncSample(flags), dataPos);
    dts += duration;
    dataPos += size;
  }
  return { dts, dataPos };
}
