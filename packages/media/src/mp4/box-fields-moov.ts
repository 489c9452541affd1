import type { ByteReader } from '../io/byte-reader.js';
import {
  fixed16,
  readCString,
  readEntryCount,
  readFullBox,
  readI64,
  readU32or64,
} from './box-fields-util.js';

/** ftyp / styp (ISO/IEC 14496-12 4.3, 8.16.2). */
export interface FileTypeFields<B extends 'ftyp' | 'styp'> {
  box: B;
  majorBrand: string;
  minorVersion: number;
  compatibleBrands: string[];
}

export function parseFileType<B extends 'ftyp' | 'styp'>(r: ByteReader, box: B): FileTypeFields<B> {
  const majorBrand = r.fourcc();
  const minorVersion = r.u32();
  const compatibleBrands: string[] = [];
  while (r.remaining >= 4) compatibleBrands.push(r.fourcc());
  return { box, majorBrand, minorVersion, compatibleBrands };
}

/** mvhd (14496-12 8.2.2); times are in `timescale` units. */
export interface MvhdFields {
  box: 'mvhd';
  version: number;
  creationTime: number;
  modificationTime: number;
  timescale: number;
  duration: number;
  /** Preferred rate, 16.16 fixed point decoded (1 = normal). */
  rate: number;
  /** Preferred volume, 8.8 fixed point decoded. */
  volume: number;
  matrix: number[];
  nextTrackId: number;
}

export function parseMvhd(r: ByteReader): MvhdFields {
  const { version } = readFullBox(r, 'mvhd', 1);
  const creationTime = readU32or64(r, version);
  const modificationTime = readU32or64(r, version);
  const timescale = r.u32();
  const duration = readU32or64(r, version);
  const rate = r.i32() / 65536;
  const volume = r.i16() / 256;
  r.skip(10, 'mvhd reserved');
  const matrix = readMatrix(r);
  r.skip(24, 'mvhd pre_defined');
  const nextTrackId = r.u32();
  return {
    box: 'mvhd',
    version,
    creationTime,
    modificationTime,
    timescale,
    duration,
    rate,
    volume,
    matrix,
    nextTrackId,
  };
}

/** tkhd (14496-12 8.3.2); duration is in the movie (mvhd) timescale. */
export interface TkhdFields {
  box: 'tkhd';
  version: number;
  flags: number;
  /** flags bit 0x000001. */
  enabled: boolean;
  creationTime: number;
  modificationTime: number;
  trackId: number;
  duration: number;
  layer: number;
  alternateGroup: number;
  volume: number;
  matrix: number[];
  /** Presentation size, 16.16 fixed point decoded. */
  width: number;
  height: number;
}

export function parseTkhd(r: ByteReader): TkhdFields {
  const { version, flags } = readFullBox(r, 'tkhd', 1);
  const creationTime = readU32or64(r, version);
  const modificationTime = readU32or64(r, version);
  const trackId = r.u32();
  r.skip(4, 'tkhd reserved');
  const duration = readU32or64(r, version);
  r.skip(8, 'tkhd reserved');
  const layer = r.i16();
  const alternateGroup = r.i16();
  const volume = r.i16() / 256;
  r.skip(2, 'tkhd reserved');
  const matrix = readMatrix(r);
  const width = fixed16(r.u32());
  const height = fixed16(r.u32());
  return {
    box: 'tkhd',
    version,
    flags,
    enabled: flags % 2 === 1,
    creationTime,
    modificationTime,
    trackId,
    duration,
    layer,
    alternateGroup,
    volume,
    matrix,
    width,
    height,
  };
}

function readMatrix(r: ByteReader): number[] {
  const matrix: number[] = [];
  for (let i = 0; i < 9; i++) matrix.push(r.i32());
  return matrix;
}

export interface EditListEntry {
  /** In the movie (mvhd) timescale. */
  segmentDuration: number;
  /** In the track (mdhd) timescale; -1 marks an empty edit. */
  mediaTime: number;
  mediaRate: number;
}

/** elst (14496-12 8.6.6). */
export interface ElstFields {
  box: 'elst';
  version: number;
  entries: EditListEntry[];
}

export function parseElst(r: ByteReader): ElstFields {
  const { version } = readFullBox(r, 'elst', 1);
  const count = readEntryCount(r, version === 1 ? 20 : 12, 'elst');
  const entries: EditListEntry[] = [];
  for (let i = 0; i < count; i++) {
    const segmentDuration = readU32or64(r, version);
    const mediaTime = version === 1 ? readI64(r) : r.i32();
    const mediaRate = r.i16() + r.i16() / 65536;
    entries.push({ segmentDuration, mediaTime, mediaRate });
  }
  return { box: 'elst', version, entries };
}

/** mdhd (14496-12 8.4.2); the track timescale lives here. */
export interface MdhdFields {
  box: 'mdhd';
  version: number;
  creationTime: number;
  modificationTime: number;
  timescale: number;
  duration: number;
  /** ISO 639-2/T code, e.g. `und`. */
  language: string;
}

export function parseMdhd(r: ByteReader): MdhdFields {
  const { version } = readFullBox(r, 'mdhd', 1);
  const creationTime = readU32or64(r, version);
  const modificationTime = readU32or64(r, version);
  const timescale = r.u32();
  const duration = readU32or64(r, version);
  // pad(1) + three 5-bit letters, each stored as (char - 0x60).
  const packed = r.u16() % 0x8000;
  const letter = (shift: number): string =>
    String.fromCharCode((Math.floor(packed / shift) % 32) + 0x60);
  const language = letter(1024) + letter(32) + letter(1);
  r.skip(2, 'mdhd pre_defined');
  return { box: 'mdhd', version, creationTime, modificationTime, timescale, duration, language };
}

/** hdlr (14496-12 8.4.3): `vide`, `soun`, `hint`, `meta`, `text`, ... */
export interface HdlrFields {
  box: 'hdlr';
  handlerType: string;
  name: string;
}

export function parseHdlr(r: ByteReader): HdlrFields {
  readFullBox(r, 'hdlr', 0);
  r.skip(4, 'hdlr pre_defined');
  const handlerType = r.fourcc();
  r.skip(12, 'hdlr reserved');
  const name = readCString(r);
  return { box: 'hdlr', handlerType, name };
}

/** vmhd (14496-12 12.1.2). */
export interface VmhdFields {
  box: 'vmhd';
  graphicsMode: number;
  opColor: [number, number, number];
}

export function parseVmhd(r: ByteReader): VmhdFields {
  readFullBox(r, 'vmhd', 0);
  const graphicsMode = r.u16();
  const opColor: [number, number, number] = [r.u16(), r.u16(), r.u16()];
  return { box: 'vmhd', graphicsMode, opColor };
}

/** smhd (14496-12 12.2.2). */
export interface SmhdFields {
  box: 'smhd';
  /** 8.8 fixed point decoded; 0 is centre. */
  balance: number;
}

export function parseSmhd(r: ByteReader): SmhdFields {
  readFullBox(r, 'smhd', 0);
  const balance = r.i16() / 256;
  r.skip(2, 'smhd reserved');
  return { box: 'smhd', balance };
}

/** dref (14496-12 8.7.2): a FullBox with an entry count, then `url `/`urn ` child boxes. */
export interface DrefFields {
  box: 'dref';
  entryCount: number;
}

export function parseDref(r: ByteReader): DrefFields {
  readFullBox(r, 'dref', 0);
  return { box: 'dref', entryCount: r.u32() };
}

/** `url ` (14496-12 8.7.2): flag 1 means the media data is in this same file. */
export interface UrlFields {
  box: 'url ';
  selfContained: boolean;
  location: string;
}

export function parseUrl(r: ByteReader): UrlFields {
  const { flags } = readFullBox(r, 'url ', 0);
  const location = r.remaining > 0 ? readCString(r) : '';
  return { box: 'url ', selfContained: flags % 2 === 1, location };
}

/** mehd (14496-12 8.8.2): whole fragmented-movie duration in the movie timescale. */
export interface MehdFields {
  box: 'mehd';
  fragmentDuration: number;
}

export function parseMehd(r: ByteReader): MehdFields {
  const { version } = readFullBox(r, 'mehd', 1);
  return { box: 'mehd', fragmentDuration: readU32or64(r, version) };
}

/** trex (14496-12 8.8.3): per-track defaults for movie fragments. */
export interface TrexFields {
  box: 'trex';
  trackId: number;
  defaultSampleDescriptionIndex: number;
  defaultSampleDuration: number;
  defaultSampleSize: number;
  defaultSampleFlags: number;
}

export function parseTrex(r: ByteReader): TrexFields {
  readFullBox(r, 'trex', 0);
  return {
    box: 'trex',
    trackId: r.u32(),
    defaultSampleDescriptionIndex: r.u32(),
    defaultSampleDuration: r.u32(),
    defaultSampleSize: r.u32(),
    defaultSampleFlags: r.u32(),
  };
}

/** pasp (14496-12 12.1.4): pixel (sample) aspect ratio. */
export interface PaspFields {
  box: 'pasp';
  hSpacing: number;
  vSpacing: number;
}

export function parsePasp(r: ByteReader): PaspFields {
  return { box: 'pasp', hSpacing: r.u32(), vSpacing: r.u32() };
}

/** btrt (14496-12 8.5.2.2). */
export interface BtrtFields {
  box: 'btrt';
  bufferSizeDB: number;
  maxBitrate: number;
  avgBitrate: number;
}

export function parseBtrt(r: ByteReader): BtrtFields {
  return { box: 'btrt', bufferSizeDB: r.u32(), maxBitrate: r.u32(), avgBitrate: r.u32() };
}
