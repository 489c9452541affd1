import { Amf0EcmaArray, FlvMuxer, fourccValue } from '@tidecast/media';
import type { Amf0Object, AudioTrack, TrackInfo, VideoTrack } from '@tidecast/media';
import type { AtomicOutput } from './atomic-output.js';
import { BatchedWriter } from './batched-writer.js';
import { CliError, EXIT_DATA } from './cli-errors.js';
import { demuxMediaFile } from './media-file-events.js';
import type { MediaScan } from './media-scan.js';

/**
 * FLV -> clean FLV: a fresh header with the right audio/video flags, one onMetaData that
 * describes what is really in the file (FLV spec v10.1 E.5), sequence headers where the
 * configuration starts or changes, and every packet re-framed with correct PreviousTagSize
 * values. The original onMetaData is replaced; other script tags (cue points) are kept.
 */
export async function remuxFlvToFlv(
  input: string,
  output: AtomicOutput,
  scan: MediaScan,
  progressLabel: string | undefined,
): Promise<void> {
  if (scan.kinds.length === 0) {
    throw new CliError(`${input}: no playable audio or video found`, EXIT_DATA);
  }
  const muxer = new FlvMuxer();
  const writer = new BatchedWriter(output);
  await writer.write(
    muxer.header({
      hasVideo: scan.kinds.includes('video'),
      hasAudio: scan.kinds.includes('audio'),
    }),
  );
  await writer.write(muxer.script('onMetaData', describe(scan), 0));
  const current: { video?: TrackInfo; audio?: TrackInfo } = {};
  let lastDtsMs = scan.firstDtsMs ?? 0;
  await demuxMediaFile(
    input,
    async (event) => {
      switch (event.type) {
        case 'track': {
          current[event.track.kind] = event.track;
          const dts = Math.round((lastDtsMs * event.track.timescale) / 1000);
          const tag = muxer.sequenceHeader(event.track, dts);
          if (tag !== undefined) await writer.write(tag);
          break;
        }
        case 'packet': {
          const track = current[event.packet.kind];
          if (track === undefined) return;
          lastDtsMs = (event.packet.dts * 1000) / event.packet.timescale;
          await writer.write(muxer.packet(event.packet, track));
          break;
        }
        case 'script':
          if (event.name !== 'onMetaData') {
            await writer.write(muxer.script(event.name, event.value, event.dts));
          }
          break;
        default:
          break;
      }
    },
    { progressLabel, format: scan.format },
  );
  await writer.flush();
}

function describe(scan: MediaScan): Amf0EcmaArray {
  const seconds = scan.durationMs / 1000;
  const meta: Amf0Object = { duration: round3(seconds) };
  if (scan.video !== undefined) Object.assign(meta, describeVideo(scan.video));
  if (scan.audio !== undefined) Object.assign(meta, describeAudio(scan.audio));
  if (seconds > 0) {
    if (scan.videoPackets > 0)
      meta['videodatarate'] = round3((scan.videoBytes * 8) / 1000 / seconds);
    if (scan.audioPackets > 0)
      meta['audiodatarate'] = round3((scan.audioBytes * 8) / 1000 / seconds);
  }
  meta['encoder'] = 'Tidecast';
  return new Amf0EcmaArray(meta);
}

/** Codec ids as FLV E.4.3.1 numbers for legacy codecs, Enhanced RTMP FourCC values otherwise. */
function describeVideo(track: VideoTrack): Amf0Object {
  const codecId = track.codec === 'avc' ? 7 : fourccValue(track.codec === 'hevc' ? 'hvc1' : 'av01');
  const meta: Amf0Object = { width: track.width, height: track.height, videocodecid: codecId };
  if (track.frameRate !== undefined) meta['framerate'] = round3(track.frameRate);
  return meta;
}

function describeAudio(track: AudioTrack): Amf0Object {
  const codecId = track.codec === 'aac' ? 10 : track.codec === 'mp3' ? 2 : fourccValue('Opus');
  return {
    audiocodecid: codecId,
    audiosamplerate: track.sampleRate,
    audiosamplesize: 16,
    stereo: track.channels >= 2,
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
