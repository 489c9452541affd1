import { InvalidArgumentError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import type { TrackInfo } from '../types.js';
import {
  box,
  fixed16,
  fullBox,
  needsVersion1,
  packLanguage,
  u32or64,
  unityMatrix,
} from './box-writer.js';
import { hasNonSquarePixels, writeSampleEntry } from './sample-entry.js';

/** Movie timescale of mvhd, tkhd and mehd durations: milliseconds. */
export const MOVIE_TIMESCALE = 1000;
/** Video media timescale: the 90 kHz clock of MPEG systems, exact for ms and 1/fps steps. */
export const VIDEO_TIMESCALE = 90000;

export interface InitSegmentOptions {
  /** Duration of the whole presentation (VOD); sets mvhd/tkhd/mdhd durations and mehd. */
  durationMs?: number;
}

/** Media timescale the writer uses for `track`: 90 kHz video, the sample rate for audio. */
export function mp4Timescale(track: TrackInfo): number {
  if (track.kind === 'video') return VIDEO_TIMESCALE;
  // Opus in ISOBMFF 4.3: timestamps count 48 kHz samples whatever the input rate.
  if (track.codec === 'opus') return 48000;
  if (!Number.isInteger(track.sampleRate) || track.sampleRate <= 0) {
    throw new InvalidArgumentError(
      `audio sample rate must be a positive integer: ${track.sampleRate}`,
    );
  }
  return track.sampleRate;
}

/**
 * Initialisation segment of a fragmented MP4: 'ftyp' + 'moov' with one 'trak' per track
 * (track_ID = index + 1) and an 'mvex' announcing movie fragments (ISO/IEC 14496-12 8.8).
 */
export function buildInitSegment(
  tracks: TrackInfo[],
  options: InitSegmentOptions = {},
): Uint8Array {
  if (tracks.length === 0)
    throw new InvalidArgumentError('an init segment needs at least one track');
  const durationMs = options.durationMs;
  if (durationMs !== undefined && (!Number.isFinite(durationMs) || durationMs < 0)) {
    throw new InvalidArgumentError(`durationMs must be a finite number >= 0: ${durationMs}`);
  }
  const movieDuration = durationMs === undefined ? 0 : Math.round(durationMs);
  const w = new ByteWriter(1024);
  writeFtyp(w, tracks);
  box(w, 'moov', () => {
    writeMvhd(w, movieDuration, tracks.length + 1);
    tracks.forEach((track, index) => {
      const timescale = mp4Timescale(track);
      const mediaDuration =
        durationMs === undefined ? 0 : Math.round((durationMs * timescale) / MOVIE_TIMESCALE);
      writeTrak(w, track, index + 1, movieDuration, timescale, mediaDuration);
    });
    box(w, 'mvex', () => {
      if (durationMs !== undefined) {
        const version = needsVersion1(movieDuration) ? 1 : 0;
        fullBox(w, 'mehd', version, 0, () => {
          u32or64(w, version, movieDuration); // fragment_duration
        });
      }
      tracks.forEach((_track, index) => writeTrex(w, index + 1));
    });
  });
  return w.finish();
}

/** 14496-12 4.3. Brands name what a reader needs: ISO base media with movie fragments. */
function writeFtyp(w: ByteWriter, tracks: TrackInfo[]): void {
  const brands = ['isom', 'iso6', 'mp41', 'dash'];
  if (tracks.some((t) => t.kind === 'video' && t.codec === 'avc')) brands.push('avc1');
  if (tracks.some((t) => t.kind === 'video' && t.codec === 'av1')) brands.push('av01');
  box(w, 'ftyp', () => {
    w.fourcc('isom'); // major_brand
    w.u32(0x200); // minor_version
    for (const brand of brands) w.fourcc(brand); // compatible_brands[]
  });
}

/** 14496-12 8.2.2. */
function writeMvhd(w: ByteWriter, duration: number, nextTrackId: number): void {
  const version = needsVersion1(duration) ? 1 : 0;
  fullBox(w, 'mvhd', version, 0, () => {
    u32or64(w, version, 0); // creation_time
    u32or64(w, version, 0); // modification_time
    w.u32(MOVIE_TIMESCALE); // timescale
    u32or64(w, version, duration); // duration
    w.u32(0x00010000); // rate: 1.0
    w.u16(0x0100); // volume: 1.0
    w.u16(0); // reserved
    w.zeros(8); // reserved[2]
    unityMatrix(w); // matrix
    w.zeros(24); // pre_defined[6]
    w.u32(nextTrackId); // next_track_ID
  });
}

function writeTrak(
  w: ByteWriter,
  track: TrackInfo,
  trackId: number,
  movieDuration: number,
  timescale: number,
  mediaDuration: number,
): void {
  box(w, 'trak', () => {
    writeTkhd(w, track, trackId, movieDuration);
    box(w, 'mdia', () => {
      const version = needsVersion1(mediaDuration) ? 1 : 0;
      fullBox(w, 'mdhd', version, 0, () => {
        u32or64(w, version, 0); // creation_time
        u32or64(w, version, 0); // modification_time
        w.u32(timescale); // timescale
        u32or64(w, version, mediaDuration); // duration
        w.u16(packLanguage('und')); // pad, language
        w.u16(0); // pre_defined
      });
      fullBox(w, 'hdlr', 0, 0, () => {
        w.u32(0); // pre_defined
        w.fourcc(track.kind === 'video' ? 'vide' : 'soun'); // handler_type
        w.zeros(12); // reserved[3]
        w.utf8(track.kind === 'video' ? 'VideoHandler' : 'SoundHandler'); // name
        w.u8(0); // name terminator
      });
      writeMinf(w, track, trackId);
    });
  });
}

/** 14496-12 8.3.2. Width and height are the display size: pixels scaled by the aspect ratio. */
function writeTkhd(w: ByteWriter, track: TrackInfo, trackId: number, duration: number): void {
  const version = needsVersion1(duration) ? 1 : 0;
  let width = 0;
  let height = 0;
  if (track.kind === 'video') {
    width = hasNonSquarePixels(track) ? (track.width * track.sarNum) / track.sarDen : track.width;
    height = track.height;
  }
  // flags: track_enabled | track_in_movie (8.3.2.3).
  fullBox(w, 'tkhd', version, 0x000003, () => {
    u32or64(w, version, 0); // creation_time
    u32or64(w, version, 0); // modification_time
    w.u32(trackId); // track_ID
    w.u32(0); // reserved
    u32or64(w, version, duration); // duration
    w.zeros(8); // reserved[2]
    w.i16(0); // layer
    w.i16(0); // alternate_group
    w.u16(track.kind === 'audio' ? 0x0100 : 0); // volume
    w.u16(0); // reserved
    unityMatrix(w); // matrix
    w.u32(fixed16(width, 'display width')); // width
    w.u32(fixed16(height, 'display height')); // height
  });
}

/** 14496-12 8.4.4: media header, data reference, and a sample table with no samples. */
function writeMinf(w: ByteWriter, track: TrackInfo, trackId: number): void {
  box(w, 'minf', () => {
    if (track.kind === 'video') {
      fullBox(w, 'vmhd', 0, 1, () => {
        w.u16(0); // graphicsmode: copy
        w.zeros(6); // opcolor[3]
      });
    } else {
      fullBox(w, 'smhd', 0, 0, () => {
        w.i16(0); // balance
        w.u16(0); // reserved
      });
    }
    box(w, 'dinf', () => {
      fullBox(w, 'dref', 0, 0, () => {
        w.u32(1); // entry_count
        fullBox(w, 'url ', 0, 1); // flags 1: media data is in this file (8.7.2.2)
      });
    });
    box(w, 'stbl', () => {
      fullBox(w, 'stsd', 0, 0, () => {
        w.u32(1); // entry_count
        writeSampleEntry(w, track, trackId);
      });
      // Samples live in movie fragments, so the classic tables are present but empty.
      fullBox(w, 'stts', 0, 0, () => w.u32(0)); // entry_count
      fullBox(w, 'stsc', 0, 0, () => w.u32(0)); // entry_count
      fullBox(w, 'stsz', 0, 0, () => {
        w.u32(0); // sample_size
        w.u32(0); // sample_count
      });
      fullBox(w, 'stco', 0, 0, () => w.u32(0)); // entry_count
    });
  });
}

/** 14496-12 8.8.3: defaults are all zero because every trun states its own values. */
function writeTrex(w: ByteWriter, trackId: number): void {
  fullBox(w, 'trex', 0, 0, () => {
    w.u32(trackId); // track_ID
    w.u32(1); // default_sample_description_index
    w.u32(0); // default_sample_duration
    w.u32(0); // default_sample_size
    w.u32(0); // default_sample_flags
  });
}
