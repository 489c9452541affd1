import { audioTrackFromOpusHead } from '../codecs/track-config.js';
import type { AudioTrack } from '../types.js';
import type { AudioFrame, AudioFramer, AudioSplit } from './ts-es-audio.js';
import { TS_TIMESCALE } from './ts-constants.js';

/**
 * Opus in MPEG-2 TS (ETSI TS 102 366 style mapping used by the Opus-in-TS specification): each
 * Opus packet is preceded by an opus_control_header — 11 bits 0x3ff, start_trim_flag,
 * end_trim_flag, control_extension_flag, 2 reserved bits, then au_size as a run of 0xff bytes
 * plus a final byte, then the optional trims and extension.
 */

const OPUS_RATE = 48000;

/** Opus frame sizes at 48 kHz by TOC config (RFC 6716 3.1, Table 2). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4] ?? 0; // SILK: 10/20/40/60 ms
  if (config < 16) return config % 2 === 0 ? 480 : 960; // Hybrid: 10/20 ms
  return [120, 240, 480, 960][config % 4] ?? 0; // CELT: 2.5/5/10/20 ms
}

/** Samples at 48 kHz in one Opus packet (RFC 6716 3.1, 3.2.5), 0 when it cannot be told. */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const code = toc % 4;
  const count = code === 0 ? 1 : code < 3 ? 2 : (packet[1] ?? 0) % 64;
  return count * frameSamples(Math.floor(toc / 8));
}

/**
 * OpusHead for a channel_config_code from the extension descriptor (0x7f, tag_extension 0x80):
 * 1..8 channels use mapping family 0 (1-2) or 1 with the Vorbis order (RFC 7845 5.1.1.2);
 * 0 is dual mono: two uncoupled mono streams, family 255.
 */
export function opusHeadForChannelConfig(code: number): Uint8Array {
  const dualMono = code === 0;
  const channels = dualMono ? 2 : Math.max(1, Math.min(8, code));
  const family = dualMono ? 255 : channels > 2 ? 1 : 0;
  const head: number[] = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // "OpusHead"
  head.push(1, channels, 0, 0); // version, channel count, pre-skip 0 (unknown in TS)
  head.push(0x80, 0xbb, 0, 0, 0, 0, family); // input rate 48000 LE, gain 0, family
  if (family !== 0) {
    const table = dualMono
      ? { streams: 2, coupled: 0, map: [0, 1] }
      : (VORBIS_MAPPINGS[channels] ?? { streams: 1, coupled: 1, map: [0, 1] });
    head.push(table.streams, table.coupled, ...table.map);
  }
  return Uint8Array.from(head);
}

/** Streams, coupled streams and channel mapping for family 1 (RFC 7845 5.1.1.2). */
const VORBIS_MAPPINGS: Readonly<
  Record<number, { streams: number; coupled: number; map: number[] }>
> = {
  3: { streams: 2, coupled: 1, map: [0, 2, 1] },
  4: { streams: 2, coupled: 2, map: [0, 1, 2, 3] },
  5: { streams: 3, coupled: 2, map: [0, 4, 1, 2, 3] },
  6: { streams: 4, coupled: 2, map: [0, 4, 1, 2, 3, 5] },
  7: { streams: 4, coupled: 3, map: [0, 4, 1, 2, 3, 5, 6] },
  8: { streams: 5, coupled: 3, map: [0, 6, 1, 2, 3, 4, 5, 7] },
};

export class OpusFramer implements AudioFramer<AudioFrame> {
  readonly codec = 'opus' as const;
  private readonly head: Uint8Array;
  private announced = false;

  constructor(channelConfig: number) {
    this.head = opusHeadForChannelConfig(channelConfig);
  }

  split(bytes: Uint8Array): AudioSplit<AudioFrame> {
    const frames: AudioFrame[] = [];
    let pos = 0;
    let skipped = 0;
    while (pos + 2 <= bytes.length) {
      if (bytes[pos] !== 0x7f || (bytes[pos + 1] ?? 0) < 0xe0) {
        pos++;
        skipped++;
        continue;
      }
      const flags = bytes[pos + 1] ?? 0;
      let p = pos + 2;
      let size = 0;
      let complete = false;
      while (p < bytes.length) {
        const b = bytes[p++] ?? 0;
        size += b;
        if (b !== 0xff) {
          complete = true;
          break;
        }
      }
      if (!complete) break;
      if (Math.floor(flags / 16) % 2 === 1) p += 2; // start_trim
      if (Math.floor(flags / 8) % 2 === 1) p += 2; // end_trim
      if (Math.floor(flags / 4) % 2 === 1) {
        if (p >= bytes.length) break;
        p += 1 + (bytes[p] ?? 0); // control_extension_length + its bytes
      }
      const end = p + size;
      if (end > bytes.length) break;
      const payload = bytes.subarray(p, end);
      const samples = opusPacketSamples(payload);
      if (samples === 0) {
        // An empty packet or an impossible frame count: not an Opus packet, look further.
        pos++;
        skipped++;
        continue;
      }
      frames.push({ start: pos, end, payload, samples, sampleRate: OPUS_RATE });
      pos = end;
    }
    return { frames, consumed: pos, skipped };
  }

  track(): AudioTrack | undefined {
    if (this.announced) return undefined;
    const track = audioTrackFromOpusHead(this.head, TS_TIMESCALE);
    this.announced = true;
    return track;
  }
}
