import type { ByteReader } from '../io/byte-reader.js';
import type { Av1cFields, AvccFields, DopsFields, HvccFields } from './box-fields-codec.js';
import { parseAv1c, parseAvcc, parseDops, parseHvcc } from './box-fields-codec.js';
import type { EsdsFields } from './box-fields-esds.js';
import { parseEsds } from './box-fields-esds.js';
import type {
  EmsgFields,
  MfhdFields,
  SidxFields,
  TfdtFields,
  TfhdFields,
  TrunFields,
} from './box-fields-moof.js';
import {
  parseEmsg,
  parseMfhd,
  parseSidx,
  parseTfdt,
  parseTfhd,
  parseTrun,
} from './box-fields-moof.js';
import type {
  BtrtFields,
  DrefFields,
  ElstFields,
  FileTypeFields,
  HdlrFields,
  MdhdFields,
  MehdFields,
  MvhdFields,
  PaspFields,
  SmhdFields,
  TkhdFields,
  TrexFields,
  UrlFields,
  VmhdFields,
} from './box-fields-moov.js';
import {
  parseBtrt,
  parseDref,
  parseElst,
  parseFileType,
  parseHdlr,
  parseMdhd,
  parseMehd,
  parseMvhd,
  parsePasp,
  parseSmhd,
  parseTkhd,
  parseTrex,
  parseUrl,
  parseVmhd,
} from './box-fields-moov.js';
import type { AudioSampleEntryFields, VisualSampleEntryFields } from './box-fields-sample-entry.js';
import {
  AUDIO_SAMPLE_ENTRIES,
  VISUAL_SAMPLE_ENTRIES,
  VISUAL_SAMPLE_ENTRY_SIZE,
  parseAudioSampleEntry,
  parseVisualSampleEntry,
} from './box-fields-sample-entry.js';
import type {
  ChunkOffsetFields,
  CttsFields,
  SampleSizeFields,
  StscFields,
  StsdFields,
  StssFields,
  SttsFields,
} from './box-fields-stbl.js';
import {
  parseCo64,
  parseCtts,
  parseStco,
  parseStsc,
  parseStsd,
  parseStss,
  parseStsz,
  parseStts,
  parseStz2,
} from './box-fields-stbl.js';

/**
 * The typed fields of every box the reader understands, discriminated by `box` (the box type,
 * or `VisualSampleEntry` / `AudioSampleEntry` for sample entries, whose type is `format`).
 */
export type BoxFields =
  | FileTypeFields<'ftyp'>
  | FileTypeFields<'styp'>
  | MvhdFields
  | TkhdFields
  | ElstFields
  | MdhdFields
  | HdlrFields
  | VmhdFields
  | SmhdFields
  | DrefFields
  | UrlFields
  | StsdFields
  | SttsFields
  | CttsFields
  | StssFields
  | StscFields
  | SampleSizeFields<'stsz'>
  | SampleSizeFields<'stz2'>
  | ChunkOffsetFields<'stco'>
  | ChunkOffsetFields<'co64'>
  | MehdFields
  | TrexFields
  | MfhdFields
  | TfhdFields
  | TfdtFields
  | TrunFields
  | SidxFields
  | EmsgFields
  | VisualSampleEntryFields
  | AudioSampleEntryFields
  | AvccFields
  | HvccFields
  | Av1cFields
  | EsdsFields
  | DopsFields
  | PaspFields
  | BtrtFields;

export type BoxFieldsKind = BoxFields['box'];
export type FieldsOf<K extends BoxFieldsKind> = Extract<BoxFields, { box: K }>;

/** Boxes that hold only child boxes (14496-12 box table, plus QuickTime `wave`). */
const PURE_CONTAINERS: ReadonlySet<string> = new Set([
  'moov',
  'trak',
  'edts',
  'mdia',
  'minf',
  'dinf',
  'stbl',
  'mvex',
  'moof',
  'traf',
  'mfra',
  'udta',
  'tref',
  'sinf',
  'schi',
  'wave',
]);

type FieldParser = (r: ByteReader) => BoxFields;

const FIELD_PARSERS: ReadonlyMap<string, FieldParser> = new Map<string, FieldParser>([
  ['ftyp', (r) => parseFileType(r, 'ftyp')],
  ['styp', (r) => parseFileType(r, 'styp')],
  ['mvhd', parseMvhd],
  ['tkhd', parseTkhd],
  ['elst', parseElst],
  ['mdhd', parseMdhd],
  ['hdlr', parseHdlr],
  ['vmhd', parseVmhd],
  ['smhd', parseSmhd],
  ['url ', parseUrl],
  ['stts', parseStts],
  ['ctts', parseCtts],
  ['stss', parseStss],
  ['stsc', parseStsc],
  ['stsz', parseStsz],
  ['stz2', parseStz2],
  ['stco', parseStco],
  ['co64', parseCo64],
  ['mehd', parseMehd],
  ['trex', parseTrex],
  ['mfhd', parseMfhd],
  ['tfhd', parseTfhd],
  ['tfdt', parseTfdt],
  ['trun', parseTrun],
  ['sidx', parseSidx],
  ['emsg', parseEmsg],
  ['avcC', parseAvcc],
  ['hvcC', parseHvcc],
  ['av1C', parseAv1c],
  ['esds', parseEsds],
  ['dOps', parseDops],
  ['pasp', parsePasp],
  ['btrt', parseBtrt],
]);

export interface BoxPayload {
  fields?: BoxFields | undefined;
  /** Payload offset where child boxes start; undefined for a leaf box. */
  childrenAt?: number | undefined;
}

/**
 * Decodes the payload of one box. `r` covers exactly the payload (after the header), and
 * `parentType` tells sample entries (children of stsd) from same-named boxes elsewhere, such
 * as the 4-byte `mp4a` atom inside a QuickTime `wave`.
 */
export function parseBoxPayload(type: string, parentType: string, r: ByteReader): BoxPayload {
  if (PURE_CONTAINERS.has(type)) return { childrenAt: 0 };
  if (parentType === 'stsd') {
    if (VISUAL_SAMPLE_ENTRIES.has(type)) {
      return { fields: parseVisualSampleEntry(r, type), childrenAt: VISUAL_SAMPLE_ENTRY_SIZE };
    }
    if (AUDIO_SAMPLE_ENTRIES.has(type)) {
      const fields = parseAudioSampleEntry(r, type);
      return { fields, childrenAt: fields.headerLength };
    }
    return {};
  }
  switch (type) {
    case 'stsd':
      return { fields: parseStsd(r), childrenAt: 8 };
    case 'dref':
      return { fields: parseDref(r), childrenAt: 8 };
    case 'meta':
      return { childrenAt: isQuickTimeMeta(r) ? 0 : 4 };
    default: {
      const parse = FIELD_PARSERS.get(type);
      return parse ? { fields: parse(r) } : {};
    }
  }
}

/** ISO meta is a FullBox; QuickTime meta is a plain box whose first child is hdlr. */
function isQuickTimeMeta(r: ByteReader): boolean {
  const b = r.bytes;
  return (
    b.length >= 8 && String.fromCharCode(b[4] ?? 0, b[5] ?? 0, b[6] ?? 0, b[7] ?? 0) === 'hdlr'
  );
}
