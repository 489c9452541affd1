/**
 * Keeps one continuous timeline across publishers. Packets are normalized to milliseconds
 * (FLV/RTMP time); the first publisher's timestamps pass through unchanged. When a publisher
 * takes over within the grace period, its timestamps are offset so its first packet lands one
 * frame interval after the last packet viewers have seen, and its video is held back until
 * its first keyframe (what came before cannot be decoded).
 */
import type { MediaPacket, TrackKind } from '@tidecast/media';

export class TimestampRebaser {
  private offset = 0;
  private rebasePending = false;
  private awaitVideoKeyframe = false;
  private newestDts: number | undefined;
  private readonly lastDts = new Map<TrackKind, number>();
  /** Newest positive distance between consecutive packets of a kind. */
  private readonly interval = new Map<TrackKind, number>();

  /** A new publisher follows: re-anchor at its first packet. */
  newPublisher(): void {
    if (this.newestDts === undefined) return; // nothing sent yet: no timeline to continue
    this.rebasePending = true;
    this.awaitVideoKeyframe = true;
  }

  /** The packet on the stream's timeline, or null when it must be dropped. */
  rebase(packet: MediaPacket): MediaPacket | null {
    if (packet.kind === 'video' && this.awaitVideoKeyframe) {
      if (!packet.keyframe) return null;
      this.awaitVideoKeyframe = false;
    }
    let dts = packet.dts;
    let pts = packet.pts;
    if (packet.timescale !== 1000) {
      dts = Math.round((dts * 1000) / packet.timescale);
      pts = Math.round((pts * 1000) / packet.timescale);
    }
    if (this.rebasePending) {
      // The new publisher's first packet lands where the next packet of every track was due
      // (the latest of those), so no track goes back and video keeps its frame interval.
      let next = 0;
      for (const [kind, last] of this.lastDts) {
        next = Math.max(next, last + (this.interval.get(kind) ?? 1));
      }
      this.offset = next - dts;
      this.rebasePending = false;
    }
    dts += this.offset;
    pts += this.offset;
    if (dts < 0) {
      pts -= dts;
      dts = 0;
    }
    // A decode time never goes back within a track (the shift keeps the composition offset).
    const last = this.lastDts.get(packet.kind);
    if (last !== undefined) {
      if (dts < last) {
        pts += last - dts;
        dts = last;
      } else if (dts > last) {
        this.interval.set(packet.kind, dts - last);
      }
    }
    this.lastDts.set(packet.kind, dts);
    this.newestDts = Math.max(this.newestDts ?? dts, dts);
    if (dts === packet.dts && pts === packet.pts && packet.timescale === 1000) return packet;
    return { ...packet, dts, pts, timescale: 1000 };
  }

  /** Newest decode time on the stream's timeline (ms), if any packet passed. */
  get newest(): number | undefined {
    return this.newestDts;
  }
}
