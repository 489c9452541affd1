/**
 * A consumer that sees everything a live stream carries, on the stream's own (rebased,
 * millisecond) timeline, whether or not anyone is watching: what HLS packaging needs, since a
 * playlist must exist before its first viewer asks for it.
 */
import type { MediaPacket, TrackInfo } from '@tidecast/media';

export type PublisherEvent =
  /** The first publisher started the stream. */
  | 'start'
  /** A publisher took over within the grace period: timestamps continue, codecs may change. */
  | 'resume'
  /** The publisher left; the stream waits for another within the grace period. */
  | 'lost';

export interface StreamTap {
  track(track: TrackInfo): void;
  packet(packet: MediaPacket): void;
  publisher(event: PublisherEvent): void;
  /** The stream ended (no publisher after the grace period, kicked, or disposed). */
  end(): void;
}
