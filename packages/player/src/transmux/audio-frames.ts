import { parseAudioSpecificConfig, parseMp3Header } from '@tidecast/media';
import type { AudioTrack } from '@tidecast/media';
import { silentAacFrame } from './silent-aac.js';

/** How one audio track's frames are timed in the MP4 (timescale = mp4Timescale(track)). */
export interface AudioFraming {
  /** Ticks per frame when every frame has the same length (AAC), else undefined. */
  fixedTicks: number | undefined;
  /** A silent frame to fill gaps with (AAC-LC with a fixed channel layout only). */
  silentFrame: Uint8Array | undefined;
  /** Fallback frame length in ticks when a frame's own length cannot be read. */
  defaultTicks: number;
}

export function audioFraming(track: AudioTrack): AudioFraming {
  if (track.codec === 'aac') {
    try {
      const asc = parseAudioSpecificConfig(track.config);
      // 14496-3 4.5.1.1: 1024 or 960 core samples; SBR doubles the output rate (and ticks).
      const ticks = Math.round((asc.frameLength * asc.sampleRate) / asc.coreSampleRate);
      // Only plain AAC-LC: an LC frame without SBR/PS payload would change an HE-AAC decoder's mode.
      const silent =
        asc.objectType === 2 && !asc.sbr && !asc.ps
          ? silentAacFrame(asc.channelConfiguration)
          : undefined;
      return { fixedTicks: ticks, silentFrame: silent, defaultTicks: ticks };
    } catch {
      return { fixedTicks: 1024, silentFrame: undefined, defaultTicks: 1024 };
    }
  }
  if (track.codec === 'mp3')
    return { fixedTicks: undefined, silentFrame: undefined, defaultTicks: 1152 };
  return { fixedTicks: undefined, silentFrame: undefined, defaultTicks: 960 };
}

/** Length of one frame in the track's MP4 ticks. */
export function audioFrameTicks(
  track: AudioTrack,
  framing: AudioFraming,
  data: Uint8Array,
): number {
  if (framing.fixedTicks !== undefined) return framing.fixedTicks;
  if (track.codec === 'mp3') {
    try {
      return parseMp3Header(data, 0).samplesPerFrame;
    } catch {
      return framing.defaultTicks;
    }
  }
  return opusPacketTicks(data) ?? framing.defaultTicks;
}

/** Opus frame sizes in 48 kHz ticks by TOC config (RFC 6716 3.1, Table 2). */
function opusFrameTicks(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4] ?? 960; // SILK: 10/20/40/60 ms
  if (config < 16) return config % 2 === 0 ? 480 : 960; // Hybrid: 10/20 ms
  return [120, 240, 480, 960][config % 4] ?? 960; // CELT: 2.5/5/10/20 ms
}

/** Duration of an Opus packet from its TOC byte and frame count (RFC 6716 3.1, 3.2.5). */
export function opusPacketTicks(packet: Uint8Array): number | undefined {
  const toc = packet[0];
  if (toc === undefined) return undefined;
  const code = toc % 4;
  let frames = 1;
  if (code === 1 || code === 2) frames = 2;
  else if (code === 3) {
    const count = packet[1];
    if (count === undefined) return undefined;
    frames = count % 64;
    if (frames === 0) return undefined;
  }
  return opusFrameTicks(Math.floor(toc / 8)) * frames;
}
