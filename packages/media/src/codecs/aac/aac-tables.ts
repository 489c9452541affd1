import { InvalidArgumentError, UnsupportedError } from '../../errors.js';

/** ISO/IEC 14496-3 1.6.3.4 Table 1.18: samplingFrequencyIndex 0..12 (13, 14 reserved; 15 escape). */
export const AAC_SAMPLE_RATES: readonly number[] = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/** The table index for `rate`, or 15 (explicit 24-bit rate follows) when it is not in the table. */
export function samplingFrequencyIndex(rate: number): number {
  if (!Number.isInteger(rate) || rate <= 0 || rate > 0xffffff) {
    throw new InvalidArgumentError(`AAC sample rate ${rate} not in 1..16777215`);
  }
  const idx = AAC_SAMPLE_RATES.indexOf(rate);
  return idx < 0 ? 15 : idx;
}

/**
 * Output channel count for a channelConfiguration (14496-3 1.6.3.5 Table 1.19, with the
 * 14496-3:2009/Amd.4 additions 11..14). 0 means "defined by a program_config_element".
 */
export function channelsForConfiguration(config: number): number {
  const channels = [0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8][config];
  if (channels === undefined || channels < 0) {
    throw new UnsupportedError(`AAC channelConfiguration ${config} is reserved`);
  }
  return channels;
}

/** The channelConfiguration for a plain channel count (1..6 direct, 8 -> 7), for writers. */
export function configurationForChannels(channels: number): number {
  if (Number.isInteger(channels) && channels >= 1 && channels <= 6) return channels;
  if (channels === 8) return 7;
  throw new InvalidArgumentError(`no AAC channelConfiguration for ${channels} channels`);
}
