/**
 * VUI pieces shared by H.264 (Annex E) and H.265 (Annex E): the same aspect_ratio_idc table
 * and the same timing fields, though the two derive the frame rate differently.
 */

export interface VuiTiming {
  numUnitsInTick: number;
  timeScale: number;
  fixedFrameRate: boolean;
}

export interface VuiSummary {
  /** Undefined when aspect_ratio_info is absent or aspect_ratio_idc is 0 (unspecified). */
  sar: { num: number; den: number } | undefined;
  /** Undefined when timing info is absent or has a zero field. */
  timing: VuiTiming | undefined;
}

/** H.264 Table E-1 / H.265 Table E-1, aspect_ratio_idc 1..16; 255 is Extended_SAR. */
const SAR_TABLE: readonly (readonly [number, number])[] = [
  [1, 1],
  [12, 11],
  [10, 11],
  [16, 11],
  [40, 33],
  [24, 11],
  [20, 11],
  [32, 11],
  [80, 33],
  [18, 11],
  [15, 11],
  [64, 33],
  [160, 99],
  [4, 3],
  [3, 2],
  [2, 1],
];

/** SAR for a table index; undefined for 0 (unspecified), reserved values and 255. */
export function sarFromAspectRatioIdc(idc: number): { num: number; den: number } | undefined {
  const entry = SAR_TABLE[idc - 1];
  return entry === undefined ? undefined : { num: entry[0], den: entry[1] };
}
