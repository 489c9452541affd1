import { MalformedError } from '../errors.js';
import { ByteReader } from '../io/byte-reader.js';
import { readFullBox } from './box-fields-util.js';

/** Descriptor tags of ISO/IEC 14496-1 7.2.2.1 used inside esds. */
const ES_DESCR_TAG = 0x03;
const DECODER_CONFIG_DESCR_TAG = 0x04;
const DEC_SPECIFIC_INFO_TAG = 0x05;

/** esds (ISO/IEC 14496-14 5.6): an ES_Descriptor with its DecoderConfigDescriptor. */
export interface EsdsFields {
  box: 'esds';
  esId: number;
  /** 0x40 = MPEG-4 Audio (AAC), 0x69/0x6B = MPEG-1/2 Audio (MP3), 0x20 = MPEG-4 Visual. */
  objectTypeIndication: number;
  /** 0x05 = audio stream, 0x04 = visual stream. */
  streamType: number;
  bufferSizeDB: number;
  maxBitrate: number;
  avgBitrate: number;
  /** DecoderSpecificInfo payload: the AudioSpecificConfig for AAC. */
  decoderSpecificInfo?: Uint8Array | undefined;
}

interface Descriptor {
  tag: number;
  body: ByteReader;
}

/**
 * One descriptor: tag, then a size of 1-4 bytes, 7 bits each with a continuation bit
 * (14496-1 8.3.3 expandable class). The body is a sub-reader, so overruns stay contained.
 */
function readDescriptor(r: ByteReader): Descriptor {
  const tag = r.u8();
  let size = 0;
  for (let i = 0; i < 4; i++) {
    const b = r.u8();
    size = size * 128 + (b & 0x7f);
    if (b < 0x80) break;
    if (i === 3) {
      throw new MalformedError('esds: descriptor size longer than 4 bytes', { offset: r.offset });
    }
  }
  if (size > r.remaining) {
    throw new MalformedError(`esds: descriptor 0x${tag.toString(16)} size ${size} overruns box`, {
      offset: r.offset,
    });
  }
  const start = r.offset;
  return { tag, body: new ByteReader(r.bytesView(size), start) };
}

/** The first descriptor with `tag` among the remaining descriptors of `r`, skipping others. */
function findDescriptor(r: ByteReader, tag: number): ByteReader | undefined {
  while (r.remaining >= 2) {
    const d = readDescriptor(r);
    if (d.tag === tag) return d.body;
  }
  return undefined;
}

export function parseEsds(r: ByteReader): EsdsFields {
  readFullBox(r, 'esds', 0);
  const es = findDescriptor(r, ES_DESCR_TAG);
  if (!es) throw new MalformedError('esds: no ES_Descriptor', { offset: r.offset });
  const esId = es.u16();
  const esFlags = es.u8();
  if (esFlags & 0x80) es.skip(2, 'dependsOn_ES_ID');
  if (esFlags & 0x40) es.skip(es.u8(), 'URLstring');
  if (esFlags & 0x20) es.skip(2, 'OCR_ES_Id');
  const dc = findDescriptor(es, DECODER_CONFIG_DESCR_TAG);
  if (!dc) throw new MalformedError('esds: no DecoderConfigDescriptor', { offset: es.offset });
  const objectTypeIndication = dc.u8();
  const streamType = dc.u8() >> 2;
  const bufferSizeDB = dc.u24();
  const maxBitrate = dc.u32();
  const avgBitrate = dc.u32();
  const dsi = findDescriptor(dc, DEC_SPECIFIC_INFO_TAG);
  return {
    box: 'esds',
    esId,
    objectTypeIndication,
    streamType,
    bufferSizeDB,
    maxBitrate,
    avgBitrate,
    decoderSpecificInfo: dsi ? dsi.bytesView(dsi.remaining) : undefined,
  };
}
