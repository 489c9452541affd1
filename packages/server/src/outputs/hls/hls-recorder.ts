/**
 * Optional recording of a live stream's HLS to disk: every completed segment of both variants
 * and the init segments, under `DIR/APP/STREAM/EPOCH/`, with an EVENT playlist per variant that
 * grows as segments complete and becomes a VOD playlist (EXT-X-ENDLIST, RFC 8216 4.3.3.5) when
 * the stream ends. Files are written one at a time in order; a failed write is logged once and
 * recording stops for that stream (live delivery is never affected).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeMediaPlaylist } from '@tidecast/media';
import type { MediaPlaylist, MediaSegment } from '@tidecast/media';
import type { Logger } from '../../logger.js';
import type { HlsRecorderHooks } from './hls-live.js';
import type { HlsSegment } from './hls-segment-window.js';
import { hlsFileName } from './hls-names.js';
import type { HlsVariantKind } from './hls-playlist-view.js';

interface Recorded {
  segments: MediaSegment[];
  longestMs: number;
}

export class HlsRecorder implements HlsRecorderHooks {
  private readonly root: string;
  private readonly key: string;
  private readonly epoch: string;
  private readonly log: Logger;
  private queue: Promise<void> = Promise.resolve();
  private failed = false;
  private readonly recorded: Record<HlsVariantKind, Recorded> = {
    cmaf: { segments: [], longestMs: 0 },
    ts: { segments: [], longestMs: 0 },
  };

  constructor(root: string, key: string, epoch: string, logger: Logger) {
    this.root = root;
    this.key = key;
    this.epoch = epoch;
    this.log = logger;
  }

  /** Resolves when every queued write is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  init(id: number, bytes: Uint8Array): void {
    this.enqueue(hlsFileName({ type: 'init', mapId: id }), bytes);
  }

  segment(kind: HlsVariantKind, segment: HlsSegment): void {
    if (segment.bytes === undefined) return;
    const name = hlsFileName({
      type: kind === 'cmaf' ? 'segment-mp4' : 'segment-ts',
      msn: segment.msn,
    });
    const entry: MediaSegment = {
      uri: name,
      duration: segment.durationMs / 1000,
      discontinuity: segment.discontinuity,
      programDateTime: new Date(segment.programDateTime),
      parts: [],
    };
    if (segment.mapId !== undefined) {
      entry.map = { uri: hlsFileName({ type: 'init', mapId: segment.mapId }) };
    }
    const rec = this.recorded[kind];
    rec.segments.push(entry);
    rec.longestMs = Math.max(rec.longestMs, segment.durationMs);
    this.enqueue(name, segment.bytes);
    this.enqueuePlaylist(kind, false);
  }

  end(): void {
    this.enqueuePlaylist('cmaf', true);
    this.enqueuePlaylist('ts', true);
  }

  private dir(): string {
    return join(this.root, ...this.key.split('/'), this.epoch);
  }

  private enqueuePlaylist(kind: HlsVariantKind, ended: boolean): void {
    const rec = this.recorded[kind];
    if (rec.segments.length === 0) return;
    const playlist: MediaPlaylist = {
      version: kind === 'cmaf' ? 7 : 3,
      targetDuration: Math.max(1, Math.round(rec.longestMs / 1000)),
      mediaSequence: 0,
      discontinuitySequence: 0,
      playlistType: ended ? 'VOD' : 'EVENT',
      endList: ended,
      independentSegments: true,
      segments: [...rec.segments],
      preloadHints: [],
      renditionReports: [],
    };
    const text = writeMediaPlaylist(playlist);
    this.enqueue(kind === 'cmaf' ? 'index.m3u8' : 'index.ts.m3u8', new TextEncoder().encode(text));
  }

  private enqueue(name: string, bytes: Uint8Array): void {
    if (this.failed) return;
    this.queue = this.queue.then(async () => {
      if (this.failed) return;
      try {
        const dir = this.dir();
        await mkdir(dir, { recursive: true });
        // Written aside and renamed, so a reader never sees half a file (same directory).
        const temp = join(dir, `.${name}.tmp`);
        await writeFile(temp, bytes);
        await rename(temp, join(dir, name));
      } catch (error) {
        this.failed = true;
        this.log.error({ err: error, stream: this.key }, 'HLS recording stopped');
      }
    });
  }
}
