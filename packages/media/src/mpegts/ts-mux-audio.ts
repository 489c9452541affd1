import { buildAdtsHeader, type AdtsConfigInput } from '../codecs/aac/aac-adts.js';
import { parseAudioSpecificConfig } from '../codecs/aac/aac-asc.js';
import { samplingFrequencyIndex } from '../codecs/aac/aac-tables.js';
import { InvalidArgumentError, MediaError, UnsupportedError } from '../errors.js';
import type { AudioTrack } from '../types.js';
import { registrationDescriptor } from './psi-writer.js';
import {
  DESCRIPTOR_EXTENSION,
  OPUS_FORMAT_IDENTIFIER,
  PES_STREAM_ID_AUDIO,
  PES_STREAM_ID_PRIVATE_1,
  StreamType,
} from './ts-constants.js';
import type { EsPayload } from './ts-mux-video.js';

/**
 * Audio frames for a transport stream: AAC gets an ADTS header (stream type 0x0F, ISO/IEC 13818-1
 * Table 2-34), MP3 goes as is, Opus gets the opus_control_header of the Opus-in-TS mapping
 * (ETSI draft "Opus Interactive Audio Codec Transport Multiplexing Standard", 2013).
 */

export interface AudioEs {
  streamType: number;
  streamId: number;
  /** ES_info descriptors for the PMT. */
  descriptors: Uint8Array | undefined;
  /** One raw frame as the parts of a PES payload. */
  frame(data: Uint8Array): EsPayload;
}

/** Opus-in-TS extension descriptor: DVB extension tag 0x7F, descriptor_tag_extension 0x80. */
const OPUS_EXTENSION_TAG = 0x80;
/** opus_control_header prefix 0x3FF (11 bits), trim and extension flags 0, reserved 0. */
const OPUS_CONTROL_PREFIX = Uint8Array.of(0x7f, 0xe0);
/** ADTS frame_length is 13 bits including the 7-byte header (ISO/IEC 13818-7 6.2.2). */
const MAX_ADTS_PAYLOAD = 0x1fff - 7;

export function audioEs(track: AudioTrack): AudioEs {
  switch (track.codec) {
    case 'aac':
      return aacEs(track);
    case 'mp3':
      return {
        // ISO/IEC 13818-3 added the 16, 22.05 and 24 kHz rates: MPEG-2 audio (Table 2-34).
        streamType: track.sampleRate >= 32000 ? StreamType.MPEG1_AUDIO : StreamType.MPEG2_AUDIO,
        streamId: PES_STREAM_ID_AUDIO,
        descriptors: undefined,
        frame: (data) => ({ parts: [data], length: data.length }),
      };
    case 'opus':
      return opusEs(track);
  }
}

function aacEs(track: AudioTrack): AudioEs {
  let adts: AdtsConfigInput;
  try {
    const asc = parseAudioSpecificConfig(track.config);
    // ADTS carries the core coder; HE-AAC (SBR/PS) is then signalled implicitly in the frames.
    const index =
      asc.samplingFrequencyIndex === 15
        ? samplingFrequencyIndex(asc.coreSampleRate)
        : asc.samplingFrequencyIndex;
    adts = {
      objectType: asc.objectType,
      samplingFrequencyIndex: index,
      channelConfiguration: asc.channelConfiguration,
    };
  } catch (error) {
    if (!(error instanceof MediaError) || error instanceof UnsupportedError) throw error;
    throw new InvalidArgumentError(`AAC track config: ${error.message}`, { cause: error });
  }
  if (adts.objectType < 1 || adts.objectType > 4 || adts.samplingFrequencyIndex > 12) {
    throw new UnsupportedError(
      `ADTS cannot carry AAC object type ${adts.objectType} at ${track.sampleRate} Hz`,
    );
  }
  return {
    streamType: StreamType.AAC_ADTS,
    streamId: PES_STREAM_ID_AUDIO,
    descriptors: undefined,
    frame: (data) => {
      if (data.length > MAX_ADTS_PAYLOAD) {
        throw new InvalidArgumentError(`AAC frame of ${data.length} bytes is too big for ADTS`);
      }
      return { parts: [buildAdtsHeader(adts, data.length), data], length: 7 + data.length };
    },
  };
}

/** Standard coupled-stream counts per channel count for mapping family 1 (RFC 7845 5.1.1.2). */
const VORBIS_COUPLED = [0, 0, 1, 1, 2, 2, 2, 3, 3];

function opusEs(track: AudioTrack): AudioEs {
  const code = opusChannelConfigCode(track);
  const descriptors = new Uint8Array(10);
  descriptors.set(registrationDescriptor(OPUS_FORMAT_IDENTIFIER));
  descriptors.set([DESCRIPTOR_EXTENSION, 2, OPUS_EXTENSION_TAG, code], 6);
  return {
    streamType: StreamType.PRIVATE_PES,
    streamId: PES_STREAM_ID_PRIVATE_1,
    descriptors,
    frame: (data) => {
      const header = opusControlHeader(data.length);
      return { parts: [header, data], length: header.length + data.length };
    },
  };
}

/**
 * channel_config_code: the channel count, which stands for mapping family 0 (1-2 channels) or
 * family 1 with the standard stream layout (3-8). Anything else needs the extended
 * descriptor form, which we do not write.
 */
function opusChannelConfigCode(track: AudioTrack): number {
  const dops = track.config; // dOps: Version, OutputChannelCount, ..., ChannelMappingFamily at 10
  const channels = dops.length >= 2 ? (dops[1] ?? 0) : track.channels;
  const family = dops.length >= 11 ? (dops[10] ?? 0) : 0;
  const coupled = VORBIS_COUPLED[channels];
  const standard =
    (family === 0 && channels >= 1 && channels <= 2) ||
    (family === 1 &&
      coupled !== undefined &&
      channels >= 1 &&
      dops[11] === channels - coupled &&
      dops[12] === coupled);
  if (!standard) {
    throw new UnsupportedError(`Opus in TS: ${channels} channels with mapping family ${family}`);
  }
  return channels;
}

/** opus_control_header with au_size coded as a run of 0xFF bytes plus a final byte < 255. */
export function opusControlHeader(size: number): Uint8Array {
  const runs = Math.floor(size / 255);
  const out = new Uint8Array(OPUS_CONTROL_PREFIX.length + runs + 1);
  out.set(OPUS_CONTROL_PREFIX);
  out.fill(0xff, OPUS_CONTROL_PREFIX.length, OPUS_CONTROL_PREFIX.length + runs);
  out[out.length - 1] = size - runs * 255;
  return out;
}
