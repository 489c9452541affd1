import {
  InvalidArgumentError,
  MalformedError,
  TruncatedError,
  UnsupportedError,
} from '../../errors.js';
import { ByteWriter } from '../../io/byte-writer.js';

/** The identification header of an Ogg Opus stream (RFC 7845 5.1). */
export interface OpusHead {
  version: number;
  channels: number;
  /** Samples at 48 kHz to drop from the start of the decoded output. */
  preSkip: number;
  /** Sample rate of the original input (informational; Opus always decodes at 48 kHz). */
  inputSampleRate: number;
  /** Q7.8 dB gain to apply to the decoded output. */
  outputGain: number;
  mappingFamily: number;
  /** Present when mappingFamily != 0 (RFC 7845 5.1.1). */
  streamCount: number;
  coupledCount: number;
  /** One entry per output channel; empty for family 0. */
  channelMapping: Uint8Array;
}

const MAGIC = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // "OpusHead"

/** Parses an OpusHead packet (little-endian fields). Throws only MediaError. */
export function parseOpusHead(bytes: Uint8Array): OpusHead {
  if (bytes.length < 19) throw new TruncatedError(`OpusHead needs 19 bytes, got ${bytes.length}`);
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== MAGIC[i])
      throw new MalformedError('OpusHead magic signature not found', { offset: 0 });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(8);
  // 5.1: the upper 4 bits are the major version; only major version 0 is understood.
  if (version >= 16)
    throw new UnsupportedError(`OpusHead version ${version} (major ${version >> 4})`);
  const channels = view.getUint8(9);
  if (channels === 0) throw new MalformedError('OpusHead channel count is 0', { offset: 9 });
  const preSkip = view.getUint16(10, true);
  const inputSampleRate = view.getUint32(12, true);
  const outputGain = view.getInt16(16, true);
  const mappingFamily = view.getUint8(18);
  const mapping =
    mappingFamily === 0 ? family0Mapping(channels) : readMappingTable(bytes, view, channels);
  return { version, channels, preSkip, inputSampleRate, outputGain, mappingFamily, ...mapping };
}

type ChannelMapping = Pick<OpusHead, 'streamCount' | 'coupledCount' | 'channelMapping'>;

/** Family 0 has no table (RFC 7845 5.1.1.1): mono or stereo in one stream. */
function family0Mapping(channels: number): ChannelMapping {
  if (channels > 2)
    throw new MalformedError(`OpusHead family 0 with ${channels} channels`, { offset: 9 });
  return { streamCount: 1, coupledCount: channels - 1, channelMapping: new Uint8Array(0) };
}

/** The channel mapping table after byte 18 (RFC 7845 5.1.1). */
function readMappingTable(bytes: Uint8Array, view: DataView, channels: number): ChannelMapping {
  if (bytes.length < 21 + channels) {
    throw new TruncatedError(
      `OpusHead channel mapping table needs ${21 + channels} bytes, got ${bytes.length}`,
    );
  }
  const streamCount = view.getUint8(19);
  const coupledCount = view.getUint8(20);
  if (streamCount === 0) throw new MalformedError('OpusHead stream count is 0', { offset: 19 });
  if (coupledCount > streamCount || streamCount + coupledCount > 255) {
    throw new MalformedError(`OpusHead ${coupledCount} coupled of ${streamCount} streams`, {
      offset: 20,
    });
  }
  const channelMapping = bytes.slice(21, 21 + channels);
  for (const index of channelMapping) {
    if (index !== 255 && index >= streamCount + coupledCount) {
      throw new MalformedError(
        `OpusHead mapping index ${index} beyond ${streamCount + coupledCount} decoded channels`,
      );
    }
  }
  return { streamCount, coupledCount, channelMapping };
}

/**
 * The OpusSpecificBox (dOps) payload for ISO BMFF (Encapsulation of Opus in ISO BMFF 4.3.2):
 * the same fields as OpusHead without the magic, Version 0, and big-endian.
 */
export function buildDOps(head: OpusHead): Uint8Array {
  if (head.mappingFamily !== 0 && head.channelMapping.length !== head.channels) {
    throw new InvalidArgumentError(
      `dOps needs ${head.channels} mapping entries, got ${head.channelMapping.length}`,
    );
  }
  const w = new ByteWriter(32);
  w.u8(0); // Version
  w.u8(head.channels); // OutputChannelCount
  w.u16(head.preSkip); // PreSkip
  w.u32(head.inputSampleRate); // InputSampleRate
  w.i16(head.outputGain); // OutputGain
  w.u8(head.mappingFamily); // ChannelMappingFamily
  if (head.mappingFamily !== 0) {
    w.u8(head.streamCount); // StreamCount
    w.u8(head.coupledCount); // CoupledCount
    w.bytes(head.channelMapping); // ChannelMapping
  }
  return w.finish();
}
