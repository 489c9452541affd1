/**
 * What the transmuxer (inline or in the worker) produces: fMP4 ready for one combined
 * audio+video SourceBuffer. FLV and MPEG-TS input is demuxed and remuxed; fMP4 input passes
 * through with its init segment parsed for the codecs. Times are seconds on the media timeline.
 */

/** 'auto' tells the three apart by the first byte (HLS segments may be TS or fMP4). */
export type TransmuxInputFormat = 'flv' | 'fmp4' | 'ts' | 'auto';
export const TRANSMUX_INPUT_FORMATS: readonly TransmuxInputFormat[] = ['flv', 'fmp4', 'ts', 'auto'];

export interface VideoSummary {
  /** RFC 6381 codec string, e.g. `avc1.64001f`. */
  codec: string;
  width: number;
  height: number;
  /** Frames per second when known (FLV metadata or SPS VUI), else undefined. */
  frameRate?: number;
}

export interface AudioSummary {
  /** RFC 6381 codec string, e.g. `mp4a.40.2`, `opus`, `mp4a.40.34` (MP3 in MP4). */
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface MediaSummary {
  video?: VideoSummary;
  audio?: AudioSummary;
  /** `video/mp4; codecs="avc1.64001f,mp4a.40.2"` for MediaSource.isTypeSupported/addSourceBuffer. */
  mimeType: string;
}

export type TransmuxOutput =
  /** A new init segment: first one, or the codecs/config changed (append after changeType). */
  | { type: 'init'; bytes: Uint8Array; media: MediaSummary }
  /**
   * One moof+mdat (or several back to back): append after the init segment. For FLV input
   * each fragment holds one track: one video frame, or audio (each frame at once when there is
   * video, ~60 ms when audio-only), for the lowest latency.
   */
  | {
      type: 'segment';
      bytes: Uint8Array;
      /** Earliest decode time and end (decode time + duration) of the samples inside, seconds. */
      startSec: number;
      endSec: number;
      /** Video samples inside and how many of them are keyframes. */
      videoFrames: number;
      keyframes: number;
      audioFrames: number;
    }
  /** Something was repaired or skipped (gap filled, overlap dropped, corrupt tag). */
  | { type: 'warning'; code: string; message: string }
  /**
   * The input restarts here (HLS EXT-X-DISCONTINUITY): outputs after it belong to a new
   * timeline, and start with a new init segment.
   */
  | { type: 'discontinuity' }
  /** The input cannot be used any more (fatal for this connection; reconnecting may help). */
  | { type: 'error'; code: 'DEMUX' | 'UNSUPPORTED_CODEC'; message: string };

export interface TransmuxOptions {
  format: TransmuxInputFormat;
  /** Fill audio gaps longer than this many ms with silent AAC frames. Default 50 ms. */
  audioGapFillMs?: number;
}
