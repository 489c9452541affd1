/**
 * A silent AAC-LC raw_data_block (ISO/IEC 14496-3 4.4.2.1) for a channel configuration: one
 * element per channel group, each an individual_channel_stream with max_sfb = 0 (no section,
 * scale factor or spectral data, so every spectral line is zero), then ID_END. Used to fill
 * audio gaps so the audio track stays continuous without any decoder state tricks.
 */

/** syntactic element IDs (14496-3 Table 4.85). */
const ID_SCE = 0;
const ID_CPE = 1;
const ID_LFE = 3;
const ID_END = 7;

/** Element order per channelConfiguration (14496-3 Table 1.19). */
const LAYOUTS: Readonly<Record<number, readonly number[]>> = {
  1: [ID_SCE],
  2: [ID_CPE],
  3: [ID_SCE, ID_CPE],
  4: [ID_SCE, ID_CPE, ID_SCE],
  5: [ID_SCE, ID_CPE, ID_CPE],
  6: [ID_SCE, ID_CPE, ID_CPE, ID_LFE],
  7: [ID_SCE, ID_CPE, ID_CPE, ID_CPE, ID_LFE],
};

/** Global gain of the silent channels; with no spectral data its value does not matter. */
const GLOBAL_GAIN = 100;

class BitSink {
  private readonly bits: number[] = [];
  put(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8)); // byte_alignment() zero bits
    this.bits.forEach((bit, i) => {
      if (bit === 1) out[i >> 3] = (out[i >> 3] ?? 0) | (0x80 >> (i & 7));
    });
    return out;
  }
}

/** ics_info() (4.4.2.1, Table 4.6) for ONLY_LONG_SEQUENCE with no scale factor bands. */
function icsInfo(w: BitSink): void {
  w.put(0, 1); // ics_reserved_bit
  w.put(0, 2); // window_sequence: ONLY_LONG_SEQUENCE
  w.put(0, 1); // window_shape
  w.put(0, 6); // max_sfb
  w.put(0, 1); // predictor_data_present
}

/** individual_channel_stream() (Table 4.50) with nothing coded after the side info. */
function ics(w: BitSink, commonWindow: boolean): void {
  w.put(GLOBAL_GAIN, 8); // global_gain
  if (!commonWindow) icsInfo(w);
  // section_data() and scale_factor_data() are empty for max_sfb = 0.
  w.put(0, 1); // pulse_data_present
  w.put(0, 1); // tns_data_present
  w.put(0, 1); // gain_control_data_present
  // spectral_data() is empty.
}

/**
 * The silent frame for `channelConfiguration` 1..7, or undefined when the layout is not fixed
 * (0: a program_config_element defines it) or unknown.
 */
export function silentAacFrame(channelConfiguration: number): Uint8Array | undefined {
  const layout = LAYOUTS[channelConfiguration];
  if (layout === undefined) return undefined;
  const w = new BitSink();
  const tags = new Map<number, number>();
  for (const id of layout) {
    const tag = tags.get(id) ?? 0;
    tags.set(id, tag + 1);
    w.put(id, 3); // id_syn_ele
    w.put(tag, 4); // element_instance_tag
    if (id === ID_CPE) {
      w.put(1, 1); // common_window
      icsInfo(w);
      w.put(0, 2); // ms_mask_present
      ics(w, true);
      ics(w, true);
    } else {
      ics(w, false); // SCE and LFE share the single-channel syntax (Table 4.4, 4.5)
    }
  }
  w.put(ID_END, 3);
  return w.bytes();
}
