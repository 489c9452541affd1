import { FlvDemuxer, parseFlvHeader } from '@tidecast/media';
import type { DemuxEvent } from '@tidecast/media';
import { FlvRemuxer } from './flv-remuxer.js';
import type { TransmuxOutput } from './transmux-types.js';

const FLV_HEADER_BYTES = 9;

/**
 * FLV bytes -> fMP4: FlvDemuxer (split anywhere, never throws) then FlvRemuxer. The FLV header's
 * TypeFlags (FLV spec v10.1 E.2) say which kinds to wait for before the first init segment.
 */
export class FlvTransmuxer {
  private readonly demuxer = new FlvDemuxer();
  private readonly gapFillMs: number;
  private remuxer: FlvRemuxer | undefined;
  private head = new Uint8Array(0);
  private failed = false;

  constructor(audioGapFillMs: number) {
    this.gapFillMs = audioGapFillMs;
  }

  push(bytes: Uint8Array): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (this.failed) return out;
    if (this.remuxer === undefined) this.sniffHeader(bytes);
    this.handle(this.demuxer.push(bytes), out);
    return out;
  }

  flush(): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (this.failed) return out;
    this.handle(this.demuxer.flush(), out);
    if (!this.failed) this.remuxer?.flush(out);
    return out;
  }

  /** Collects the 9 header bytes; the demuxer itself reports a bad header. */
  private sniffHeader(bytes: Uint8Array): void {
    const need = FLV_HEADER_BYTES - this.head.length;
    const head = new Uint8Array(this.head.length + Math.min(need, bytes.length));
    head.set(this.head);
    head.set(bytes.subarray(0, need), this.head.length);
    this.head = head;
    if (head.length < FLV_HEADER_BYTES) return;
    let expectVideo = true;
    let expectAudio = true;
    try {
      const header = parseFlvHeader(head);
      // Some writers leave both flags clear; that promises nothing.
      if (header.hasVideo || header.hasAudio) {
        expectVideo = header.hasVideo;
        expectAudio = header.hasAudio;
      }
    } catch {
      // The demuxer turns the same bytes into an error event.
    }
    this.remuxer = new FlvRemuxer({ audioGapFillMs: this.gapFillMs, expectVideo, expectAudio });
  }

  private handle(events: DemuxEvent[], out: TransmuxOutput[]): void {
    for (const event of events) {
      if (this.failed) return;
      switch (event.type) {
        case 'track':
          this.remuxer?.track(event.track, out);
          break;
        case 'packet':
          this.remuxer?.packet(event.packet, out);
          break;
        case 'warning':
          out.push({ type: 'warning', code: 'DEMUX', message: event.error.message });
          break;
        case 'error':
          this.failed = true;
          out.push({ type: 'error', code: 'DEMUX', message: event.error.message });
          break;
        case 'script':
          break;
      }
    }
  }
}
