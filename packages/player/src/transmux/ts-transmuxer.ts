import { TsDemuxer } from '@tidecast/media';
import type { DemuxEvent } from '@tidecast/media';
import { FlvRemuxer } from './flv-remuxer.js';
import type { TransmuxOutput } from './transmux-types.js';

/**
 * MPEG-TS bytes -> fMP4: TsDemuxer (split anywhere, never throws; 90 kHz packets) then the same
 * MediaPacket remuxer as FLV, which works in each packet's own timescale. A transport stream
 * says nothing up front about its tracks that the demuxer reports, so the first init waits for
 * both kinds (the remuxer starts with what it has after INIT_WAIT_MS of media).
 */
export class TsTransmuxer {
  private readonly demuxer = new TsDemuxer();
  private readonly remuxer: FlvRemuxer;
  private failed = false;

  constructor(audioGapFillMs: number) {
    this.remuxer = new FlvRemuxer({ audioGapFillMs, expectVideo: true, expectAudio: true });
  }

  push(bytes: Uint8Array): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (!this.failed) this.handle(this.demuxer.push(bytes), out);
    return out;
  }

  flush(): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (this.failed) return out;
    this.handle(this.demuxer.flush(), out);
    if (!this.failed) this.remuxer.flush(out);
    return out;
  }

  private handle(events: DemuxEvent[], out: TransmuxOutput[]): void {
    for (const event of events) {
      if (this.failed) return;
      switch (event.type) {
        case 'track':
          this.remuxer.track(event.track, out);
          break;
        case 'packet':
          this.remuxer.packet(event.packet, out);
          break;
        case 'warning':
          out.push({ type: 'warning', code: 'DEMUX', message: event.error.message });
          break;
        case 'error':
          this.failed = true;
          out.push({ type: 'error', code: 'DEMUX', message: event.error.message });
          break;
        default:
          break;
      }
    }
  }
}
