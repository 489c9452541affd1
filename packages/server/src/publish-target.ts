import type { Amf0Value, MediaPacket, TrackInfo } from '@tidecast/media';

/**
 * What an ingest (RTMP publisher, demo loop, relay) feeds: a LiveStream, seen through the
 * server's hub adapter. Packets use timescale 1000 (FLV/RTMP milliseconds).
 */
export interface PublishTarget {
  setTrack(track: TrackInfo): void;
  setMetadata(value: Amf0Value): void;
  publish(packet: MediaPacket): void;
}
