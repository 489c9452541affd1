import type { Fmp4TrackInfo, TrackInfo } from '@tidecast/media';
import type { AudioSummary, MediaSummary, VideoSummary } from './transmux-types.js';

/**
 * The MediaSummary of an init segment: RFC 6381 codec strings joined into the MIME type that
 * MediaSource.isTypeSupported / addSourceBuffer take (RFC 6381 3.1, `codecs` parameter).
 */
export function summarize(
  video: VideoSummary | undefined,
  audio: AudioSummary | undefined,
): MediaSummary {
  const codecs = [video?.codec, audio?.codec].filter((c): c is string => c !== undefined);
  const container = video === undefined && audio !== undefined ? 'audio/mp4' : 'video/mp4';
  const summary: MediaSummary = { mimeType: `${container}; codecs="${codecs.join(',')}"` };
  if (video !== undefined) summary.video = video;
  if (audio !== undefined) summary.audio = audio;
  return summary;
}

/** From the demuxer's tracks (FLV path). */
export function summarizeTracks(tracks: readonly TrackInfo[]): MediaSummary {
  let video: VideoSummary | undefined;
  let audio: AudioSummary | undefined;
  for (const t of tracks) {
    if (t.kind === 'video') {
      video = { codec: t.codecString, width: t.width, height: t.height };
      if (t.frameRate !== undefined && t.frameRate > 0) video.frameRate = t.frameRate;
    } else {
      audio = { codec: t.codecString, sampleRate: t.sampleRate, channels: t.channels };
    }
  }
  return summarize(video, audio);
}

/** From an init segment's tracks (fMP4 passthrough); `codecOf` gives each track's RFC 6381 string. */
export function summarizeMp4Tracks(
  tracks: readonly Fmp4TrackInfo[],
  codecOf: (track: Fmp4TrackInfo) => string | undefined,
): MediaSummary {
  let video: VideoSummary | undefined;
  let audio: AudioSummary | undefined;
  for (const t of tracks) {
    const codec = codecOf(t);
    if (codec === undefined) continue;
    if (t.kind === 'video' && video === undefined) {
      video = {
        codec,
        width: t.width ?? t.displayWidth ?? 0,
        height: t.height ?? t.displayHeight ?? 0,
      };
    } else if (t.kind === 'audio' && audio === undefined) {
      audio = { codec, sampleRate: t.sampleRate ?? t.timescale, channels: t.channels ?? 2 };
    }
  }
  return summarize(video, audio);
}
