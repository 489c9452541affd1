/**
 * Short test clips made with ffmpeg (FLV, H.264 and/or AAC or MP3) and a plain reader of their
 * tags, so a test knows exactly which frames a publisher sends.
 */
import { readFile } from 'node:fs/promises';
import {
  FLV_PREVIOUS_TAG_SIZE,
  FLV_TAG_HEADER_SIZE,
  FlvTagType,
  parseFlvHeader,
  parseFlvTagHeader,
} from '@tidecast/media';
import { ffmpegBinary } from './ffprobe.js';
import { runCommand } from './run-command.js';

export interface ClipOptions {
  video: boolean;
  audio: boolean;
  seconds: number;
  /** Default 15. */
  fps?: number;
  /** Default '320x180'. */
  size?: string;
  /** Frames per GOP; default: the whole clip is one GOP (one keyframe, at 0). */
  gop?: number;
  /** Default 0. */
  bframes?: number;
  /** Default 44100. */
  sampleRate?: number;
  /** testsrc2 (default) or another lavfi video source name. */
  pattern?: string;
  /** Default 'aac' (64 kb/s); 'mp3' is libmp3lame at 64 kb/s. */
  audioCodec?: 'aac' | 'mp3';
}

/** Writes an FLV clip with a known number of frames: fps * seconds video frames. */
export async function makeClip(file: string, o: ClipOptions): Promise<void> {
  const fps = o.fps ?? 15;
  const gop = o.gop ?? Math.ceil(o.seconds * fps) + 1;
  const args = ['-nostdin', '-v', 'error', '-y'];
  if (o.video) {
    args.push(
      '-f',
      'lavfi',
      '-i',
      `${o.pattern ?? 'testsrc2'}=size=${o.size ?? '320x180'}:rate=${fps}`,
    );
  }
  if (o.audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${o.sampleRate ?? 44100}`);
  }
  args.push('-t', String(o.seconds));
  if (o.video) {
    args.push(
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
      ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
      ...['-bf', String(o.bframes ?? 0)],
    );
  }
  if (o.audio) {
    args.push('-c:a', o.audioCodec === 'mp3' ? 'libmp3lame' : 'aac', '-b:a', '64k');
  }
  args.push('-f', 'flv', file);
  const result = await runCommand(ffmpegBinary(), args, { timeoutMs: 60_000 });
  if (result.exitCode !== 0) throw new Error(`ffmpeg could not make ${file}: ${result.stderr}`);
}

/** One FLV tag of a clip: type (8 audio, 9 video, 18 script), time in ms, body. */
export interface ClipTag {
  tagType: number;
  timestamp: number;
  body: Uint8Array;
}

/** Splits a whole FLV file into tags (FLV spec v10.1 E.2-E.4.1). */
export function splitFlvTags(bytes: Uint8Array): ClipTag[] {
  const header = parseFlvHeader(bytes);
  const tags: ClipTag[] = [];
  let at = header.dataOffset + FLV_PREVIOUS_TAG_SIZE;
  while (at + FLV_TAG_HEADER_SIZE <= bytes.length) {
    const tag = parseFlvTagHeader(bytes.subarray(at, at + FLV_TAG_HEADER_SIZE));
    const start = at + FLV_TAG_HEADER_SIZE;
    const end = start + tag.dataSize;
    if (end > bytes.length) break;
    tags.push({ tagType: tag.tagType, timestamp: tag.timestamp, body: bytes.subarray(start, end) });
    at = end + FLV_PREVIOUS_TAG_SIZE;
  }
  return tags;
}

export async function readClipTags(file: string): Promise<ClipTag[]> {
  return splitFlvTags(new Uint8Array(await readFile(file)));
}

/** Media tags only (script data dropped). */
export function mediaTags(tags: readonly ClipTag[]): ClipTag[] {
  return tags.filter((t) => t.tagType === FlvTagType.Audio || t.tagType === FlvTagType.Video);
}

/** Whether a video tag body is a sequence header (AVCPacketType 0, FLV spec E.4.3.1). */
export function isSequenceHeader(tag: ClipTag): boolean {
  if (tag.tagType === FlvTagType.Video) return tag.body[1] === 0;
  if (tag.tagType === FlvTagType.Audio) return (tag.body[0] ?? 0) >> 4 === 10 && tag.body[1] === 0;
  return false;
}

/**
 * Appends an H.264 filler-data NAL unit (nal_unit_type 12, H.264 7.3.2.7) to an AVC video
 * frame so it weighs about `total` bytes: decoders skip it, so the stream stays valid while its
 * bitrate grows (to fill socket buffers fast in slow-viewer tests).
 */
export function padAvcFrame(body: Uint8Array, total: number): Uint8Array {
  const fillerLength = total - body.length - 4;
  if (body[1] !== 1 || fillerLength < 2) return body;
  const out = new Uint8Array(body.length + 4 + fillerLength);
  out.set(body);
  const view = new DataView(out.buffer);
  view.setUint32(body.length, fillerLength);
  out[body.length + 4] = 12; // forbidden_zero_bit 0, nal_ref_idc 0, type 12
  out.fill(0xff, body.length + 5, out.length - 1);
  out[out.length - 1] = 0x80; // rbsp_trailing_bits
  return out;
}

/** `ffmpeg -re -i FILE -c copy -f flv URL`: publishes a clip in real time, packets untouched. */
export function publishClip(url: string, file: string, timeoutMs = 30_000) {
  return runCommand(
    ffmpegBinary(),
    ['-nostdin', '-v', 'error', '-re', '-i', file, '-c', 'copy', '-f', 'flv', url],
    { timeoutMs },
  );
}
