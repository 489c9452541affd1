import { MalformedError, onlyMediaErrors } from '../errors.js';
import type { EmsgFields, SidxFields } from './box-fields-moof.js';
import type { TrexFields } from './box-fields-moov.js';
import type { Mp4Box } from './box-reader.js';
import { fieldsOf, findBoxes, readBoxes } from './box-reader.js';
import { expandMovieFragment } from './fmp4-fragments.js';
import type { Fmp4Sample } from './mp4-sample-sink.js';
import { SampleSink } from './mp4-sample-sink.js';
import { expandSampleTable } from './mp4-sample-table.js';
import type { Fmp4TrackInfo } from './mp4-track-info.js';
import { readTrackInfo } from './mp4-track-info.js';

export type { Fmp4Sample } from './mp4-sample-sink.js';
export type { Fmp4TrackInfo } from './mp4-track-info.js';

export interface ReadMp4Options {
  /** Samples allowed across all tracks. Default 4,000,000 (about 18 h of 30 fps video + AAC). */
  maxSamples?: number;
  /** Boxes allowed in the tree. Default 1,000,000. */
  maxBoxes?: number;
  /**
   * Give samples whose bytes are not in `bytes` an empty `data` instead of throwing
   * TruncatedError, e.g. to index a moov fetched on its own. Default false.
   */
  allowMissingData?: boolean;
}

export interface Mp4ReadResult {
  /** True when the file has movie fragments (moof). */
  fragmented: boolean;
  tracks: Fmp4TrackInfo[];
  /** Samples per track ID, in decode order. */
  samples: Map<number, Fmp4Sample[]>;
  /** Top-level segment indexes, in file order. */
  sidx: SidxFields[];
  /** Top-level DASH event messages, in file order. */
  emsg: EmsgFields[];
  /** The whole box tree, for anything not summarised here. */
  boxes: Mp4Box[];
}

/**
 * Reads a whole MP4 held in memory: a fragmented file (init segment + media segments, as one
 * array) or a plain one with sample tables in moov, or both (samples in moov continued by
 * fragments). Sample times are in each track's timescale on the media timeline; apply
 * `track.mediaTimeOffset` for presentation time. Only MediaError is thrown.
 */
export function readFragmentedMp4(bytes: Uint8Array, options: ReadMp4Options = {}): Mp4ReadResult {
  return onlyMediaErrors(() => readMp4Tree(bytes, options));
}

function readMp4Tree(bytes: Uint8Array, options: ReadMp4Options): Mp4ReadResult {
  const boxes = readBoxes(bytes, { maxBoxes: options.maxBoxes ?? 1_000_000 });
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) throw new MalformedError('no moov box', { offset: 0 });
  const trexList: TrexFields[] = [];
  for (const box of findBoxes(moov.children ?? [], 'mvex/trex')) {
    const trex = fieldsOf(box, 'trex');
    if (trex) trexList.push(trex);
  }
  const sink = new SampleSink(bytes, {
    maxSamples: options.maxSamples ?? 4_000_000,
    allowMissingData: options.allowMissingData ?? false,
  });
  const tracks: Fmp4TrackInfo[] = [];
  for (const trak of moov.children ?? []) {
    if (trak.type !== 'trak') continue;
    const info = readTrackInfo(trak, trexList);
    if (tracks.some((t) => t.trackId === info.trackId)) {
      throw new MalformedError(`track ID ${info.trackId} used twice`, { offset: trak.offset });
    }
    tracks.push(info);
    expandSampleTable(trak, info.trackId, sink);
  }
  const sidx: SidxFields[] = [];
  const emsg: EmsgFields[] = [];
  let fragmented = false;
  for (const box of boxes) {
    if (box.type === 'moof') {
      fragmented = true;
      expandMovieFragment(box, trexList, sink);
    }
    const f = box.fields;
    if (f?.box === 'sidx') sidx.push(f);
    else if (f?.box === 'emsg') emsg.push(f);
  }
  for (const track of tracks) {
    if (!sink.samples.has(track.trackId)) sink.samples.set(track.trackId, []);
  }
  return { fragmented, tracks, samples: sink.samples, sidx, emsg, boxes };
}
