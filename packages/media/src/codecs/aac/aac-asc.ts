import {
  InvalidArgumentError,
  MalformedError,
  TruncatedError,
  UnsupportedError,
  onlyMediaErrors,
} from '../../errors.js';
import { BitReader } from '../../io/bit-reader.js';
import {
  AAC_SAMPLE_RATES,
  channelsForConfiguration,
  configurationForChannels,
  samplingFrequencyIndex,
} from './aac-tables.js';

/** What an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) says about the stream. */
export interface AacConfig {
  /**
   * The audio object type the config starts with: 5 (SBR) or 29 (PS) for explicitly signalled
   * HE-AAC, otherwise equal to `objectType`. This is the N of `mp4a.40.N`.
   */
  signalledObjectType: number;
  /** Core coder object type (2 = AAC LC for HE-AAC). */
  objectType: number;
  /** 5 when SBR is signalled (explicitly or by the backward-compatible extension), else 0. */
  extensionObjectType: number;
  sbr: boolean;
  ps: boolean;
  /** Index of the core sampling rate (15 when an explicit rate was coded). */
  samplingFrequencyIndex: number;
  /** Core coder sample rate. */
  coreSampleRate: number;
  /** Output sample rate: the SBR extension rate when SBR is signalled, else the core rate. */
  sampleRate: number;
  channelConfiguration: number;
  /** Output channels (2 for parametric stereo). */
  channels: number;
  /** Samples per frame at the core rate: 960 or 1024 (frameLengthFlag, 4.5.1.1). */
  frameLength: number;
}

/** Object types whose config is a GASpecificConfig (14496-3 1.6.2.1 switch). */
const GA_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);

/** Parses an AudioSpecificConfig. Throws only MediaError. */
export function parseAudioSpecificConfig(bytes: Uint8Array): AacConfig {
  return onlyMediaErrors(() => parseAsc(new BitReader(bytes)));
}

function readObjectType(r: BitReader): number {
  const aot = r.bits(5);
  return aot === 31 ? 32 + r.bits(6) : aot; // GetAudioObjectType(), 1.6.2.1.1
}

function readSampleRate(r: BitReader): { index: number; rate: number } {
  const index = r.bits(4);
  if (index === 15) {
    const rate = r.bits(24);
    if (rate === 0) throw new MalformedError('AAC explicit samplingFrequency is 0');
    return { index, rate };
  }
  const rate = AAC_SAMPLE_RATES[index];
  if (rate === undefined)
    throw new MalformedError(`AAC samplingFrequencyIndex ${index} is reserved`);
  return { index, rate };
}

function parseAsc(r: BitReader): AacConfig {
  const signalledObjectType = readObjectType(r);
  let objectType = signalledObjectType;
  if (objectType === 0) throw new MalformedError('AAC audio object type 0 (null)');
  const core = readSampleRate(r);
  const channelConfiguration = r.bits(4);
  let extensionObjectType = 0;
  let sbr = false;
  let ps = false;
  let extensionRate = core.rate;
  if (objectType === 5 || objectType === 29) {
    // Explicit hierarchical signalling: SBR (and PS for 29) wraps the core object type.
    extensionObjectType = 5;
    sbr = true;
    ps = objectType === 29;
    extensionRate = readSampleRate(r).rate;
    objectType = readObjectType(r);
    if (objectType === 22) r.skip(4); // extensionChannelConfiguration
  }
  let frameLength = 1024;
  let channels = 0;
  if (GA_TYPES.has(objectType)) {
    const ga = readGaSpecificConfig(r, objectType, channelConfiguration);
    frameLength = ga.frameLength;
    channels = ga.pceChannels;
  } else if (signalledObjectType === 5 || signalledObjectType === 29) {
    throw new UnsupportedError(`AAC SBR over object type ${objectType}`);
  }
  if (channelConfiguration !== 0) channels = channelsForConfiguration(channelConfiguration);
  if (channels === 0)
    throw new UnsupportedError(`AAC object type ${objectType} with channelConfiguration 0`);

  // Backward-compatible (implicit-looking) signalling after the core config, 1.6.5.2 / 1.6.6.
  if (extensionObjectType !== 5 && r.bitsLeft >= 16) {
    const ext = tryReadSyncExtension(r);
    if (ext?.sbr === true) {
      sbr = true;
      ps = ext.ps;
      extensionObjectType = 5;
      extensionRate = ext.rate;
    }
  }
  return {
    signalledObjectType,
    objectType,
    extensionObjectType,
    sbr,
    ps,
    samplingFrequencyIndex: core.index,
    coreSampleRate: core.rate,
    sampleRate: sbr ? extensionRate : core.rate,
    channelConfiguration,
    channels: ps && channels === 1 ? 2 : channels,
    frameLength,
  };
}

/** GASpecificConfig (14496-3 4.4.1); returns frame length and, with a PCE, its channel count. */
function readGaSpecificConfig(
  r: BitReader,
  objectType: number,
  channelConfiguration: number,
): { frameLength: number; pceChannels: number } {
  const frameLength = r.flag() ? 960 : 1024;
  if (r.flag()) r.skip(14); // dependsOnCoreCoder -> coreCoderDelay
  const extensionFlag = r.flag();
  let pceChannels = 0;
  if (channelConfiguration === 0) pceChannels = readPceChannels(r);
  if (objectType === 6 || objectType === 20) r.skip(3); // layerNr
  if (extensionFlag) {
    if (objectType === 22) r.skip(16); // numOfSubFrame, layer_length
    if (objectType === 17 || objectType === 19 || objectType === 20 || objectType === 23) r.skip(3);
    r.skip(1); // extensionFlag3
  }
  return { frameLength, pceChannels };
}

/** program_config_element (14496-3 4.4.1.1), read for its channel count. */
function readPceChannels(r: BitReader): number {
  r.skip(4 + 2 + 4); // element_instance_tag, object_type, sampling_frequency_index
  const front = r.bits(4);
  const side = r.bits(4);
  const back = r.bits(4);
  const lfe = r.bits(2);
  const assoc = r.bits(3);
  const cc = r.bits(4);
  if (r.flag()) r.skip(4); // mono_mixdown_element_number
  if (r.flag()) r.skip(4); // stereo_mixdown_element_number
  if (r.flag()) r.skip(3); // matrix_mixdown_idx, pseudo_surround_enable
  let channels = lfe;
  for (let i = 0; i < front + side + back; i++) {
    channels += r.flag() ? 2 : 1; // *_element_is_cpe
    r.skip(4); // *_element_tag_select
  }
  r.skip(lfe * 4 + assoc * 4 + cc * 5);
  return channels;
}

/** syncExtensionType 0x2b7 (SBR) and optional 0x548 (PS); undefined if absent or cut short. */
function tryReadSyncExtension(
  r: BitReader,
): { sbr: boolean; ps: boolean; rate: number } | undefined {
  try {
    if (r.bits(11) !== 0x2b7) return undefined;
    if (readObjectType(r) !== 5) return undefined;
    const sbr = r.flag();
    if (!sbr) return { sbr: false, ps: false, rate: 0 }; // FFmpeg writes this: "no SBR", explicitly
    const rate = readSampleRate(r).rate;
    let ps = false;
    if (r.bitsLeft >= 12 && r.bits(11) === 0x548) ps = r.flag();
    return { sbr, ps, rate };
  } catch (e) {
    if (e instanceof TruncatedError) return undefined;
    throw e;
  }
}

export interface AscInput {
  /** 2 (LC) for plain AAC; 5 (HE-AAC) or 29 (HE-AAC v2) for explicit SBR/PS signalling. */
  objectType: number;
  /** Output sample rate (for 5/29 the core runs at half of it). */
  sampleRate: number;
  /** Output channels (for 29 the core is mono). */
  channels: number;
}

/** Builds an AudioSpecificConfig with a GASpecificConfig of 1024-sample frames. */
export function buildAudioSpecificConfig(input: AscInput): Uint8Array {
  const bits: [number, number][] = [];
  const objectType = (aot: number): void => {
    if (!Number.isInteger(aot) || aot < 1 || aot > 95)
      throw new InvalidArgumentError(`object type ${aot}`);
    if (aot < 31) bits.push([aot, 5]);
    else bits.push([31, 5], [aot - 32, 6]);
  };
  const rate = (hz: number): void => {
    const idx = samplingFrequencyIndex(hz);
    bits.push([idx, 4]);
    if (idx === 15) bits.push([hz, 24]);
  };
  const { objectType: aot, sampleRate, channels } = input;
  if (aot === 5 || aot === 29) {
    if (sampleRate % 2 !== 0)
      throw new InvalidArgumentError(`HE-AAC output rate ${sampleRate} is odd`);
    objectType(aot);
    rate(sampleRate / 2);
    bits.push([configurationForChannels(aot === 29 ? 1 : channels), 4]);
    if (aot === 29 && channels !== 2) throw new InvalidArgumentError('HE-AAC v2 output is stereo');
    rate(sampleRate);
    objectType(2);
  } else {
    if (!GA_TYPES.has(aot))
      throw new InvalidArgumentError(`cannot build a config for object type ${aot}`);
    objectType(aot);
    rate(sampleRate);
    bits.push([configurationForChannels(channels), 4]);
  }
  bits.push([0, 3]); // frameLengthFlag, dependsOnCoreCoder, extensionFlag
  return packBits(bits);
}

function packBits(fields: readonly [number, number][]): Uint8Array {
  let total = 0;
  for (const [, n] of fields) total += n;
  const out = new Uint8Array(Math.ceil(total / 8));
  let pos = 0;
  for (const [value, n] of fields) {
    for (let i = n - 1; i >= 0; i--) {
      const bit = Math.floor(value / 2 ** i) % 2;
      const byteIndex = Math.floor(pos / 8);
      if (bit === 1) out[byteIndex] = (out[byteIndex] ?? 0) + 2 ** (7 - (pos % 8));
      pos++;
    }
  }
  return out;
}
