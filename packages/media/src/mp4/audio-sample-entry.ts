import { InvalidArgumentError } from '../errors.js';
import type { ByteWriter } from '../io/byte-writer.js';
import type { AudioTrack } from '../types.js';
import { box, fullBox } from './box-writer.js';

/** MPEG-4 Systems objectTypeIndication values (ISO/IEC 14496-1 Table 5, mp4ra.org). */
const OTI_AAC = 0x40;
const OTI_MP3 = 0x6b;
/** streamType 0x05 (AudioStream) << 2 | upStream 0 << 1 | reserved 1 (14496-1 7.2.6.6). */
const AUDIO_STREAM_BYTE = 0x15;

/**
 * AudioSampleEntry (ISO/IEC 14496-12 12.2.3) for AAC and MP3 ('mp4a' + 'esds', 14496-14 5.6)
 * and Opus ('Opus' + 'dOps', Opus in ISOBMFF 4.3).
 */
export function writeAudioSampleEntry(w: ByteWriter, track: AudioTrack, trackId: number): void {
  if (!Number.isInteger(track.channels) || track.channels < 1 || track.channels > 255) {
    throw new InvalidArgumentError(`audio channel count out of range: ${track.channels}`);
  }
  switch (track.codec) {
    case 'aac':
      if (track.config.length === 0) {
        throw new InvalidArgumentError('AAC track needs its AudioSpecificConfig');
      }
      audioEntry(w, 'mp4a', track.channels, track.sampleRate, () => {
        writeEsds(w, trackId, OTI_AAC, track.config);
      });
      return;
    case 'mp3':
      // 14496-3 has no DecoderSpecificInfo for MPEG-1/2 audio: the frame headers say it all.
      audioEntry(w, 'mp4a', track.channels, track.sampleRate, () => {
        writeEsds(w, trackId, OTI_MP3, undefined);
      });
      return;
    case 'opus': {
      const dOps = toDOps(track.config, track.channels, track.sampleRate);
      // Opus in ISOBMFF 4.3.1: samplerate is always 48000 whatever the input rate was.
      audioEntry(w, 'Opus', track.channels, 48000, () => {
        box(w, 'dOps', () => {
          w.bytes(dOps);
        });
      });
      return;
    }
  }
}

function audioEntry(
  w: ByteWriter,
  type: string,
  channels: number,
  sampleRate: number,
  body: () => void,
): void {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new InvalidArgumentError(`audio sample rate must be a positive integer: ${sampleRate}`);
  }
  box(w, type, () => {
    w.zeros(6); // SampleEntry reserved
    w.u16(1); // data_reference_index
    w.zeros(8); // reserved[2]
    w.u16(channels); // channelcount
    w.u16(16); // samplesize
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    // samplerate is 16.16: rates above 65535 cannot be written, 0 defers to the decoder config.
    w.u16(sampleRate <= 0xffff ? sampleRate : 0); // samplerate (integer part)
    w.u16(0); // samplerate (fraction)
    body();
  });
}

/** ES_Descriptor inside an 'esds' full box (14496-14 5.6.1, 14496-1 7.2.6.5). */
function writeEsds(
  w: ByteWriter,
  esId: number,
  objectType: number,
  decoderSpecificInfo: Uint8Array | undefined,
): void {
  const dsiLength =
    decoderSpecificInfo === undefined ? 0 : descriptorLength(decoderSpecificInfo.length);
  const dcdBody = 13 + dsiLength;
  const esBody = 3 + descriptorLength(dcdBody) + descriptorLength(1);
  fullBox(w, 'esds', 0, 0, () => {
    descriptorHeader(w, 0x03, esBody); // ES_DescrTag
    w.u16(esId > 0xffff ? 0 : esId); // ES_ID
    w.u8(0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
    descriptorHeader(w, 0x04, dcdBody); // DecoderConfigDescrTag
    w.u8(objectType); // objectTypeIndication
    w.u8(AUDIO_STREAM_BYTE); // streamType, upStream, reserved
    w.u24(0); // bufferSizeDB
    w.u32(0); // maxBitrate
    w.u32(0); // avgBitrate
    if (decoderSpecificInfo !== undefined) {
      descriptorHeader(w, 0x05, decoderSpecificInfo.length); // DecSpecificInfoTag
      w.bytes(decoderSpecificInfo); // AudioSpecificConfig
    }
    descriptorHeader(w, 0x06, 1); // SLConfigDescrTag
    w.u8(2); // predefined: reserved for use in MP4 files
  });
}

/** Total size of a descriptor with a `body`-byte payload: tag + expandable size + payload. */
function descriptorLength(body: number): number {
  return 1 + sizeFieldBytes(body) + body;
}

function sizeFieldBytes(size: number): number {
  let n = 1;
  for (let rest = Math.floor(size / 128); rest > 0; rest = Math.floor(rest / 128)) n++;
  return n;
}

/** Tag plus sizeOfInstance in 7-bit groups, high group first, continuation bit set (14496-1 8.3.3). */
function descriptorHeader(w: ByteWriter, tag: number, size: number): void {
  if (size > 0x0fffffff) throw new InvalidArgumentError(`descriptor too large: ${size}`);
  w.u8(tag);
  const n = sizeFieldBytes(size);
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(size / 128 ** i) % 128;
    w.u8(i > 0 ? group + 0x80 : group);
  }
}

const OPUS_HEAD_MAGIC = 'OpusHead';

/**
 * The dOps payload (Opus in ISOBMFF 4.3.2, big-endian). Accepts either a dOps payload as-is
 * (Version 0), an Ogg OpusHead (RFC 7845 5.1, little-endian, as Matroska and WebM carry it),
 * or nothing, in which case a mapping-family-0 header is synthesised for mono or stereo.
 */
export function toDOps(config: Uint8Array, channels: number, sampleRate: number): Uint8Array {
  if (config.length === 0) {
    if (channels > 2) {
      throw new InvalidArgumentError('Opus with more than 2 channels needs a channel mapping');
    }
    const out = new Uint8Array(11);
    const view = new DataView(out.buffer);
    view.setUint8(1, channels); // OutputChannelCount
    view.setUint16(2, 312); // PreSkip: libopus default (6.5 ms at 48 kHz)
    view.setUint32(4, sampleRate); // InputSampleRate
    return out;
  }
  if (!startsWithMagic(config)) {
    if (config[0] !== 0 || config.length < 11) {
      throw new InvalidArgumentError('Opus config is neither a dOps payload nor an OpusHead');
    }
    return config;
  }
  const head = new DataView(config.buffer, config.byteOffset, config.byteLength);
  if (config.length < 19) throw new InvalidArgumentError('OpusHead shorter than 19 bytes');
  const outChannels = head.getUint8(9);
  const family = head.getUint8(18);
  const tableLength = family === 0 ? 0 : 2 + outChannels;
  if (config.length < 19 + tableLength) {
    throw new InvalidArgumentError('OpusHead channel mapping table is truncated');
  }
  const out = new Uint8Array(11 + tableLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, 0); // Version
  view.setUint8(1, outChannels); // OutputChannelCount
  view.setUint16(2, head.getUint16(10, true)); // PreSkip
  view.setUint32(4, head.getUint32(12, true)); // InputSampleRate
  view.setInt16(8, head.getInt16(16, true)); // OutputGain
  view.setUint8(10, family); // ChannelMappingFamily
  // StreamCount, CoupledCount, ChannelMapping[]: single bytes, identical in both layouts.
  out.set(config.subarray(19, 19 + tableLength), 11);
  return out;
}

function startsWithMagic(config: Uint8Array): boolean {
  if (config.length < OPUS_HEAD_MAGIC.length) return false;
  for (let i = 0; i < OPUS_HEAD_MAGIC.length; i++) {
    if (config[i] !== OPUS_HEAD_MAGIC.charCodeAt(i)) return false;
  }
  return true;
}
