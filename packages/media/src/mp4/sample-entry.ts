import { InvalidArgumentError } from '../errors.js';
import type { ByteWriter } from '../io/byte-writer.js';
import type { TrackInfo, VideoCodec, VideoTrack } from '../types.js';
import { writeAudioSampleEntry } from './audio-sample-entry.js';
import { box, payloadBox } from './box-writer.js';

/** Sample entry and configuration box per video codec. */
const VIDEO_ENTRY: Record<VideoCodec, { entry: string; config: string }> = {
  // ISO/IEC 14496-15 5.4.2.1: parameter sets live in avcC.
  avc: { entry: 'avc1', config: 'avcC' },
  // 14496-15 8.4.1.1: hvc1 (not hev1) is what Safari and MSE implementations accept.
  hevc: { entry: 'hvc1', config: 'hvcC' },
  // AV1 Codec ISO Media File Format Binding 2.2 / 2.3.
  av1: { entry: 'av01', config: 'av1C' },
};

/** The one SampleEntry of a track's 'stsd' (ISO/IEC 14496-12 8.5.2). */
export function writeSampleEntry(w: ByteWriter, track: TrackInfo, trackId: number): void {
  if (track.kind === 'video') writeVisualSampleEntry(w, track);
  else writeAudioSampleEntry(w, track, trackId);
}

/** VisualSampleEntry (14496-12 12.1.3) followed by the codec configuration box and 'pasp'. */
function writeVisualSampleEntry(w: ByteWriter, track: VideoTrack): void {
  const names = VIDEO_ENTRY[track.codec];
  if (track.config.length === 0) {
    throw new InvalidArgumentError(`${track.codec} track needs its ${names.config} record`);
  }
  checkDimension(track.width, 'width');
  checkDimension(track.height, 'height');
  box(w, names.entry, () => {
    w.zeros(6); // SampleEntry reserved
    w.u16(1); // data_reference_index
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    w.zeros(12); // pre_defined[3]
    w.u16(track.width); // width
    w.u16(track.height); // height
    w.u32(0x00480000); // horizresolution: 72 dpi
    w.u32(0x00480000); // vertresolution: 72 dpi
    w.u32(0); // reserved
    w.u16(1); // frame_count
    w.zeros(32); // compressorname: empty Pascal string
    w.u16(0x0018); // depth: colour, no alpha
    w.i16(-1); // pre_defined
    payloadBox(w, names.config, track.config);
    if (hasNonSquarePixels(track)) {
      box(w, 'pasp', () => {
        w.u32(track.sarNum); // hSpacing
        w.u32(track.sarDen); // vSpacing
      });
    }
  });
}

function checkDimension(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new InvalidArgumentError(`video ${what} out of range: ${value}`);
  }
}

/** A usable, non-1:1 sample aspect ratio (14496-12 12.1.4 'pasp'). */
export function hasNonSquarePixels(track: VideoTrack): boolean {
  const { sarNum, sarDen } = track;
  return (
    Number.isInteger(sarNum) &&
    Number.isInteger(sarDen) &&
    sarNum > 0 &&
    sarDen > 0 &&
    sarNum <= 0xffffffff &&
    sarDen <= 0xffffffff &&
    sarNum !== sarDen
  );
}
