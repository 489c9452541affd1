import { joinLengthPrefixed, splitAnnexB } from '../codecs/h264/annexb.js';
import { buildAvcC } from '../codecs/h264/h264-avcc.js';
import { HEVC_NAL_PPS, HEVC_NAL_SPS, HEVC_NAL_VPS, buildHvcC } from '../codecs/h265/h265-hvcc.js';
import { videoTrackFromAvcC, videoTrackFromHvcC } from '../codecs/track-config.js';
import { MalformedError, asMediaError } from '../errors.js';
import type { MediaPacket } from '../types.js';
import { H264_NAL_AUD, H265_NAL_AUD, TS_TIMESCALE } from './ts-constants.js';
import type { EsSink, EsStream, EsUnit } from './ts-es-stream.js';

/** H.264 nal_unit_type values (H.264 Table 7-1). */
const H264_IDR = 5;
const H264_SPS = 7;
const H264_PPS = 8;

/** Parameter sets by kind; `vps` stays empty for H.264. */
interface ParameterSets {
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/**
 * H.264 / H.265 in a transport stream (ISO/IEC 13818-1 2.14, 2.17): each PES carries one access
 * unit as an Annex B byte stream. Access units leave as AVCC/HVCC samples with 4-byte lengths;
 * the access unit delimiter and the in-band parameter sets are taken out, the latter becoming
 * the track's avcC/hvcC (a new `track` event whenever they change).
 */
export class VideoEs implements EsStream {
  private readonly codec: 'avc' | 'hevc';
  private sets: ParameterSets = { vps: [], sps: [], pps: [] };
  private config: Uint8Array | undefined;

  constructor(codec: 'avc' | 'hevc') {
    this.codec = codec;
  }

  get bufferedBytes(): number {
    return 0;
  }

  push(unit: EsUnit, sink: EsSink): void {
    if (unit.pts === undefined || unit.dts === undefined) {
      const error = new MalformedError(
        `video PES without PTS dropped (first at offset ${unit.offset})`,
        { offset: unit.offset },
      );
      sink.warn(error, 'video-no-pts');
      return;
    }
    const hevc = this.codec === 'hevc';
    const found: ParameterSets = { vps: [], sps: [], pps: [] };
    const units: Uint8Array[] = [];
    let keyframe = false;
    for (const nal of splitAnnexB(unit.data)) {
      const b0 = nal[0] ?? 0;
      // H.264 7.3.1: nal_unit_type is the low 5 bits; H.265 7.3.1.2: bits 1..6 of byte 0.
      const type = hevc ? Math.floor(b0 / 2) % 64 : b0 % 32;
      if (hevc) {
        if (type === H265_NAL_AUD) continue;
        if (type === HEVC_NAL_VPS) found.vps.push(nal);
        else if (type === HEVC_NAL_SPS) found.sps.push(nal);
        else if (type === HEVC_NAL_PPS) found.pps.push(nal);
        else {
          // IRAP pictures are nal_unit_type 16..23 (H.265 Table 7-1).
          if (type >= 16 && type <= 23) keyframe = true;
          units.push(nal);
        }
      } else {
        if (type === H264_NAL_AUD) continue;
        if (type === H264_SPS) found.sps.push(nal);
        else if (type === H264_PPS) found.pps.push(nal);
        else {
          if (type === H264_IDR) keyframe = true;
          units.push(nal);
        }
      }
    }
    if (found.sps.length + found.pps.length + found.vps.length > 0) {
      this.updateConfig(found, unit.offset, sink);
    }
    if (units.length === 0) return;
    if (this.config === undefined) {
      const error = new MalformedError(
        `video access units before the first SPS/PPS are dropped (first at offset ${unit.offset})`,
        { offset: unit.offset },
      );
      sink.warn(error, 'video-no-config');
      return;
    }
    let data: Uint8Array;
    try {
      data = joinLengthPrefixed(units, 4);
    } catch (e) {
      sink.warn(asMediaError(e, unit.offset));
      return;
    }
    const packet: MediaPacket = {
      kind: 'video',
      dts: unit.dts,
      pts: unit.pts,
      timescale: TS_TIMESCALE,
      keyframe,
      data,
    };
    sink.events.push({ type: 'packet', packet });
  }

  flush(): void {
    // Every PES is one whole access unit: nothing is held between them.
  }

  discard(): void {
    // Nothing partial is kept here; the PES assembler drops the damaged PES itself.
  }

  /**
   * Parameter sets of a kind found in this access unit replace the previous ones of that kind.
   * A record that cannot be built (bad SPS) is reported and the old configuration kept.
   */
  private updateConfig(found: ParameterSets, offset: number, sink: EsSink): void {
    const next: ParameterSets = {
      vps: found.vps.length > 0 ? found.vps : this.sets.vps,
      sps: found.sps.length > 0 ? found.sps : this.sets.sps,
      pps: found.pps.length > 0 ? found.pps : this.sets.pps,
    };
    if (
      this.config !== undefined &&
      sameList(next.vps, this.sets.vps) &&
      sameList(next.sps, this.sets.sps) &&
      sameList(next.pps, this.sets.pps)
    ) {
      return; // the usual case: the same sets repeated before every keyframe
    }
    if (next.sps.length === 0 || next.pps.length === 0) {
      // Not usable yet; keep what came so the rest can complete it.
      this.sets = copySets(next);
      return;
    }
    try {
      const hevc = this.codec === 'hevc';
      const config = hevc ? buildHvcC(next) : buildAvcC(next);
      const track = hevc
        ? videoTrackFromHvcC(config, TS_TIMESCALE)
        : videoTrackFromAvcC(config, TS_TIMESCALE);
      this.sets = copySets(next);
      this.config = config;
      sink.events.push({ type: 'track', track });
    } catch (e) {
      const inner = asMediaError(e, offset);
      const error = new MalformedError(
        `video parameter sets at offset ${offset} ignored: ${inner.message}`,
        { offset, cause: inner },
      );
      sink.warn(error);
    }
  }
}

/** Own copies: the sets outlive the PES buffer they were found in. */
function copySets(sets: ParameterSets): ParameterSets {
  return { vps: sets.vps.map(copy), sps: sets.sps.map(copy), pps: sets.pps.map(copy) };
}

function copy(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

function sameList(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}
