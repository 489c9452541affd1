import { MalformedError, onlyMediaErrors } from '../../errors.js';
import { BitReader, unescapeRbsp } from '../../io/bit-reader.js';
import { croppedSize, readCropWindow, readVui, readVuiTiming } from './h264-sps-shared.js';
import type { VuiSummary } from './h264-vui.js';

/** What a sequence parameter set says about the picture (ITU-T H.264 7.3.2.1.1). */
export interface H264Sps {
  profileIdc: number;
  /** constraint_set0..5_flag and reserved_zero_2bits as the byte that carries them. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  frameMbsOnly: boolean;
  /** Decoded picture size in luma samples before cropping. */
  codedWidth: number;
  codedHeight: number;
  /** Output size after frame cropping (7.4.2.1.1). */
  width: number;
  height: number;
  crop: { left: number; right: number; top: number; bottom: number };
  /** Sample aspect ratio (E.2.1, Table E-1); 1:1 when not signalled or unspecified. */
  sarNum: number;
  sarDen: number;
  /** time_scale / (2 * num_units_in_tick) when VUI timing is present (E.2.1), else undefined. */
  frameRate: number | undefined;
  vui: VuiSummary | undefined;
}

/** profile_idc values whose SPS carries chroma_format_idc and bit depths (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/**
 * Parses an SPS NAL unit, including its 1-byte NAL header. Throws only MediaError.
 */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  return onlyMediaErrors(() => parseSps(nal));
}

function parseSps(nal: Uint8Array): H264Sps {
  if (nal.length < 4) throw new MalformedError(`H.264 SPS too short: ${nal.length} bytes`);
  const header = nal[0] ?? 0;
  const nalType = header % 32;
  if (header >= 0x80) throw new MalformedError('H.264 NAL forbidden_zero_bit is set');
  if (nalType !== 7) throw new MalformedError(`H.264 NAL type ${nalType} is not an SPS (7)`);
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  const spsId = r.ue();
  if (spsId > 31) throw new MalformedError(`seq_parameter_set_id ${spsId} > 31`);

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new MalformedError(`chroma_format_idc ${chromaFormatIdc} > 3`);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = 8 + r.ue();
    bitDepthChroma = 8 + r.ue();
    if (bitDepthLuma > 14 || bitDepthChroma > 14) {
      throw new MalformedError(`bit depth ${bitDepthLuma}/${bitDepthChroma} beyond 14`);
    }
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      // seq_scaling_matrix_present_flag: 6 4x4 lists, then 2 or 6 8x8 lists.
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }

  const log2MaxFrameNumMinus4 = r.ue();
  if (log2MaxFrameNumMinus4 > 12)
    throw new MalformedError(`log2_max_frame_num_minus4 ${log2MaxFrameNumMinus4} > 12`);
  const pocType = r.ue();
  if (pocType === 0) {
    const lsb = r.ue(); // log2_max_pic_order_cnt_lsb_minus4
    if (lsb > 12) throw new MalformedError(`log2_max_pic_order_cnt_lsb_minus4 ${lsb} > 12`);
  } else if (pocType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255)
      throw new MalformedError(`num_ref_frames_in_pic_order_cnt_cycle ${cycle} > 255`);
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    throw new MalformedError(`pic_order_cnt_type ${pocType} > 2`);
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag

  const codedWidth = widthMbs * 16;
  const codedHeight = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
  const crop = readCropWindow(r);
  // 7.4.2.1.1: crop offsets are in chroma sample units (CropUnitX/Y) unless ChromaArrayType is 0.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const fieldRows = frameMbsOnly ? 1 : 2;
  const { width, height } = croppedSize(codedWidth, codedHeight, crop, chromaArrayType, fieldRows);
  if (width <= 0 || height <= 0) {
    throw new MalformedError(
      `frame cropping leaves ${width}x${height} of ${codedWidth}x${codedHeight}`,
    );
  }

  const vui = r.flag() ? readVui(r, readVuiTail) : undefined;
  const sar = vui?.sar ?? { num: 1, den: 1 };
  let frameRate: number | undefined;
  if (vui?.timing !== undefined) {
    frameRate = vui.timing.timeScale / (2 * vui.timing.numUnitsInTick);
  }
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    chromaFormatIdc,
    separateColourPlane,
    bitDepthLuma,
    bitDepthChroma,
    frameMbsOnly,
    codedWidth,
    codedHeight,
    width,
    height,
    crop,
    sarNum: sar.num,
    sarDen: sar.den,
    frameRate,
    vui,
  };
}

/** scaling_list() of 7.3.2.1.1.1, read only to get past it. */
function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127)
        throw new MalformedError(`delta_scale ${delta} out of range`);
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/** H.264 E.1.1 after chroma_sample_loc_type: timing_info_present_flag and the timing info. */
function readVuiTail(r: BitReader, vui: VuiSummary): void {
  if (r.flag()) readVuiTiming(r, vui, true);
}
