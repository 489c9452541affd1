/**
 * HLS for one live stream: a StreamTap feeding both variants (fMP4 with LL-HLS parts, and
 * MPEG-TS) from the stream's rebased timeline, whether or not anyone watches, so the playlist
 * exists before the first player asks. A variant that fails (a codec it cannot carry) is
 * switched off with one log line; it never disturbs the stream or the other variant.
 */
import type { MediaPacket, TrackInfo } from '@tidecast/media';
import type { Logger } from '../../logger.js';
import type { PublisherEvent, StreamTap } from '../../hub/stream-tap.js';
import { CmafVariant } from './cmaf-variant.js';
import { SegmentWindow } from './hls-segment-window.js';
import type { HlsSegment } from './hls-segment-window.js';
import type { HlsTiming } from './hls-timing.js';
import type { HlsVariantKind } from './hls-playlist-view.js';
import { newEpoch } from './hls-names.js';
import { TsVariant } from './ts-variant.js';
import { WallClock } from './wall-clock.js';

export interface HlsLiveOptions {
  /** Path component naming this stream instance (default: a fresh one). */
  epoch?: string;
  timing: HlsTiming;
  windowSegments: number;
  logger: Logger;
  /** Told about every completed segment and init segment (disk recording). */
  recorder?: HlsRecorderHooks;
  /** Wall clock, ms since the epoch (tests). */
  now?: () => number;
}

export interface HlsRecorderHooks {
  segment(kind: HlsVariantKind, segment: HlsSegment): void;
  init(id: number, bytes: Uint8Array): void;
  end(): void;
}

interface Variant {
  track(track: TrackInfo): void;
  packet(packet: MediaPacket): void;
  discontinuity(): void;
  finish(): void;
}

export class HlsLive implements StreamTap {
  readonly key: string;
  readonly epoch: string;
  readonly timing: HlsTiming;
  readonly cmaf: CmafVariant;
  readonly ts: TsVariant;
  private readonly clock: WallClock;
  private readonly log: Logger;
  private readonly recorder: HlsRecorderHooks | undefined;
  private readonly failed = new Set<Variant>();
  private isEnded = false;

  constructor(key: string, options: HlsLiveOptions) {
    this.key = key;
    this.epoch = options.epoch ?? newEpoch();
    this.timing = options.timing;
    this.log = options.logger;
    this.recorder = options.recorder;
    this.clock = new WallClock(options.now);
    const recorder = options.recorder;
    this.cmaf = new CmafVariant(
      new SegmentWindow({
        windowSegments: options.windowSegments,
        onSegment: (s) => recorder?.segment('cmaf', s),
        onInit: (id, bytes) => recorder?.init(id, bytes),
      }),
      this.timing,
      this.clock,
    );
    this.ts = new TsVariant(
      new SegmentWindow({
        windowSegments: options.windowSegments,
        onSegment: (s) => recorder?.segment('ts', s),
      }),
      this.timing,
      this.clock,
    );
  }

  get ended(): boolean {
    return this.isEnded;
  }

  window(kind: HlsVariantKind): SegmentWindow {
    return kind === 'cmaf' ? this.cmaf.window : this.ts.window;
  }

  track(track: TrackInfo): void {
    this.each((v) => v.track(track));
  }

  packet(packet: MediaPacket): void {
    this.clock.observe(packet.dts);
    this.each((v) => v.packet(packet));
  }

  publisher(event: PublisherEvent): void {
    if (event === 'resume') {
      this.clock.reanchor();
      this.each((v) => v.discontinuity());
    } else if (event === 'lost') {
      // The frames already received become parts now instead of waiting for the next ones.
      this.guard(this.cmaf, () => this.cmaf.flushPending());
    }
  }

  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.each((v) => v.finish());
    // A failed variant is still ended, so waiting requests are answered.
    this.cmaf.window.end();
    this.ts.window.end();
    this.recorder?.end();
  }

  private each(step: (variant: Variant) => void): void {
    this.guard(this.cmaf, () => step(this.cmaf));
    this.guard(this.ts, () => step(this.ts));
  }

  private guard(variant: Variant, step: () => void): void {
    if (this.failed.has(variant)) return;
    try {
      step();
    } catch (error) {
      this.failed.add(variant);
      const kind = variant === this.cmaf ? 'fmp4' : 'ts';
      this.log.warn({ err: error, stream: this.key, variant: kind }, 'HLS variant stopped');
    }
  }
}
