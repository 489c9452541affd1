import { InvalidArgumentError } from '../errors.js';
import type { AudioTrack, MediaPacket, TrackInfo, VideoTrack } from '../types.js';
import { buildPesHeader, toMpegTicks } from './pes-writer.js';
import { buildPatSection, buildPmtSection, type PmtStream } from './psi-writer.js';
import {
  DEFAULT_AUDIO_PID,
  DEFAULT_PMT_PID,
  DEFAULT_VIDEO_PID,
  PAT_PID,
  PES_STREAM_ID_VIDEO,
  TS_PACKET_SIZE,
} from './ts-constants.js';
import { audioEs, type AudioEs } from './ts-mux-audio.js';
import { annexBAccessUnit, videoEs, type VideoEs } from './ts-mux-video.js';
import { pesPacketCount, TsPacketizer, type PesUnit } from './ts-packetizer.js';

/**
 * Single-program MPEG-2 transport stream writer (ISO/IEC 13818-1) for HLS segments: PAT + PMT on
 * demand, then one PES per MediaPacket. Stateful only in continuity counters and PCR timing, so
 * consecutive segments from one muxer form one continuous stream.
 */

export interface TsMuxerOptions {
  /** 0..1 video (avc | hevc) and 0..1 audio (aac | mp3 | opus) track. */
  tracks: TrackInfo[];
  pmtPid?: number;
  videoPid?: number;
  audioPid?: number;
}

/**
 * PCR = DTS minus this delay (clamped at 0), so the clock never runs ahead of the data it
 * schedules (T-STD, 2.4.2).
 */
const PCR_DELAY = 9000; // 100 ms at 90 kHz
/** A PES on the PCR PID carries a PCR when this much time passed since the last one. */
const PCR_INTERVAL = 3600; // 40 ms
/** Past this gap a PCR-only packet is sent: PCRs must be at most 100 ms apart (2.7.2). */
const PCR_MAX_GAP = 7200; // 80 ms, leaving room for the next frame's spacing

interface Stream<Es> {
  pid: number;
  es: Es;
}

interface Planned {
  /** PCR base for a PCR-only packet written before the PES, if needed. */
  pcrOnly: number | undefined;
  unit: PesUnit;
}

export class TsMuxer {
  private readonly packetizer = new TsPacketizer();
  private readonly pmtPid: number;
  private readonly pcrPid: number;
  private readonly video: Stream<VideoEs> | undefined;
  private readonly audio: Stream<AudioEs> | undefined;
  private readonly pat: Uint8Array;
  private readonly pmt: Uint8Array;
  /** 90 kHz DTS (unwrapped) the last PCR was derived from. */
  private lastPcrDts: number | undefined;

  constructor(options: TsMuxerOptions) {
    const videos = options.tracks.filter((t): t is VideoTrack => t.kind === 'video');
    const audios = options.tracks.filter((t): t is AudioTrack => t.kind === 'audio');
    if (videos.length > 1 || audios.length > 1 || options.tracks.length === 0) {
      throw new InvalidArgumentError(
        `TS muxer takes 0..1 video and 0..1 audio track (at least one), got ${videos.length} video, ${audios.length} audio`,
      );
    }
    this.pmtPid = options.pmtPid ?? DEFAULT_PMT_PID;
    const videoTrack = videos[0];
    const audioTrack = audios[0];
    const streams: PmtStream[] = [];
    const used: number[] = [this.pmtPid];
    if (videoTrack !== undefined) {
      this.video = { pid: options.videoPid ?? DEFAULT_VIDEO_PID, es: videoEs(videoTrack) };
      streams.push({ streamType: this.video.es.streamType, pid: this.video.pid });
      used.push(this.video.pid);
    }
    if (audioTrack !== undefined) {
      const es = audioEs(audioTrack);
      this.audio = { pid: options.audioPid ?? DEFAULT_AUDIO_PID, es };
      streams.push({ streamType: es.streamType, pid: this.audio.pid, descriptors: es.descriptors });
      used.push(this.audio.pid);
    }
    checkPids(used);
    // The PCR rides on video when there is video (its keyframes start segments), else audio.
    this.pcrPid = this.video?.pid ?? this.audio?.pid ?? this.pmtPid;
    this.pat = buildPatSection(this.pmtPid);
    this.pmt = buildPmtSection({ pcrPid: this.pcrPid, streams });
  }

  /** PAT + PMT (2 packets). An HLS segment starts with these (RFC 8216 3.2). */
  tables(): Uint8Array {
    const out = new Uint8Array(2 * TS_PACKET_SIZE);
    const at = this.packetizer.writeSection(out, 0, PAT_PID, this.pat);
    this.packetizer.writeSection(out, at, this.pmtPid, this.pmt);
    return out;
  }

  /** One MediaPacket (any timescale; AVCC video / raw audio frame) -> whole 188-byte packets. */
  writePacket(packet: MediaPacket): Uint8Array {
    return this.writePackets([packet]);
  }

  /**
   * Several packets at once (one allocation). Every packet is validated before anything is
   * written, so a bad one leaves the muxer state (counters, PCR timing) untouched.
   */
  writePackets(packets: readonly MediaPacket[]): Uint8Array {
    const planned: Planned[] = [];
    let lastPcrDts = this.lastPcrDts;
    let count = 0;
    for (const packet of packets) {
      const { unit, dts } = this.pesUnit(packet);
      const elapsed = lastPcrDts === undefined ? Infinity : dts - lastPcrDts;
      // A big step back is a new timeline: restart the PCR rather than wait to catch up.
      const restart = elapsed === Infinity || elapsed < -PCR_MAX_GAP;
      let pcrOnly: number | undefined;
      if (unit.pid === this.pcrPid) {
        const videoKey = packet.kind === 'video' && packet.keyframe && elapsed > 0;
        if (restart || videoKey || elapsed >= PCR_INTERVAL) {
          unit.pcr = pcrFor(dts);
          lastPcrDts = dts;
        }
      } else if (restart || elapsed >= PCR_MAX_GAP) {
        pcrOnly = pcrFor(dts);
        lastPcrDts = dts;
      }
      planned.push({ pcrOnly, unit });
      count += pesPacketCount(unit) + (pcrOnly === undefined ? 0 : 1);
    }
    const out = new Uint8Array(count * TS_PACKET_SIZE);
    let at = 0;
    for (const { pcrOnly, unit } of planned) {
      if (pcrOnly !== undefined) at = this.packetizer.writePcrPacket(out, at, this.pcrPid, pcrOnly);
      at = this.packetizer.writePes(out, at, unit);
    }
    this.lastPcrDts = lastPcrDts;
    return out;
  }

  /** The PES (header + elementary stream parts) of one packet and its 90 kHz DTS. */
  private pesUnit(packet: MediaPacket): { unit: PesUnit; dts: number } {
    if (!(packet.data instanceof Uint8Array) || packet.data.length === 0) {
      throw new InvalidArgumentError(`${packet.kind} packet without data`);
    }
    const dts = toMpegTicks(packet.dts, packet.timescale, 'dts');
    const pts = toMpegTicks(packet.pts, packet.timescale, 'pts');
    if (packet.kind === 'video') {
      if (this.video === undefined)
        throw new InvalidArgumentError('video packet without a video track');
      const payload = annexBAccessUnit(this.video.es, packet.data, packet.keyframe);
      const header = buildPesHeader({
        streamId: PES_STREAM_ID_VIDEO,
        pts,
        dts,
        payloadLength: payload.length,
        allowUnbounded: true,
      });
      const unit: PesUnit = {
        pid: this.video.pid,
        parts: [header, ...payload.parts],
        length: header.length + payload.length,
        randomAccess: packet.keyframe,
      };
      return { unit, dts };
    }
    if (this.audio === undefined)
      throw new InvalidArgumentError('audio packet without an audio track');
    const payload = this.audio.es.frame(packet.data);
    const header = buildPesHeader({
      streamId: this.audio.es.streamId,
      pts,
      dts,
      payloadLength: payload.length,
      allowUnbounded: false,
    });
    const unit: PesUnit = {
      pid: this.audio.pid,
      parts: [header, ...payload.parts],
      length: header.length + payload.length,
      // Every audio frame is a random access point; flag it when no video marks them (2.4.3.5).
      randomAccess: this.video === undefined,
    };
    return { unit, dts };
  }
}

function pcrFor(dts: number): number {
  return dts > PCR_DELAY ? dts - PCR_DELAY : 0;
}

/** PIDs 0x0000-0x000F are reserved and 0x1FFF is the null packet (Table 2-3). */
function checkPids(pids: readonly number[]): void {
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid < 0x10 || pid > 0x1ffe) {
      throw new InvalidArgumentError(`PID ${pid} not in 0x0010..0x1FFE`);
    }
  }
  if (new Set(pids).size !== pids.length) {
    throw new InvalidArgumentError(`PIDs must differ: ${pids.join(', ')}`);
  }
}
