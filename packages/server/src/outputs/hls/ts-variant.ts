/**
 * The classic MPEG-TS HLS variant (RFC 8216 3.2): whole segments only, each opening with PAT
 * and PMT and a keyframe, cut by the same rule as the fMP4 variant. A segment's duration is the
 * distance from its first packet to the next segment's first packet.
 */
import { TsMuxer } from '@tidecast/media';
import type { MediaPacket, TrackInfo, TrackKind } from '@tidecast/media';
import { concat } from './cmaf-variant.js';
import type { SegmentWindow } from './hls-segment-window.js';
import { shouldCutSegment } from './hls-timing.js';
import type { HlsTiming } from './hls-timing.js';
import type { WallClock } from './wall-clock.js';

/** Early audio frames kept while waiting for the first keyframe (~0.5 s of AAC). */
const EARLY_AUDIO_MAX = 24;
/** How far before the first keyframe early audio is still kept. */
const EARLY_AUDIO_LEAD_MS = 100;

export class TsVariant {
  readonly window: SegmentWindow;
  private readonly timing: HlsTiming;
  private readonly clock: WallClock;
  private readonly tracks = new Map<TrackKind, TrackInfo>();
  private muxer: TsMuxer | undefined;
  /** Tracks changed: the next segment needs a new PMT (and muxer). */
  private tracksChanged = true;
  private discontinuityPending = false;
  private pieces: Uint8Array[] = [];
  private lastDts = 0;
  private frameMs = 0;
  /**
   * Audio that came before the first video keyframe (encoders often start audio a frame or
   * two earlier): what is close to the keyframe opens the first segment with it.
   */
  private early: MediaPacket[] = [];

  constructor(window: SegmentWindow, timing: HlsTiming, clock: WallClock) {
    this.window = window;
    this.timing = timing;
    this.clock = clock;
  }

  track(track: TrackInfo): void {
    if (track.kind === 'video' && track.codec === 'av1') return; // no AV1 mapping for TS here
    this.tracks.set(track.kind, track);
    this.tracksChanged = true;
  }

  packet(packet: MediaPacket): void {
    if (!this.tracks.has(packet.kind)) return;
    const hasVideo = this.tracks.has('video');
    const isCutPoint = hasVideo ? packet.kind === 'video' && packet.keyframe : true;
    const open = this.window.open;
    if (isCutPoint) {
      const mustCut = this.tracksChanged || this.discontinuityPending;
      if (
        open === undefined ||
        mustCut ||
        shouldCutSegment(packet.dts - open.startMs, this.timing)
      ) {
        this.completeOpen(packet.dts);
        this.startSegment(packet);
      }
    }
    const muxer = this.muxer;
    if (this.window.open === undefined || muxer === undefined) {
      if (packet.kind === 'audio') this.early = [...this.early.slice(-EARLY_AUDIO_MAX + 1), packet];
      return; // waiting for a keyframe
    }
    if (this.early.length > 0 && packet.kind === 'video') {
      const early = this.early.filter((p) => p.dts >= packet.dts - EARLY_AUDIO_LEAD_MS);
      this.early = [];
      if (early.length > 0) this.pieces.push(muxer.writePackets(early));
    }
    this.pieces.push(muxer.writePacket(packet));
    if (packet.kind === (hasVideo ? 'video' : 'audio')) {
      if (packet.dts > this.lastDts) this.frameMs = packet.dts - this.lastDts;
      this.lastDts = packet.dts;
    }
  }

  discontinuity(): void {
    this.discontinuityPending = true;
  }

  finish(): void {
    this.completeOpen(this.lastDts + this.frameMs);
    this.window.end();
  }

  private startSegment(packet: MediaPacket): void {
    if (this.tracksChanged || this.muxer === undefined) {
      this.muxer = new TsMuxer({ tracks: [...this.tracks.values()] });
      this.tracksChanged = false;
    }
    this.window.openSegment({
      startMs: packet.dts,
      programDateTime: this.clock.wallTime(packet.dts),
      discontinuity: this.discontinuityPending,
      mapId: undefined,
    });
    this.discontinuityPending = false;
    this.pieces = [this.muxer.tables()];
    this.lastDts = packet.dts;
  }

  private completeOpen(endMs: number): void {
    const open = this.window.open;
    if (open === undefined) return;
    this.window.completeOpen(concat(this.pieces), Math.max(0, endMs - open.startMs));
    this.pieces = [];
  }
}
