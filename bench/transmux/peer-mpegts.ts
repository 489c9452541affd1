import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { installBrowserShims } from './peer-mpegts-shims.js';
import type { OutputSink, TransmuxAdapter, TransmuxRunReport } from './transmux-adapter.js';

function peerVersion(): string {
  const path = createRequire(import.meta.url).resolve('mpegts.js/package.json');
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
    return String(parsed.version);
  }
  return 'unknown';
}

/** Copies `tail` (the unconsumed end of the previous buffer) in front of `next`. */
function prepend(tail: Uint8Array, next: ArrayBuffer): ArrayBuffer {
  const joined = new Uint8Array(tail.length + next.byteLength);
  joined.set(tail, 0);
  joined.set(new Uint8Array(next), tail.length);
  return joined.buffer;
}

/**
 * mpegts.js 1.8 as its TransmuxingController wires it for an FLV source: FLVDemuxer.probe on the
 * first bytes, FLVDemuxer -> MP4Remuxer via bindDataSource, parseChunks(buffer, byteStart) per
 * arrival with the unconsumed tail carried into the next call (what IOController's stash does;
 * with one copy of the tail only, which is cheaper than the real stash), flushStashedSamples at
 * end of input. Output: separate video and audio init + media segments (one SourceBuffer each).
 */
export async function createMpegtsPeer(): Promise<TransmuxAdapter> {
  installBrowserShims();
  // Imported after the shims: utils/browser.js reads navigator while it loads.
  const [
    { default: FLVDemuxer },
    { default: MP4Remuxer },
    { createDefaultConfig },
    { default: Log },
  ] = await Promise.all([
    import('mpegts.js/src/demux/flv-demuxer.js'),
    import('mpegts.js/src/remux/mp4-remuxer.js'),
    import('mpegts.js/src/config.js'),
    import('mpegts.js/src/utils/logger.js'),
  ]);

  // Console logging off (as a production player configures it); warn/error lines are still
  // collected per run through the logger's callback so the bench can show them.
  let runWarnings: string[] = [];
  Log.ENABLE_INFO = false;
  Log.ENABLE_DEBUG = false;
  Log.ENABLE_VERBOSE = false;
  Log.ENABLE_WARN = false;
  Log.ENABLE_ERROR = false;
  Log.ENABLE_CALLBACK = true;
  Log.emitter.on('log', (level, message) => {
    if (level === 'warn' || level === 'error') runWarnings.push(message);
  });

  return {
    name: 'mpegts.js',
    version: peerVersion(),
    run(input: readonly ArrayBuffer[], sink: OutputSink): TransmuxRunReport {
      const config = createDefaultConfig();
      const warnings: string[] = [];
      runWarnings = warnings;
      let demuxer: InstanceType<typeof FLVDemuxer> | undefined;
      let remuxer: InstanceType<typeof MP4Remuxer> | undefined;
      let tail: Uint8Array | undefined;
      let byteStart = 0;

      for (const chunk of input) {
        const buffer = tail === undefined ? chunk : prepend(tail, chunk);
        tail = undefined;
        if (demuxer === undefined) {
          const probe = FLVDemuxer.probe(buffer);
          if (probe.needMoreData === true) {
            tail = new Uint8Array(buffer);
            continue;
          }
          if (probe.match !== true) throw new Error('mpegts.js: input is not FLV');
          demuxer = new FLVDemuxer(probe, config);
          remuxer = new MP4Remuxer(config);
          demuxer.onError = (type, info) => {
            throw new Error(`mpegts.js: demux error ${type}: ${info}`);
          };
          demuxer.onMediaInfo = () => {};
          remuxer.bindDataSource(demuxer);
          remuxer.onInitSegment = (type, segment) => {
            sink(type, 'init', new Uint8Array(segment.data));
          };
          remuxer.onMediaSegment = (type, segment) => {
            sink(type, 'media', new Uint8Array(segment.data));
          };
        }
        const consumed = demuxer.parseChunks(buffer, byteStart);
        byteStart += consumed;
        if (consumed < buffer.byteLength) tail = new Uint8Array(buffer, consumed);
      }
      if (remuxer === undefined || demuxer === undefined) {
        throw new Error('mpegts.js: input too short');
      }
      if (tail !== undefined && tail.length > 0) {
        warnings.push(`${tail.length} trailing bytes not consumed`);
      }
      remuxer.flushStashedSamples();
      remuxer.destroy();
      demuxer.destroy();
      return { warnings };
    },
  };
}
