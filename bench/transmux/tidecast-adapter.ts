import { readFileSync } from 'node:fs';
import { FlvDemuxer, Mp4Fragmenter } from '@tidecast/media';
import type { DemuxEvent } from '@tidecast/media';
import type { OutputSink, TransmuxAdapter, TransmuxRunReport } from './transmux-adapter.js';

function mediaPackageVersion(): string {
  const url = new URL('../../packages/media/package.json', import.meta.url);
  const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
    return String(parsed.version);
  }
  return 'unknown';
}

/**
 * Tidecast's player path: FlvDemuxer (chunks -> DemuxEvent) feeding Mp4Fragmenter
 * (DemuxEvent -> init + moof/mdat), one combined audio+video stream.
 */
export const tidecastAdapter: TransmuxAdapter = {
  name: 'tidecast',
  version: mediaPackageVersion(),
  run(input: readonly ArrayBuffer[], sink: OutputSink): TransmuxRunReport {
    const demuxer = new FlvDemuxer();
    const fragmenter = new Mp4Fragmenter();
    const warnings: string[] = [];

    const forward = (events: DemuxEvent[]): void => {
      for (const event of events) {
        if (event.type === 'error') {
          throw new Error(`tidecast: demux error: ${event.error.message}`, { cause: event.error });
        }
        if (event.type === 'warning') warnings.push(event.error.message);
        for (const chunk of fragmenter.push(event)) sink('av', chunk.kind, chunk.bytes);
      }
    };

    for (const buffer of input) forward(demuxer.push(new Uint8Array(buffer)));
    forward(demuxer.flush());
    for (const chunk of fragmenter.flush()) sink('av', chunk.kind, chunk.bytes);
    return { warnings };
  },
};
