import { MalformedError } from '../errors.js';
import type { Mp4Box } from './box-reader.js';
import { findFields } from './box-reader.js';
import type { SampleSink } from './mp4-sample-sink.js';

/**
 * Expands one track's sample table (ISO/IEC 14496-12 8.5-8.7: stts, ctts, stss, stsc, stsz or
 * stz2, stco or co64) into samples. Every table must cover every sample the stsz lists; a
 * shortfall is MalformedError rather than a guess, because this is also our test oracle.
 */
export function expandSampleTable(trak: Mp4Box, trackId: number, sink: SampleSink): void {
  const stbl = findStbl(trak);
  if (!stbl) return;
  const boxes = stbl.children ?? [];
  const sizes = findFields(boxes, 'stsz', 'stsz') ?? findFields(boxes, 'stz2', 'stz2');
  const count = sizes?.sampleCount ?? 0;
  if (!sizes || count === 0) return;
  const fail = (what: string): MalformedError =>
    new MalformedError(`track ${trackId}: ${what}`, { offset: stbl.offset });
  sink.reserve(count, stbl.offset);

  const durations = new Float64Array(count);
  const stts = findFields(boxes, 'stts', 'stts');
  if (!stts) throw fail('stbl has samples but no stts');
  let n = 0;
  for (let e = 0; e < stts.sampleCounts.length && n < count; e++) {
    const delta = stts.sampleDeltas[e] ?? 0;
    const run = Math.min(stts.sampleCounts[e] ?? 0, count - n);
    durations.fill(delta, n, n + run);
    n += run;
  }
  if (n < count) throw fail(`stts covers ${n} of ${count} samples`);

  const offsetsCto = new Float64Array(count);
  const ctts = findFields(boxes, 'ctts', 'ctts');
  if (ctts) {
    n = 0;
    for (let e = 0; e < ctts.sampleCounts.length && n < count; e++) {
      const run = Math.min(ctts.sampleCounts[e] ?? 0, count - n);
      offsetsCto.fill(ctts.sampleOffsets[e] ?? 0, n, n + run);
      n += run;
    }
    if (n < count) throw fail(`ctts covers ${n} of ${count} samples`);
  }

  // Without stss every sample is a sync sample (8.6.2.1).
  const stss = findFields(boxes, 'stss', 'stss');
  let sync: Uint8Array | undefined;
  if (stss) {
    sync = new Uint8Array(count);
    for (const number of stss.sampleNumbers) {
      if (number >= 1 && number <= count) sync[number - 1] = 1;
    }
  }

  const positions = chunkPositions(boxes, count, sizes, fail);
  let dts = 0;
  for (let i = 0; i < count; i++) {
    const size = sizes.sampleSize > 0 ? sizes.sampleSize : (sizes.entrySizes[i] ?? 0);
    const duration = durations[i] ?? 0;
    const keyframe = sync ? sync[i] === 1 : true;
    sink.add(trackId, dts, offsetsCto[i] ?? 0, duration, size, keyframe, positions[i] ?? 0);
    dts += duration;
  }
}

function findStbl(trak: Mp4Box): Mp4Box | undefined {
  const mdia = trak.children?.find((b) => b.type === 'mdia');
  const minf = mdia?.children?.find((b) => b.type === 'minf');
  return minf?.children?.find((b) => b.type === 'stbl');
}

/** Absolute offset of each sample: chunks from stco/co64, samples per chunk from stsc (8.7.4). */
function chunkPositions(
  boxes: readonly Mp4Box[],
  count: number,
  sizes: { sampleSize: number; entrySizes: Uint32Array },
  fail: (what: string) => MalformedError,
): Float64Array {
  const stsc = findFields(boxes, 'stsc', 'stsc');
  const chunkOffsets =
    findFields(boxes, 'stco', 'stco')?.chunkOffsets ??
    findFields(boxes, 'co64', 'co64')?.chunkOffsets;
  if (!stsc || !chunkOffsets) throw fail('stbl has samples but no stsc or stco/co64');
  const chunkCount = chunkOffsets.length;
  const positions = new Float64Array(count);
  let sample = 0;
  const runs = stsc.firstChunks.length;
  for (let e = 0; e < runs && sample < count; e++) {
    const first = (stsc.firstChunks[e] ?? 0) - 1;
    const next = e + 1 < runs ? (stsc.firstChunks[e + 1] ?? 0) - 1 : chunkCount;
    if (first < 0 || next <= first || next > chunkCount) {
      throw fail(`stsc entry ${e} names chunks ${first + 1}..${next} of ${chunkCount}`);
    }
    const perChunk = stsc.samplesPerChunk[e] ?? 0;
    for (let chunk = first; chunk < next && sample < count; chunk++) {
      let pos = chunkOffsets[chunk] ?? 0;
      for (let k = 0; k < perChunk && sample < count; k++) {
        positions[sample] = pos;
        pos += sizes.sampleSize > 0 ? sizes.sampleSize : (sizes.entrySizes[sample] ?? 0);
        sample++;
      }
    }
  }
  if (sample < count) throw fail(`chunks hold ${sample} of ${count} samples`);
  return positions;
}
