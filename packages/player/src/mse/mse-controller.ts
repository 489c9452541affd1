/**
 * Owns the MediaSource and its one combined audio+video SourceBuffer: attach, init segments
 * (changeType when the codecs change), media segments with QuotaExceededError recovery,
 * back-buffer eviction, and teardown.
 *
 * Error contract: open() rejects with a PlayerError (NO_MSE, or MSE when the source never
 * opens). Every other method resolves and never rejects; failures go to `onError` exactly once
 * (fatal ones: UNSUPPORTED_CODEC, MSE), after which `failed` is true and calls are no-ops.
 * A QUOTA error is not fatal: that segment is dropped (appendSegment resolves 'dropped').
 */
import { PlayerError } from '../errors.js';
import type { MediaSummary } from '../transmux/transmux-types.js';
import { planEviction, timeRangesToArray } from './buffer-ranges.js';
import type { TimeRange } from './buffer-ranges.js';
import {
  browserEnvironment,
  createMediaSource,
  isMimeTypeSupported,
} from './media-source-factory.js';
import type { MediaSourceLike, MseEnvironment } from './media-source-factory.js';
import type { AppendOutcome, MseControllerOptions, SegmentTiming } from './mse-types.js';
import { BufferLedger } from './buffer-ledger.js';
import { QueueAbortedError, SourceBufferQueue } from './source-buffer-queue.js';
import type { SourceBufferLike } from './source-buffer-queue.js';

export type { AppendOutcome, MseControllerOptions, SegmentTiming } from './mse-types.js';

type MseVideo = Pick<
  HTMLVideoElement,
  | 'currentTime'
  | 'disableRemotePlayback'
  | 'src'
  | 'error'
  | 'addEventListener'
  | 'removeEventListener'
  | 'removeAttribute'
  | 'load'
>;

export class MseController {
  private readonly env: MseEnvironment;
  private mediaSource: MediaSourceLike | undefined;
  private objectUrl: string | undefined;
  private sourceBuffer: SourceBufferLike | undefined;
  private queue: SourceBufferQueue | undefined;
  private openPromise: Promise<void> | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timestampOffset = 0;
  private readonly ledger = new BufferLedger();
  private waitingForKeyframe = false;
  private lastEvictAt = -Infinity;
  private destroyed = false;
  /** The codecs of the current SourceBuffer. */
  mimeType: string | undefined;
  managed = false;
  failed = false;
  /** QuotaExceededErrors seen (real or from maxBufferBytes), evictions done, segments dropped. */
  quotaExceededCount = 0;
  evictionCount = 0;
  droppedSegments = 0;

  private readonly onVideoError = (): void => {
    const e = this.video.error;
    this.fail(
      new PlayerError('MSE', `media element error ${e?.code ?? '?'}: ${e?.message ?? 'unknown'}`, {
        fatal: true,
      }),
    );
  };
  private readonly onSourceClose = (): void => {
    this.fail(new PlayerError('MSE', 'the MediaSource closed unexpectedly', { fatal: true }));
  };

  constructor(
    private readonly video: MseVideo,
    private readonly options: MseControllerOptions,
    private readonly onError: (error: PlayerError) => void,
  ) {
    this.env = options.environment ?? browserEnvironment();
  }

  /** Attaches a new MediaSource to the element and resolves on 'sourceopen' (also if destroyed first). */
  open(): Promise<void> {
    this.openPromise ??= new Promise<void>((resolve, reject) => {
      const { mediaSource, managed } = createMediaSource(this.video, this.env); // throws NO_MSE
      this.mediaSource = mediaSource;
      this.managed = managed;
      const onOpen = (): void => {
        mediaSource.removeEventListener('sourceopen', onOpen);
        clearTimeout(this.openTimer);
        if (this.destroyed) return resolve();
        if (this.options.live ?? true) {
          try {
            mediaSource.duration = Infinity; // MSE duration setter: +Infinity is allowed (live)
          } catch {
            // not fatal: only the live hint is lost
          }
        }
        mediaSource.addEventListener('sourceclose', this.onSourceClose);
        resolve();
      };
      mediaSource.addEventListener('sourceopen', onOpen);
      this.video.addEventListener('error', this.onVideoError);
      this.objectUrl = this.env.createObjectURL(mediaSource);
      this.video.src = this.objectUrl;
      this.openTimer = setTimeout(() => {
        mediaSource.removeEventListener('sourceopen', onOpen);
        if (this.destroyed) return resolve();
        this.failed = true;
        reject(
          new PlayerError('MSE', `the MediaSource did not open within ${this.openTimeoutMs} ms`, {
            fatal: true,
          }),
        );
      }, this.openTimeoutMs);
    });
    return this.openPromise;
  }

  /** Appends an init segment; creates the SourceBuffer or switches codecs with changeType. */
  appendInit(bytes: Uint8Array, media: MediaSummary): Promise<void> {
    return this.serialize(undefined, async () => {
      if (!(await this.ready())) return;
      const mime = media.mimeType;
      if (!isMimeTypeSupported(this.env, mime)) {
        this.fail(
          new PlayerError(
            'UNSUPPORTED_CODEC',
            `this browser cannot play ${mime} (MediaSource.isTypeSupported is false)`,
            {
              fatal: true,
            },
          ),
        );
        return;
      }
      let queue = this.queue;
      if (queue === undefined) {
        queue = this.createSourceBuffer(mime);
        if (queue === undefined) return;
      } else if (mime !== this.mimeType) {
        await queue.changeType(mime); // MSE changeType(): the next init segment carries the new codecs
      }
      this.mimeType = mime;
      this.waitingForKeyframe = false;
      if (!(await this.appendWithQuota(queue, bytes, false))) {
        this.fail(
          new PlayerError('MSE', 'no room for the init segment even after eviction', {
            fatal: true,
          }),
        );
      }
    });
  }

  /** Appends one media segment. Pass the TransmuxOutput (or its timing) for keyframe-aware eviction and drops. */
  appendSegment(bytes: Uint8Array, timing?: SegmentTiming): Promise<AppendOutcome> {
    return this.serialize<AppendOutcome>('dropped', async () => {
      const queue = this.queue;
      if (queue === undefined || !(await this.ready())) return this.drop();
      // Only video depends on earlier frames: audio fragments go on while video waits.
      const video = timing !== undefined && (timing.videoFrames ?? 1) > 0;
      if (this.waitingForKeyframe && video) {
        if (timing.keyframes === 0) return this.drop();
        this.waitingForKeyframe = false;
      }
      if (!(await this.appendWithQuota(queue, bytes))) {
        // Still full: skip this segment; frames after it depend on it, so wait for a keyframe.
        this.waitingForKeyframe ||= video;
        this.onError(
          new PlayerError(
            'QUOTA',
            `SourceBuffer full after evicting the back buffer; dropped ${bytes.length} bytes`,
          ),
        );
        return this.drop();
      }
      this.record(bytes.length, timing);
      await this.maybeEvictBackBuffer(queue);
      return 'appended';
    });
  }

  /** Shifts the timeline of following appends (queued like appends). */
  setTimestampOffset(sec: number): Promise<void> {
    return this.serialize(undefined, async () => {
      this.timestampOffset = sec;
      if (this.queue !== undefined && (await this.ready()))
        await this.queue.setTimestampOffset(sec);
    });
  }

  /** Removes everything up to about `keepBehindSec` behind the playhead; true when something was removed. */
  evictBackBuffer(keepBehindSec = this.options.backBufferSec): Promise<boolean> {
    return this.serialize(false, async () => {
      const queue = this.queue;
      return queue !== undefined && (await this.ready()) && this.evict(queue, keepBehindSec, 0);
    });
  }

  bufferedRanges(): TimeRange[] {
    const sb = this.sourceBuffer;
    if (sb === undefined) return [];
    try {
      return timeRangesToArray(sb.buffered);
    } catch {
      return []; // InvalidStateError once the SourceBuffer is detached
    }
  }

  /** End of the last buffered range (the live edge), 0 when nothing is buffered. */
  bufferedEnd(): number {
    return this.bufferedRanges().at(-1)?.[1] ?? 0;
  }

  /** Start of the first buffered range, 0 when nothing is buffered. */
  bufferedStart(): number {
    return this.bufferedRanges()[0]?.[0] ?? 0;
  }

  /** Estimated bytes held by the SourceBuffer (appended minus evicted). */
  get heldBytes(): number {
    return this.ledger.heldBytes;
  }

  /** Aborts pending operations and detaches: no listeners, object URL or src left behind. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.openTimer);
    this.queue?.destroy();
    this.video.removeEventListener('error', this.onVideoError);
    const ms = this.mediaSource;
    if (ms !== undefined) {
      ms.removeEventListener('sourceclose', this.onSourceClose);
      if (ms.readyState === 'open' && this.sourceBuffer !== undefined) {
        try {
          ms.removeSourceBuffer(this.sourceBuffer as unknown as SourceBuffer);
        } catch {
          // already gone
        }
      }
    }
    if (this.objectUrl !== undefined) {
      this.env.revokeObjectURL(this.objectUrl);
      this.objectUrl = undefined;
      // Detach (HTML 4.8.11.5 "media element load algorithm"): frees the decoder and the buffers.
      this.video.removeAttribute('src');
      this.video.load();
    }
    this.queue = undefined;
    this.sourceBuffer = undefined;
    this.mediaSource = undefined;
    this.ledger.clear();
  }

  private get openTimeoutMs(): number {
    return this.options.openTimeoutMs ?? 10_000;
  }

  /** Runs `task` after every earlier call, so quota retries and evictions keep append order. */
  private serialize<T>(fallback: T, task: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.destroyed || this.failed) return fallback;
      try {
        return await task();
      } catch (error) {
        if (!(error instanceof QueueAbortedError) && !this.destroyed) {
          const message = error instanceof Error ? error.message : String(error);
          this.fail(
            new PlayerError('MSE', `SourceBuffer operation failed: ${message}`, {
              fatal: true,
              cause: error,
            }),
          );
        }
        return fallback;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result;
    return result;
  }

  /** Waits for open(); false when it failed, never started, or we were torn down meanwhile. */
  private async ready(): Promise<boolean> {
    if (this.openPromise === undefined) return false;
    try {
      await this.openPromise;
    } catch {
      return false; // open()'s caller got the rejection
    }
    return !this.destroyed && !this.failed && this.mediaSource?.readyState !== 'closed';
  }

  private createSourceBuffer(mime: string): SourceBufferQueue | undefined {
    const ms = this.mediaSource;
    if (ms === undefined) return undefined;
    let sb: SourceBufferLike;
    try {
      sb = ms.addSourceBuffer(mime);
    } catch (error) {
      this.fail(
        new PlayerError('MSE', `addSourceBuffer('${mime}') failed`, { fatal: true, cause: error }),
      );
      return undefined;
    }
    this.sourceBuffer = sb;
    this.queue = new SourceBufferQueue(sb);
    if (this.timestampOffset !== 0)
      void this.queue.setTimestampOffset(this.timestampOffset).catch(() => undefined);
    return this.queue;
  }

  /** Append; on QuotaExceededError evict down to quotaKeepBehindSec and retry. False when still full. */
  private async appendWithQuota(
    queue: SourceBufferQueue,
    bytes: Uint8Array,
    /** Init segments are tiny and not media: the maxBufferBytes hook leaves them alone. */
    testBudget = true,
  ): Promise<boolean> {
    const retries = this.options.maxQuotaRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const result =
        testBudget && this.overTestBudget(bytes.length) ? 'quota' : await queue.append(bytes);
      if (result === 'appended') return true;
      this.quotaExceededCount++;
      if (attempt >= retries) return false;
      if (!(await this.evict(queue, this.options.quotaKeepBehindSec ?? 2, 0))) return false;
    }
  }

  private overTestBudget(size: number): boolean {
    const max = this.options.maxBufferBytes ?? 0;
    return max > 0 && this.heldBytes + size > max;
  }

  private async maybeEvictBackBuffer(queue: SourceBufferQueue): Promise<void> {
    const now = performance.now();
    if (now - this.lastEvictAt < (this.options.evictIntervalMs ?? 1000)) return;
    this.lastEvictAt = now;
    await this.evict(queue, this.options.backBufferSec, 0.5);
  }

  private async evict(
    queue: SourceBufferQueue,
    keepBehindSec: number,
    minRemoveSec: number,
  ): Promise<boolean> {
    const plan = planEviction({
      ranges: this.bufferedRanges(),
      currentTime: this.video.currentTime,
      keepBehindSec,
      keyframeTimes: this.ledger.keyframeTimes.length > 0 ? this.ledger.keyframeTimes : undefined,
      minRemoveSec,
    });
    if (plan === undefined) return false;
    const [start, end] = plan;
    await queue.remove(start, end);
    this.evictionCount++;
    this.ledger.removed(end);
    this.ledger.prune(this.bufferedRanges());
    return true;
  }

  private record(bytes: number, timing: SegmentTiming | undefined): void {
    const offset = this.timestampOffset;
    const endSec = timing === undefined ? this.bufferedEnd() : timing.endSec + offset;
    const keyframeAt =
      timing !== undefined && timing.keyframes > 0 ? timing.startSec + offset : undefined;
    this.ledger.appended(bytes, endSec, keyframeAt);
    this.ledger.prune(this.bufferedRanges());
  }

  private drop(): AppendOutcome {
    this.droppedSegments++;
    return 'dropped';
  }

  private fail(error: PlayerError): void {
    if (this.destroyed || this.failed) return;
    if (error.fatal) this.failed = true;
    this.onError(error);
  }
}
