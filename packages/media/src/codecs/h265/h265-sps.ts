import { MalformedError, onlyMediaErrors } from '../../errors.js';
import { BitReader, unescapeRbsp } from '../../io/bit-reader.js';
import { croppedSize, readCropWindow, readVui, readVuiTiming } from '../h264/h264-sps-shared.js';
import type { VuiSummary } from '../h264/h264-vui.js';
import { readProfileTierLevel, type HevcProfileTierLevel } from './h265-ptl.js';

/** What an H.265 sequence parameter set says about the picture (ITU-T H.265 7.3.2.2.1). */
export interface H265Sps extends HevcProfileTierLevel {
  vpsId: number;
  maxSubLayersMinus1: number;
  temporalIdNesting: boolean;
  spsId: number;
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** pic_width/height_in_luma_samples. */
  codedWidth: number;
  codedHeight: number;
  /** Size after the conformance window (7.4.3.2.1). */
  width: number;
  height: number;
  sarNum: number;
  sarDen: number;
  /** vui_time_scale / vui_num_units_in_tick (E.3.1) when VUI timing is present. */
  frameRate: number | undefined;
  vui: VuiSummary | undefined;
}

/** Parses an SPS NAL unit including its 2-byte NAL header. Throws only MediaError. */
export function parseH265Sps(nal: Uint8Array): H265Sps {
  return onlyMediaErrors(() => parseSps(nal));
}

function parseSps(nal: Uint8Array): H265Sps {
  if (nal.length < 3) throw new MalformedError(`H.265 SPS too short: ${nal.length} bytes`);
  const h0 = nal[0] ?? 0;
  if (h0 >= 0x80) throw new MalformedError('H.265 NAL forbidden_zero_bit is set');
  const nalType = Math.floor(h0 / 2) % 64;
  if (nalType !== 33) throw new MalformedError(`H.265 NAL type ${nalType} is not an SPS (33)`);
  const r = new BitReader(unescapeRbsp(nal.subarray(2)));
  const vpsId = r.bits(4);
  const maxSubLayersMinus1 = r.bits(3);
  if (maxSubLayersMinus1 > 6)
    throw new MalformedError(`sps_max_sub_layers_minus1 ${maxSubLayersMinus1} > 6`);
  const temporalIdNesting = r.flag();
  const ptl = readProfileTierLevel(r, maxSubLayersMinus1);
  const spsId = r.ue();
  if (spsId > 15) throw new MalformedError(`sps_seq_parameter_set_id ${spsId} > 15`);
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new MalformedError(`chroma_format_idc ${chromaFormatIdc} > 3`);
  const separateColourPlane = chromaFormatIdc === 3 ? r.flag() : false;
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  if (codedWidth === 0 || codedHeight === 0)
    throw new MalformedError(`picture size ${codedWidth}x${codedHeight}`);
  const win = readCropWindow(r);
  // 7.4.3.2.1: offsets are in chroma units, SubWidthC/SubHeightC of Table 6-1.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const { width, height } = croppedSize(codedWidth, codedHeight, win, chromaArrayType, 1);
  if (width <= 0 || height <= 0) {
    throw new MalformedError(
      `conformance window leaves ${width}x${height} of ${codedWidth}x${codedHeight}`,
    );
  }
  const bitDepthLuma = r.ue() + 8;
  const bitDepthChroma = r.ue() + 8;
  if (bitDepthLuma > 16 || bitDepthChroma > 16) {
    throw new MalformedError(`bit depth ${bitDepthLuma}/${bitDepthChroma} beyond 16`);
  }
  const log2MaxPocLsb = r.ue() + 4;
  if (log2MaxPocLsb > 16)
    throw new MalformedError(`log2_max_pic_order_cnt_lsb ${log2MaxPocLsb} > 16`);
  const orderingAll = r.flag(); // sps_sub_layer_ordering_info_present_flag
  for (let i = orderingAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.ue(); // sps_max_dec_pic_buffering_minus1
    r.ue(); // sps_max_num_reorder_pics
    r.ue(); // sps_max_latency_increase_plus1
  }
  r.ue(); // log2_min_luma_coding_block_size_minus3
  r.ue(); // log2_diff_max_min_luma_coding_block_size
  r.ue(); // log2_min_luma_transform_block_size_minus2
  r.ue(); // log2_diff_max_min_luma_transform_block_size
  r.ue(); // max_transform_hierarchy_depth_inter
  r.ue(); // max_transform_hierarchy_depth_intra
  if (r.flag() && r.flag()) skipScalingListData(r); // scaling_list_enabled, sps_scaling_list_data_present
  r.skip(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
  if (r.flag()) {
    r.skip(8); // pcm_sample_bit_depth_luma/chroma_minus1
    r.ue(); // log2_min_pcm_luma_coding_block_size_minus3
    r.ue(); // log2_diff_max_min_pcm_luma_coding_block_size
    r.skip(1); // pcm_loop_filter_disabled_flag
  }
  const numShortTermRefPicSets = r.ue();
  if (numShortTermRefPicSets > 64)
    throw new MalformedError(`num_short_term_ref_pic_sets ${numShortTermRefPicSets}`);
  const numDeltaPocs: number[] = [];
  for (let i = 0; i < numShortTermRefPicSets; i++)
    numDeltaPocs.push(skipStRefPicSet(r, i, numDeltaPocs));
  if (r.flag()) {
    const numLongTerm = r.ue(); // num_long_term_ref_pics_sps
    if (numLongTerm > 32)
      throw new MalformedError(`num_long_term_ref_pics_sps ${numLongTerm} > 32`);
    r.skip(numLongTerm * (log2MaxPocLsb + 1)); // lt_ref_pic_poc_lsb_sps, used_by_curr_pic_lt_sps_flag
  }
  r.skip(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
  const vui = r.flag() ? readVui(r, readVuiTail) : undefined;
  const sar = vui?.sar ?? { num: 1, den: 1 };
  const timing = vui?.timing;
  return {
    ...ptl,
    vpsId,
    maxSubLayersMinus1,
    temporalIdNesting,
    spsId,
    chromaFormatIdc,
    separateColourPlane,
    bitDepthLuma,
    bitDepthChroma,
    codedWidth,
    codedHeight,
    width,
    height,
    sarNum: sar.num,
    sarDen: sar.den,
    frameRate: timing === undefined ? undefined : timing.timeScale / timing.numUnitsInTick,
    vui,
  };
}

/** scaling_list_data() (7.3.4), skipped. */
function skipScalingListData(r: BitReader): void {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (!r.flag()) {
        r.ue(); // scaling_list_pred_matrix_id_delta
        continue;
      }
      const coefNum = Math.min(64, 2 ** (4 + sizeId * 2));
      if (sizeId > 1) r.se(); // scaling_list_dc_coef_minus8
      for (let i = 0; i < coefNum; i++) r.se(); // scaling_list_delta_coef
    }
  }
}

/** st_ref_pic_set(idx) (7.3.7) as it appears in the SPS; returns NumDeltaPocs[idx]. */
function skipStRefPicSet(r: BitReader, idx: number, numDeltaPocs: readonly number[]): number {
  if (idx !== 0 && r.flag()) {
    // inter_ref_pic_set_prediction_flag: delta_idx_minus1 is only coded in slice headers.
    r.skip(1); // delta_rps_sign
    r.ue(); // abs_delta_rps_minus1
    const ref = numDeltaPocs[idx - 1] ?? 0;
    let count = 0;
    for (let j = 0; j <= ref; j++) {
      const used = r.flag(); // used_by_curr_pic_flag
      const useDelta = used ? true : r.flag(); // use_delta_flag, inferred 1 when used
      if (useDelta) count++;
    }
    return count;
  }
  const negative = r.ue();
  const positive = r.ue();
  if (negative > 16 || positive > 16)
    throw new MalformedError(`st_ref_pic_set with ${negative}+${positive} pictures`);
  for (let i = 0; i < negative + positive; i++) {
    r.ue(); // delta_poc_s0/s1_minus1
    r.skip(1); // used_by_curr_pic_s0/s1_flag
  }
  return negative + positive;
}

/** H.265 E.2.1 after chroma_sample_loc_type, up to and including vui_timing_info. */
function readVuiTail(r: BitReader, vui: VuiSummary): void {
  r.skip(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
  if (r.flag()) {
    r.ue(); // def_disp_win_left_offset
    r.ue(); // def_disp_win_right_offset
    r.ue(); // def_disp_win_top_offset
    r.ue(); // def_disp_win_bottom_offset
  }
  if (r.flag()) readVuiTiming(r, vui, false);
}
