/**
 * Publisher side of the RTMP glue: turns the session's audio/video/data messages into tracks,
 * packets and metadata for the hub. An RTMP audio/video message payload is an FLV tag body
 * (RTMP spec 7.1.4-7.1.5, FLV spec v10.1 E.4.2/E.4.3), so each one is wrapped in a tag and fed
 * to the shared FlvDemuxer, which knows every codec (legacy and Enhanced RTMP).
 */
import {
  FlvDemuxer,
  FlvTagType,
  MalformedError,
  amf0Properties,
  buildFlvTag,
  readAmf0Values,
  writeFlvHeader,
} from '@tidecast/media';
import type { MediaError } from '@tidecast/media';
import type { PublishTarget } from '../publish-target.js';
import { MessageType } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

export interface IngestResult {
  /** Damage the demuxer stepped over (log it). */
  warnings: MediaError[];
  /** The publisher sent something we cannot follow: close its connection. */
  error?: MediaError;
}

export class RtmpIngest {
  private readonly demuxer = new FlvDemuxer();
  private readonly target: PublishTarget;
  private failed = false;

  constructor(target: PublishTarget) {
    this.target = target;
    this.demuxer.push(writeFlvHeader({ hasVideo: true, hasAudio: true }));
  }

  message(message: RtmpMessage): IngestResult {
    const result: IngestResult = { warnings: [] };
    if (this.failed) return result;
    switch (message.typeId) {
      case MessageType.Audio:
      case MessageType.Video:
        this.media(message, result);
        break;
      case MessageType.DataAMF0:
      case MessageType.DataAMF3:
        this.data(message, result);
        break;
      default:
        break;
    }
    return result;
  }

  private media(message: RtmpMessage, result: IngestResult): void {
    if (message.payload.length === 0) return; // some encoders send empty audio/video messages
    const type = message.typeId === MessageType.Audio ? FlvTagType.Audio : FlvTagType.Video;
    // The tag timestamp is a placeholder: the session's extended (post-rollover) timestamp is
    // applied below, keeping the composition offset the demuxer read from the body.
    const tag = buildFlvTag(type, 0, [], message.payload);
    for (const event of this.demuxer.push(tag)) {
      switch (event.type) {
        case 'track':
          this.target.setTrack(event.track);
          break;
        case 'packet': {
          const p = event.packet;
          const dts = message.timestamp;
          this.target.publish({ ...p, dts, pts: dts + (p.pts - p.dts), timescale: 1000 });
          break;
        }
        case 'warning':
          result.warnings.push(event.error);
          break;
        case 'error':
          this.failed = true;
          result.error = event.error;
          break;
        case 'script':
          break;
      }
    }
  }

  /** `@setDataFrame`, `onMetaData`, {..} (or `onMetaData`, {..}): RTMP spec 7.1.2, FLV E.5. */
  private data(message: RtmpMessage, result: IngestResult): void {
    let body = message.payload;
    if (message.typeId === MessageType.DataAMF3 && body[0] === 0) body = body.subarray(1);
    let values;
    try {
      values = readAmf0Values(body);
    } catch (error) {
      result.warnings.push(
        new MalformedError('unreadable AMF0 data message from the publisher', { cause: error }),
      );
      return;
    }
    const args = values[0] === '@setDataFrame' ? values.slice(1) : values;
    const [name, value] = args;
    if (name === 'onMetaData' && value !== undefined && amf0Properties(value) !== undefined) {
      this.target.setMetadata(value);
    }
  }
}
