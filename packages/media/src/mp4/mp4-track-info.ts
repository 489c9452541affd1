import { parseAudioSpecificConfig } from '../codecs/aac/aac-asc.js';
import { MalformedError } from '../errors.js';
import type { EditListEntry, TrexFields } from './box-fields-moov.js';
import type { Mp4Box } from './box-reader.js';
import { fieldsOf, findBox, findFields } from './box-reader.js';

/** What a track is, from moov/trak (ISO/IEC 14496-12 8.3-8.5) and its first sample entry. */
export interface Fmp4TrackInfo {
  trackId: number;
  /** hdlr handler_type: `vide`, `soun`, `text`, `meta`, ... */
  handler: string;
  kind: 'video' | 'audio' | 'other';
  /** mdhd timescale: ticks per second of every sample time of this track. */
  timescale: number;
  /** mdhd duration in track ticks (0 in a fragmented file's empty moov). */
  duration: number;
  language: string;
  /** Sample entry type: `avc1`, `avc3`, `hvc1`, `hev1`, `av01`, `mp4a`, `Opus`, ... */
  codec: string;
  /** Coded size from the VisualSampleEntry. */
  width?: number | undefined;
  height?: number | undefined;
  /** Presentation size from tkhd (16.16 decoded). */
  displayWidth?: number | undefined;
  displayHeight?: number | undefined;
  /** pasp, when present. */
  sarNum?: number | undefined;
  sarDen?: number | undefined;
  channels?: number | undefined;
  sampleRate?: number | undefined;
  /** esds objectTypeIndication (0x40 AAC, 0x6B MP3). */
  objectTypeIndication?: number | undefined;
  /** Which box `config` came from. */
  configBox?: 'avcC' | 'hvcC' | 'av1C' | 'esds' | 'dOps' | undefined;
  /** avcC / hvcC / av1C / dOps payload, or the esds DecoderSpecificInfo (AAC AudioSpecificConfig). */
  config?: Uint8Array | undefined;
  editList: EditListEntry[];
  /**
   * media_time of the first non-empty edit (0 without an edit list): presentation time is
   * `pts - mediaTimeOffset` (14496-12 8.6.6), e.g. the B-frame delay or AAC priming ffmpeg writes.
   */
  mediaTimeOffset: number;
  /** trex defaults for movie fragments, when the movie has mvex. */
  trex?: TrexFields | undefined;
}

export function readTrackInfo(trak: Mp4Box, trexList: readonly TrexFields[]): Fmp4TrackInfo {
  const boxes = trak.children ?? [];
  const tkhd = findFields(boxes, 'tkhd', 'tkhd');
  const mdhd = findFields(boxes, 'mdia/mdhd', 'mdhd');
  const hdlr = findFields(boxes, 'mdia/hdlr', 'hdlr');
  if (!tkhd || !mdhd || !hdlr) {
    throw new MalformedError(`trak at offset ${trak.offset} lacks tkhd, mdhd or hdlr`, {
      offset: trak.offset,
    });
  }
  if (mdhd.timescale === 0) {
    throw new MalformedError(`track ${tkhd.trackId}: mdhd timescale is 0`, { offset: trak.offset });
  }
  const editList = findFields(boxes, 'edts/elst', 'elst')?.entries ?? [];
  const firstEdit = editList.find((e) => e.mediaTime !== -1);
  const handler = hdlr.handlerType;
  const info: Fmp4TrackInfo = {
    trackId: tkhd.trackId,
    handler,
    kind: handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other',
    timescale: mdhd.timescale,
    duration: mdhd.duration,
    language: mdhd.language,
    codec: '',
    displayWidth: tkhd.width,
    displayHeight: tkhd.height,
    editList,
    mediaTimeOffset: firstEdit?.mediaTime ?? 0,
    trex: trexList.find((t) => t.trackId === tkhd.trackId),
  };
  const entry = findBox(boxes, 'mdia/minf/stbl/stsd/*');
  if (entry) describeSampleEntry(entry, info);
  return info;
}

function describeSampleEntry(entry: Mp4Box, info: Fmp4TrackInfo): void {
  info.codec = entry.type;
  const children = entry.children ?? [];
  const visual = fieldsOf(entry, 'VisualSampleEntry');
  if (visual) {
    info.width = visual.width;
    info.height = visual.height;
  }
  const audio = fieldsOf(entry, 'AudioSampleEntry');
  if (audio) {
    info.channels = audio.channelCount;
    info.sampleRate = audio.sampleRate;
  }
  const pasp = findFields(children, 'pasp', 'pasp');
  if (pasp) {
    info.sarNum = pasp.hSpacing;
    info.sarDen = pasp.vSpacing;
  }
  for (const box of children) {
    const f = box.fields;
    if (!f) continue;
    if (f.box === 'avcC' || f.box === 'hvcC' || f.box === 'av1C') {
      info.configBox = f.box;
      info.config = f.raw;
    } else if (f.box === 'dOps') {
      info.configBox = 'dOps';
      info.config = f.raw;
      // 14496 Opus binding 4.3: the entry's samplerate is 48000; dOps carries the real layout.
      info.channels = f.outputChannelCount;
    }
  }
  // QuickTime audio keeps esds inside a `wave` atom.
  const esds = findFields(children, 'esds', 'esds') ?? findFields(children, 'wave/esds', 'esds');
  if (esds) {
    info.configBox = 'esds';
    info.objectTypeIndication = esds.objectTypeIndication;
    info.config = esds.decoderSpecificInfo;
    // ffmpeg and others write the template channelcount 2 in the entry; the ASC is authoritative.
    const channels = esds.objectTypeIndication === 0x40 ? ascChannels(esds.decoderSpecificInfo) : 0;
    if (channels > 0) info.channels = channels;
  }
}

/** Output channel count from an AudioSpecificConfig, or 0 when it cannot be read. */
function ascChannels(asc: Uint8Array | undefined): number {
  if (!asc || asc.length < 2) return 0;
  try {
    return parseAudioSpecificConfig(asc).channels;
  } catch {
    return 0;
  }
}
