/**
 * MPEG-2 transport stream constants shared by the muxer and the demuxer
 * (ISO/IEC 13818-1, "H.222.0"; stream types from its Table 2-34 and the ITU/ATSC registries).
 */

/** Every transport packet is 188 bytes (2.4.3.2). */
export const TS_PACKET_SIZE = 188;
/** sync_byte (2.4.3.3). */
export const TS_SYNC_BYTE = 0x47;
/** Program association table PID (Table 2-3). */
export const PAT_PID = 0x0000;
/** Null packets (Table 2-3); carry nothing. */
export const NULL_PID = 0x1fff;
/** PES and PSI timestamps tick at 90 kHz (2.4.3.7). */
export const TS_TIMESCALE = 90000;
/** PTS/DTS are 33-bit counters (2.4.3.7): they wrap every 2^33 ticks (~26.5 hours). */
export const PTS_WRAP = 2 ** 33;
/** PCR base is the 90 kHz clock; the extension counts 27 MHz ticks 0..299 (2.4.3.5). */
export const PCR_EXTENSION_PER_TICK = 300;

/** PIDs our muxer uses by default (same choice as most encoders, so tools show familiar numbers). */
export const DEFAULT_PMT_PID = 0x1000;
export const DEFAULT_VIDEO_PID = 0x0100;
export const DEFAULT_AUDIO_PID = 0x0101;

/** table_id values (Table 2-31). */
export const TABLE_ID_PAT = 0x00;
export const TABLE_ID_PMT = 0x02;

/** stream_type values (Table 2-34 and amendments). */
export const StreamType = {
  /** ISO/IEC 11172-3 (MPEG-1 audio, includes MP3). */
  MPEG1_AUDIO: 0x03,
  /** ISO/IEC 13818-3 (MPEG-2 audio, includes MP3 at low rates). */
  MPEG2_AUDIO: 0x04,
  /** Private PES data; with a registration descriptor 'Opus' it is Opus (ETSI TS 102 366 style). */
  PRIVATE_PES: 0x06,
  /** ISO/IEC 13818-7 AAC with ADTS transport. */
  AAC_ADTS: 0x0f,
  /** ITU-T H.264 | ISO/IEC 14496-10. */
  H264: 0x1b,
  /** ITU-T H.265 | ISO/IEC 23008-2. */
  H265: 0x24,
} as const;

/** PES stream_id values (Table 2-22). */
export const PES_STREAM_ID_VIDEO = 0xe0;
export const PES_STREAM_ID_AUDIO = 0xc0;
export const PES_STREAM_ID_PRIVATE_1 = 0xbd;

/** Descriptor tags used for Opus in TS (registration_descriptor 2.6.8; DVB extension 0x7f). */
export const DESCRIPTOR_REGISTRATION = 0x05;
export const DESCRIPTOR_EXTENSION = 0x7f;
/** format_identifier 'Opus' in a registration descriptor. */
export const OPUS_FORMAT_IDENTIFIER = 0x4f707573;

/** NAL unit types the muxer inserts or the demuxer strips. */
export const H264_NAL_AUD = 9;
export const H265_NAL_AUD = 35;
