import {
  audioTrackFromAsc,
  videoTrackFromAv1C,
  videoTrackFromAvcC,
  videoTrackFromHvcC,
} from '@tidecast/media';
import type { Fmp4TrackInfo } from '@tidecast/media';

/**
 * RFC 6381 codecs value of a track read from an init segment, or undefined when it cannot be
 * named (unknown entry or missing configuration). The sample entry's own 4CC is kept (avc3,
 * hev1 are valid prefixes), the rest is built from the decoder configuration record.
 */
export function fmp4CodecString(track: Fmp4TrackInfo): string | undefined {
  const config = track.config;
  try {
    switch (track.configBox) {
      case 'avcC':
        return (
          config && withEntry(videoTrackFromAvcC(config, track.timescale).codecString, track.codec)
        );
      case 'hvcC':
        return (
          config && withEntry(videoTrackFromHvcC(config, track.timescale).codecString, track.codec)
        );
      case 'av1C':
        return config && videoTrackFromAv1C(config, track.timescale).codecString;
      case 'dOps':
        return 'opus';
      case 'esds': {
        const oti = track.objectTypeIndication;
        // 14496-1 Table 5: 0x40 MPEG-4 Audio (object type from the ASC), 0x6B/0x69 MPEG-1/2 Audio.
        if (oti === 0x40) return config && audioTrackFromAsc(config, track.timescale).codecString;
        if (oti === 0x6b) return 'mp4a.6B';
        if (oti === 0x69) return 'mp4a.69';
        return undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** `avc1.64001f` with the entry `avc3` -> `avc3.64001f`. */
function withEntry(codecString: string, entry: string): string {
  const dot = codecString.indexOf('.');
  return /^(avc[13]|hvc1|hev1)$/.test(entry) && dot > 0
    ? entry + codecString.slice(dot)
    : codecString;
}
