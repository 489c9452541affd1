import type { ByteReader } from '../io/byte-reader.js';

/** Sample entry formats laid out as VisualSampleEntry (14496-12 12.1.3, 14496-15, AV1-ISOBMFF). */
export const VISUAL_SAMPLE_ENTRIES: ReadonlySet<string> = new Set([
  'avc1',
  'avc2',
  'avc3',
  'avc4',
  'hvc1',
  'hev1',
  'dvh1',
  'dvhe',
  'av01',
  'vp08',
  'vp09',
  'mp4v',
  'encv',
]);

/** Sample entry formats laid out as AudioSampleEntry (14496-12 12.2.3, 14496-14, Opus-in-ISOBMFF). */
export const AUDIO_SAMPLE_ENTRIES: ReadonlySet<string> = new Set([
  'mp4a',
  'Opus',
  'fLaC',
  'ac-3',
  'ec-3',
  'alac',
  '.mp3',
  'enca',
]);

/** VisualSampleEntry fixed fields (14496-12 12.1.3.2); child boxes (avcC, pasp, ...) follow. */
export interface VisualSampleEntryFields {
  box: 'VisualSampleEntry';
  /** The sample entry box type: `avc1`, `hvc1`, `av01`, ... */
  format: string;
  dataReferenceIndex: number;
  width: number;
  height: number;
  horizResolution: number;
  vertResolution: number;
  frameCount: number;
  compressorName: string;
  depth: number;
}

/** Bytes of fixed fields before the first child box. */
export const VISUAL_SAMPLE_ENTRY_SIZE = 78;

export function parseVisualSampleEntry(r: ByteReader, format: string): VisualSampleEntryFields {
  r.skip(6, 'sample entry reserved');
  const dataReferenceIndex = r.u16();
  r.skip(16, 'visual sample entry pre_defined');
  const width = r.u16();
  const height = r.u16();
  const horizResolution = r.u32() / 65536;
  const vertResolution = r.u32() / 65536;
  r.skip(4, 'visual sample entry reserved');
  const frameCount = r.u16();
  // compressorname: a Pascal string padded to 32 bytes.
  const name = r.bytesView(32);
  const nameLength = Math.min(name[0] ?? 0, 31);
  let compressorName = '';
  for (let i = 1; i <= nameLength; i++) compressorName += String.fromCharCode(name[i] ?? 0);
  const depth = r.u16();
  r.skip(2, 'visual sample entry pre_defined');
  return {
    box: 'VisualSampleEntry',
    format,
    dataReferenceIndex,
    width,
    height,
    horizResolution,
    vertResolution,
    frameCount,
    compressorName,
    depth,
  };
}

/** AudioSampleEntry fixed fields (14496-12 12.2.3.2); child boxes (esds, dOps, ...) follow. */
export interface AudioSampleEntryFields {
  box: 'AudioSampleEntry';
  format: string;
  dataReferenceIndex: number;
  /** 0 in ISO files; QuickTime sound description versions 1 and 2 add fields. */
  version: number;
  channelCount: number;
  sampleSize: number;
  /** From the 16.16 field, or the float64 rate of a QuickTime version 2 entry. */
  sampleRate: number;
  /** Bytes of fixed fields before the first child box. */
  headerLength: number;
}

/**
 * Parses the fixed part. Version 1 is ambiguous: ISO AudioSampleEntryV1 adds nothing, the
 * QuickTime sound description v1 (QTFF "Sound Sample Description (Version 1)") adds 16 bytes.
 * We take the ISO reading when a plausible child box header follows the 28 bytes.
 */
export function parseAudioSampleEntry(r: ByteReader, format: string): AudioSampleEntryFields {
  r.skip(6, 'sample entry reserved');
  const dataReferenceIndex = r.u16();
  const version = r.u16();
  r.skip(6, 'audio sample entry reserved');
  let channelCount = r.u16();
  const sampleSize = r.u16();
  r.skip(4, 'audio sample entry pre_defined');
  let sampleRate = Math.floor(r.u32() / 65536);
  let headerLength = 28;
  if (version === 1 && !childBoxFollows(r)) {
    r.skip(16, 'QuickTime sound description v1');
    headerLength += 16;
  } else if (version === 2) {
    r.skip(4, 'QuickTime sizeOfStructOnly');
    sampleRate = r.f64();
    channelCount = r.u32();
    r.skip(20, 'QuickTime sound description v2');
    headerLength += 36;
  }
  return {
    box: 'AudioSampleEntry',
    format,
    dataReferenceIndex,
    version,
    channelCount,
    sampleSize,
    sampleRate,
    headerLength,
  };
}

function childBoxFollows(r: ByteReader): boolean {
  if (r.remaining < 8) return r.remaining === 0;
  const b = r.bytes;
  const p = r.pos;
  const size =
    ((b[p] ?? 0) * 256 + (b[p + 1] ?? 0)) * 65536 + (b[p + 2] ?? 0) * 256 + (b[p + 3] ?? 0);
  if (size < 8 || size > r.remaining) return false;
  for (let i = 4; i < 8; i++) {
    const c = b[p + i] ?? 0;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
