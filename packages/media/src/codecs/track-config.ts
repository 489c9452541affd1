import { MalformedError, asMediaError } from '../errors.js';
import type { AudioTrack, VideoTrack } from '../types.js';
import { parseAudioSpecificConfig } from './aac/aac-asc.js';
import { parseAv1C } from './av1/av1-config.js';
import {
  aacCodecString,
  av1CodecString,
  avcCodecString,
  hevcCodecString,
  mp3CodecString,
  opusCodecString,
} from './codec-string.js';
import { parseAvcC } from './h264/h264-avcc.js';
import { parseH264Sps } from './h264/h264-sps.js';
import { HEVC_NAL_SPS, hvcCUnits, parseHvcC } from './h265/h265-hvcc.js';
import { parseH265Sps } from './h265/h265-sps.js';
import { parseMp3Header } from './mp3/mp3-header.js';
import { buildDOps, parseOpusHead } from './opus/opus-head.js';

/**
 * Turns codec configuration (FLV sequence headers, MP4 sample entries) into tracks. Every
 * function copies its input into `config`, so callers may pass views into reusable buffers,
 * and throws only MediaError.
 */

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asMediaError(e);
  }
}

/** From an avcC payload; size, SAR and frame rate come from its first SPS. */
export function videoTrackFromAvcC(avcC: Uint8Array, timescale: number): VideoTrack {
  return guard(() => {
    const cfg = parseAvcC(avcC);
    const first = cfg.sps[0];
    if (first === undefined) throw new MalformedError('avcC carries no SPS');
    const sps = parseH264Sps(first);
    return {
      kind: 'video',
      codec: 'avc',
      codecString: avcCodecString(cfg),
      width: sps.width,
      height: sps.height,
      sarNum: sps.sarNum,
      sarDen: sps.sarDen,
      frameRate: sps.frameRate,
      timescale,
      config: avcC.slice(),
    };
  });
}

/** From an hvcC payload; size, SAR and frame rate come from its first SPS. */
export function videoTrackFromHvcC(hvcC: Uint8Array, timescale: number): VideoTrack {
  return guard(() => {
    const cfg = parseHvcC(hvcC);
    const first = hvcCUnits(cfg, HEVC_NAL_SPS)[0];
    if (first === undefined) throw new MalformedError('hvcC carries no SPS');
    const sps = parseH265Sps(first);
    return {
      kind: 'video',
      codec: 'hevc',
      codecString: hevcCodecString(cfg),
      width: sps.width,
      height: sps.height,
      sarNum: sps.sarNum,
      sarDen: sps.sarDen,
      frameRate: sps.frameRate,
      timescale,
      config: hvcC.slice(),
    };
  });
}

/**
 * From an av1C payload. Size comes from the sequence header OBU in configOBUs; without one it is
 * reported as 0x0 (unknown) rather than failing, since the header may arrive in-band.
 */
export function videoTrackFromAv1C(av1C: Uint8Array, timescale: number): VideoTrack {
  return guard(() => {
    const cfg = parseAv1C(av1C);
    const seq = cfg.sequenceHeader;
    return {
      kind: 'video',
      codec: 'av1',
      codecString: av1CodecString(cfg),
      width: seq?.maxFrameWidth ?? 0,
      height: seq?.maxFrameHeight ?? 0,
      sarNum: 1,
      sarDen: 1,
      frameRate: seq?.frameRate,
      timescale,
      config: av1C.slice(),
    };
  });
}

/** From an AudioSpecificConfig; rate and channels are the decoder's output (SBR/PS applied). */
export function audioTrackFromAsc(asc: Uint8Array, timescale: number): AudioTrack {
  return guard(() => {
    const cfg = parseAudioSpecificConfig(asc);
    return {
      kind: 'audio',
      codec: 'aac',
      codecString: aacCodecString(cfg.signalledObjectType),
      sampleRate: cfg.sampleRate,
      channels: cfg.channels,
      timescale,
      config: asc.slice(),
    };
  });
}

/** From any MP3 frame (only its 4-byte header is read); `config` is empty. */
export function audioTrackFromMp3Frame(frame: Uint8Array, timescale: number): AudioTrack {
  return guard(() => {
    const h = parseMp3Header(frame, 0);
    return {
      kind: 'audio',
      codec: 'mp3',
      codecString: mp3CodecString(),
      sampleRate: h.sampleRate,
      channels: h.channels,
      timescale,
      config: new Uint8Array(0),
    };
  });
}

/** From an OpusHead packet; `config` is the dOps payload. Opus always decodes at 48 kHz. */
export function audioTrackFromOpusHead(opusHead: Uint8Array, timescale: number): AudioTrack {
  return guard(() => {
    const head = parseOpusHead(opusHead);
    return {
      kind: 'audio',
      codec: 'opus',
      codecString: opusCodecString(),
      sampleRate: 48000,
      channels: head.channels,
      timescale,
      config: buildDOps(head),
    };
  });
}
