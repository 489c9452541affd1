import { MalformedError, onlyMediaErrors } from '../errors.js';
import type { AudioCodec, AudioTrack, VideoCodec, VideoTrack } from '../types.js';
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

/** What a video track takes from its bitstream (an SPS, an AV1 sequence header). */
type Picture = Pick<VideoTrack, 'width' | 'height' | 'sarNum' | 'sarDen' | 'frameRate'>;

function videoTrack(
  codec: VideoCodec,
  codecString: string,
  picture: Picture,
  timescale: number,
  config: Uint8Array,
): VideoTrack {
  // Picked field by field: a parsed SPS passed as `picture` carries many more.
  const { width, height, sarNum, sarDen, frameRate } = picture;
  return {
    kind: 'video',
    codec,
    codecString,
    width,
    height,
    sarNum,
    sarDen,
    frameRate,
    timescale,
    config,
  };
}

function audioTrack(
  codec: AudioCodec,
  codecString: string,
  sampleRate: number,
  channels: number,
  timescale: number,
  config: Uint8Array,
): AudioTrack {
  return { kind: 'audio', codec, codecString, sampleRate, channels, timescale, config };
}

/** From an avcC payload; size, SAR and frame rate come from its first SPS. */
export function videoTrackFromAvcC(avcC: Uint8Array, timescale: number): VideoTrack {
  return onlyMediaErrors(() => {
    const cfg = parseAvcC(avcC);
    const first = cfg.sps[0];
    if (first === undefined) throw new MalformedError('avcC carries no SPS');
    return videoTrack('avc', avcCodecString(cfg), parseH264Sps(first), timescale, avcC.slice());
  });
}

/** From an hvcC payload; size, SAR and frame rate come from its first SPS. */
export function videoTrackFromHvcC(hvcC: Uint8Array, timescale: number): VideoTrack {
  return onlyMediaErrors(() => {
    const cfg = parseHvcC(hvcC);
    const first = hvcCUnits(cfg, HEVC_NAL_SPS)[0];
    if (first === undefined) throw new MalformedError('hvcC carries no SPS');
    return videoTrack('hevc', hevcCodecString(cfg), parseH265Sps(first), timescale, hvcC.slice());
  });
}

/**
 * From an av1C payload. Size comes from the sequence header OBU in configOBUs; without one it is
 * reported as 0x0 (unknown) rather than failing, since the header may arrive in-band.
 */
export function videoTrackFromAv1C(av1C: Uint8Array, timescale: number): VideoTrack {
  return onlyMediaErrors(() => {
    const cfg = parseAv1C(av1C);
    const seq = cfg.sequenceHeader;
    const picture: Picture = {
      width: seq?.maxFrameWidth ?? 0,
      height: seq?.maxFrameHeight ?? 0,
      sarNum: 1,
      sarDen: 1,
      frameRate: seq?.frameRate,
    };
    return videoTrack('av1', av1CodecString(cfg), picture, timescale, av1C.slice());
  });
}

/** From an AudioSpecificConfig; rate and channels are the decoder's output (SBR/PS applied). */
export function audioTrackFromAsc(asc: Uint8Array, timescale: number): AudioTrack {
  return onlyMediaErrors(() => {
    const cfg = parseAudioSpecificConfig(asc);
    const codecString = aacCodecString(cfg.signalledObjectType);
    return audioTrack('aac', codecString, cfg.sampleRate, cfg.channels, timescale, asc.slice());
  });
}

/** From any MP3 frame (only its 4-byte header is read); `config` is empty. */
export function audioTrackFromMp3Frame(frame: Uint8Array, timescale: number): AudioTrack {
  return onlyMediaErrors(() => {
    const h = parseMp3Header(frame, 0);
    return audioTrack(
      'mp3',
      mp3CodecString(),
      h.sampleRate,
      h.channels,
      timescale,
      new Uint8Array(0),
    );
  });
}

/** From an OpusHead packet; `config` is the dOps payload. Opus always decodes at 48 kHz. */
export function audioTrackFromOpusHead(opusHead: Uint8Array, timescale: number): AudioTrack {
  return onlyMediaErrors(() => {
    const head = parseOpusHead(opusHead);
    return audioTrack('opus', opusCodecString(), 48000, head.channels, timescale, buildDOps(head));
  });
}
