import { TruncatedError } from '../../errors.js';
import type { BitReader } from '../../io/bit-reader.js';
import { sarFromAspectRatioIdc, type VuiSummary } from './h264-vui.js';

/**
 * SPS pieces H.265 inherited from H.264 and parses the same way: the cropping window with its
 * chroma-unit offsets, and the VUI up to the timing info.
 */

export interface CropWindow {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The flag and, when set, the four ue(v) offsets (H.264 frame_crop_*, H.265 conf_win_*). */
export function readCropWindow(r: BitReader): CropWindow {
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.flag()) {
    crop.left = r.ue();
    crop.right = r.ue();
    crop.top = r.ue();
    crop.bottom = r.ue();
  }
  return crop;
}

/**
 * The picture size left by `crop`. Offsets count chroma samples, SubWidthC x SubHeightC
 * (H.264 7.4.2.1.1 CropUnitX/Y, H.265 7.4.3.2.1 and Table 6-1), luma samples when
 * ChromaArrayType is 0; `fieldRows` is 2 for H.264 field-coded frames, else 1.
 */
export function croppedSize(
  codedWidth: number,
  codedHeight: number,
  crop: CropWindow,
  chromaArrayType: number,
  fieldRows: number,
): { width: number; height: number } {
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  return {
    width: codedWidth - subWidthC * (crop.left + crop.right),
    height: codedHeight - subHeightC * fieldRows * (crop.top + crop.bottom),
  };
}

/**
 * vui_parameters() as far as we use it: the leading fields both standards share (aspect ratio,
 * overscan, video signal, chroma location; H.264 E.1.1, H.265 E.2.1), then `readRest` for the
 * codec's own fields up to the timing info. Fields after timing (HRD, bitstream restriction) are
 * not read. A VUI cut short keeps what was read before the cut: some encoders truncate it, and
 * the picture size is already known.
 */
export function readVui(
  r: BitReader,
  readRest: (r: BitReader, vui: VuiSummary) => void,
): VuiSummary {
  const vui: VuiSummary = { sar: undefined, timing: undefined };
  try {
    readVuiPrefix(r, vui);
    readRest(r, vui);
  } catch (e) {
    if (!(e instanceof TruncatedError)) throw e;
  }
  return vui;
}

function readVuiPrefix(r: BitReader, vui: VuiSummary): void {
  if (r.flag()) {
    const idc = r.bits(8);
    if (idc === 255) {
      const w = r.bits(16);
      const h = r.bits(16);
      if (w > 0 && h > 0) vui.sar = { num: w, den: h };
    } else {
      vui.sar = sarFromAspectRatioIdc(idc);
    }
  }
  if (r.flag()) r.skip(1); // overscan_appropriate_flag
  if (r.flag()) {
    r.skip(4); // video_format, video_full_range_flag
    if (r.flag()) r.skip(24); // colour_primaries, transfer_characteristics, matrix_coeffs
  }
  if (r.flag()) {
    r.ue(); // chroma_sample_loc_type_top_field
    r.ue(); // chroma_sample_loc_type_bottom_field
  }
}

/**
 * num_units_in_tick and time_scale, then H.264's fixed_frame_rate_flag when the codec has it
 * (H.265 has none there); a zero in either count leaves the timing unknown.
 */
export function readVuiTiming(r: BitReader, vui: VuiSummary, withFixedFlag: boolean): void {
  const numUnitsInTick = r.bits(32);
  const timeScale = r.bits(32);
  const fixedFrameRate = withFixedFlag ? r.flag() : false;
  if (numUnitsInTick > 0 && timeScale > 0)
    vui.timing = { numUnitsInTick, timeScale, fixedFrameRate };
}
