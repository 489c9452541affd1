import { splitLengthPrefixed, type NalLengthSize } from '../codecs/h264/annexb.js';
import { parseAvcC } from '../codecs/h264/h264-avcc.js';
import {
  HEVC_NAL_PPS,
  HEVC_NAL_SPS,
  HEVC_NAL_VPS,
  hvcCUnits,
  parseHvcC,
} from '../codecs/h265/h265-hvcc.js';
import { InvalidArgumentError, MediaError, UnsupportedError } from '../errors.js';
import type { VideoTrack } from '../types.js';
import { H264_NAL_AUD, H265_NAL_AUD, StreamType } from './ts-constants.js';

/**
 * Video access units for a transport stream: length-prefixed NAL units (ISO/IEC 14496-15) become
 * an Annex B byte stream that opens with an access unit delimiter, and random access points get
 * the parameter sets in band, since a TS decoder may tune in at any keyframe (ISO/IEC 13818-1
 * 2.14 for AVC, 2.17 for HEVC).
 */

export interface VideoEs {
  streamType: number;
  codec: 'avc' | 'hevc';
  lengthSize: NalLengthSize;
  /** Parameter sets from the decoder configuration, in the order they must be sent. */
  parameterSets: Uint8Array[];
}

/** The parts of one PES payload and their total length. */
export interface EsPayload {
  parts: Uint8Array[];
  length: number;
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);
/** H.264 7.3.2.4: AUD with primary_pic_type 7 (any slice type), then the stop bit. */
const H264_AUD = Uint8Array.of(H264_NAL_AUD, 0xf0);
const H264_NAL_IDR = 5;
const H264_NAL_SPS = 7;
/** H.265 7.3.2.5: pic_type 2 (I, P or B slices), then the stop bit. */
const H265_AUD_PAYLOAD = 0x50;
/** H.265 Table 7-1: IRAP pictures are NAL types 16..23 (BLA, IDR, CRA, reserved IRAP). */
const H265_IRAP_FIRST = 16;
const H265_IRAP_LAST = 23;
const H265_FIRST_NON_VCL = 32;

/** Reads the track's avcC / hvcC once; AV1 has no stream_type in ISO/IEC 13818-1 Table 2-34. */
export function videoEs(track: VideoTrack): VideoEs {
  if (track.codec === 'av1') throw new UnsupportedError('AV1 cannot be carried in MPEG-TS here');
  try {
    if (track.codec === 'avc') {
      const cfg = parseAvcC(track.config);
      const parameterSets = [...cfg.sps, ...cfg.pps].map((u) => u.slice());
      return {
        streamType: StreamType.H264,
        codec: 'avc',
        lengthSize: cfg.lengthSize,
        parameterSets,
      };
    }
    const cfg = parseHvcC(track.config);
    const parameterSets = [HEVC_NAL_VPS, HEVC_NAL_SPS, HEVC_NAL_PPS]
      .flatMap((type) => hvcCUnits(cfg, type))
      .map((u) => u.slice());
    return {
      streamType: StreamType.H265,
      codec: 'hevc',
      lengthSize: cfg.lengthSize,
      parameterSets,
    };
  } catch (error) {
    if (!(error instanceof MediaError) || error instanceof UnsupportedError) throw error;
    throw new InvalidArgumentError(`video track config: ${error.message}`, { cause: error });
  }
}

/**
 * One access unit as Annex B: AUD first (H.264 7.4.1.2.3, H.265 7.4.2.4.4), then the parameter
 * sets when the unit is a random access point that lacks them, then the unit's own NAL units
 * (any AUD it carried is replaced). Throws MalformedError on broken length prefixes.
 */
export function annexBAccessUnit(es: VideoEs, data: Uint8Array, keyframe: boolean): EsPayload {
  const units = splitLengthPrefixed(data, es.lengthSize);
  const avc = es.codec === 'avc';
  const audType = avc ? H264_NAL_AUD : H265_NAL_AUD;
  const kept = units.filter((u) => nalType(avc, u) !== audType);
  const types = kept.map((u) => nalType(avc, u));
  const randomAccess =
    keyframe ||
    types.some((t) => (avc ? t === H264_NAL_IDR : t >= H265_IRAP_FIRST && t <= H265_IRAP_LAST));
  const hasParameterSets = types.includes(avc ? H264_NAL_SPS : HEVC_NAL_SPS);
  const nals: Uint8Array[] = [avc ? H264_AUD : hevcAud(kept)];
  if (randomAccess && !hasParameterSets) nals.push(...es.parameterSets);
  nals.push(...kept);
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const nal of nals) {
    parts.push(START_CODE, nal);
    length += START_CODE.length + nal.length;
  }
  return { parts, length };
}

function nalType(avc: boolean, nal: Uint8Array): number {
  const b0 = nal[0] ?? 0;
  return avc ? b0 % 32 : Math.floor(b0 / 2) % 64;
}

/** An HEVC AUD must carry the TemporalId of its access unit (H.265 7.4.2.2). */
function hevcAud(units: readonly Uint8Array[]): Uint8Array {
  const vcl = units.find((u) => nalType(false, u) < H265_FIRST_NON_VCL && u.length >= 2);
  const temporalIdPlus1 = vcl === undefined ? 1 : Math.max(1, (vcl[1] ?? 1) % 8);
  // forbidden_zero_bit 0, nal_unit_type 35, nuh_layer_id 0, nuh_temporal_id_plus1
  return Uint8Array.of(H265_NAL_AUD * 2, temporalIdPlus1, H265_AUD_PAYLOAD);
}
