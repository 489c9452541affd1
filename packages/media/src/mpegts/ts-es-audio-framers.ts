import { adtsToAsc, splitAdtsFrames } from '../codecs/aac/aac-adts.js';
import type { AdtsHeader } from '../codecs/aac/aac-adts.js';
import { parseMp3Header } from '../codecs/mp3/mp3-header.js';
import type { Mp3Header } from '../codecs/mp3/mp3-header.js';
import { audioTrackFromAsc, audioTrackFromMp3Frame } from '../codecs/track-config.js';
import type { AudioTrack } from '../types.js';
import type { AudioFrame, AudioFramer, AudioSplit } from './ts-es-audio.js';
import { TS_TIMESCALE } from './ts-constants.js';

/** AAC frames carry 1024 samples per raw_data_block (ISO/IEC 14496-3 1.6.5.2, 960 unused in ADTS). */
const AAC_FRAME_SAMPLES = 1024;

interface AdtsFrame extends AudioFrame {
  header: AdtsHeader;
}

/** AAC in ADTS (stream_type 0x0f, ISO/IEC 13818-7 6.2): one packet per raw_data_block. */
export class AdtsFramer implements AudioFramer<AdtsFrame> {
  readonly codec = 'aac' as const;
  private asc: Uint8Array | undefined;

  split(bytes: Uint8Array): AudioSplit<AdtsFrame> {
    const split = splitAdtsFrames(bytes);
    const frames = split.frames.map((f) => ({
      start: f.offset,
      end: f.offset + f.header.frameLength,
      payload: f.payload,
      samples: AAC_FRAME_SAMPLES * f.header.rawDataBlocks,
      sampleRate: f.header.sampleRate,
      header: f.header,
    }));
    return { frames, consumed: split.consumed, skipped: split.skipped };
  }

  unsupported(frame: AdtsFrame): string | undefined {
    // Several raw_data_blocks share one header and must be split by parsing the AAC syntax.
    return frame.header.rawDataBlocks > 1
      ? 'ADTS frames with more than one raw_data_block are not supported'
      : undefined;
  }

  track(frame: AdtsFrame): AudioTrack | undefined {
    const asc = adtsToAsc(frame.header);
    if (this.asc !== undefined && sameBytes(asc, this.asc)) return undefined;
    const track = audioTrackFromAsc(asc, TS_TIMESCALE);
    this.asc = asc;
    return track;
  }
}

interface Mp3Frame extends AudioFrame {
  header: Mp3Header;
}

/**
 * MPEG-1/2 audio (stream_type 0x03/0x04, ISO/IEC 11172-3 / 13818-3): whole frames, header
 * included. A header counts only when the next frame's sync follows it (or the input ends
 * right after it), as junk often holds 0xFFE.
 */
export class Mp3Framer implements AudioFramer<Mp3Frame> {
  readonly codec = 'mp3' as const;
  private key = '';

  split(bytes: Uint8Array): AudioSplit<Mp3Frame> {
    const frames: Mp3Frame[] = [];
    let pos = 0;
    let skipped = 0;
    while (pos + 4 <= bytes.length) {
      let header: Mp3Header | undefined;
      try {
        header = parseMp3Header(bytes, pos);
      } catch {
        header = undefined;
      }
      if (header === undefined || header.frameLength < 4) {
        pos++;
        skipped++;
        continue;
      }
      const end = pos + header.frameLength;
      if (end > bytes.length) break; // wait for the rest
      if (end < bytes.length) {
        if (end + 1 >= bytes.length) break; // the next sync cannot be checked yet
        if (bytes[end] !== 0xff || (bytes[end + 1] ?? 0) < 0xe0) {
          pos++;
          skipped++;
          continue;
        }
      }
      frames.push({
        start: pos,
        end,
        payload: bytes.subarray(pos, end),
        samples: header.samplesPerFrame,
        sampleRate: header.sampleRate,
        header,
      });
      pos = end;
    }
    return { frames, consumed: pos, skipped };
  }

  track(frame: Mp3Frame): AudioTrack | undefined {
    const h = frame.header;
    const key = `${h.version}/${h.layer}/${h.sampleRate}/${h.channels}`;
    if (key === this.key) return undefined;
    const track = audioTrackFromMp3Frame(frame.payload, TS_TIMESCALE);
    this.key = key;
    return track;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
