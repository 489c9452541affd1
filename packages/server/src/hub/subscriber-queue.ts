/**
 * One viewer's bounded queue in front of its sink. Chunks are shared (never copied); the queue
 * holds references until the sink takes them, honouring backpressure (`write` false -> wait
 * for drain). Memory per viewer is bounded by `maxQueueBytes` (plus the join burst, which is
 * bounded by the GOP cache and shares its bytes). On overflow, queued video is dropped and
 * further video skipped until the next keyframe, keeping audio as long as it fits; a viewer whose
 * queue has not emptied for `maxBehindMs` is disconnected. A viewer may opt out of audio or
 * video (`receive`): those chunks are skipped, not counted as drops, and video that is wanted
 * again resumes at the next keyframe.
 */
import { stripUndefined } from './gop-cache.js';
import type { ByteSink, CloseReason, MediaSelection, StreamChunk } from './stream-output.js';
import type { TurnBatch } from './turn-batch.js';

export interface SubscriberQueueOptions {
  /** Bytes queued beyond the join burst before dropping starts. Default 4 MiB. */
  maxQueueBytes?: number;
  /** Disconnect a viewer whose queue has not emptied for this long. Default 10,000 ms. */
  maxBehindMs?: number;
  /** Clock in ms (injectable for tests). Default performance.now. */
  now?: () => number;
  /** The viewer's media selection, read at every delivery (StreamOutput.receive). */
  receive?: MediaSelection;
}

export const SUBSCRIBER_QUEUE_DEFAULTS: Required<Omit<SubscriberQueueOptions, 'now' | 'receive'>> =
  {
    maxQueueBytes: 4 * 1024 * 1024,
    maxBehindMs: 10_000,
  };

export interface SubscriberQueueHooks {
  /** Bytes handed to the sink (for bitrate out). */
  onWritten?(bytes: number): void;
  onDropped?(bytes: number, frames: number): void;
  /** The queue closed (by the hub or by `close`); not called by `detach`. */
  onClose?(reason: CloseReason): void;
}

export interface SubscriberQueueStats {
  queuedBytes: number;
  queuedChunks: number;
  writtenBytes: number;
  droppedBytes: number;
  droppedFrames: number;
  /** How long the queue has been non-empty (or the sink full), 0 when keeping up. */
  behindMs: number;
  waitingForKeyframe: boolean;
}

interface Entry {
  chunk: StreamChunk;
  /** Part of the join burst (allowed beyond the budget). */
  burst: boolean;
}

export class SubscriberQueue {
  private readonly maxQueueBytes: number;
  private readonly maxBehindMs: number;
  private readonly now: () => number;
  private readonly receive: MediaSelection | undefined;
  /** Video was skipped because the viewer did not want it (resume needs a keyframe). */
  private videoSkipped = false;
  /** Video is wanted again after a skip: nothing until the next keyframe. */
  private videoResuming = false;
  /** Written slots are cleared to undefined so the bytes can be collected early. */
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  private queuedBytes = 0;
  private burstBytes = 0;
  private waitingDrain = false;
  private awaitKeyframe = false;
  private behindSince: number | null = null;
  private ending = false;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private isClosed = false;
  private writtenBytes = 0;
  private droppedBytes = 0;
  private droppedFrames = 0;

  constructor(
    private readonly sink: ByteSink,
    options: SubscriberQueueOptions = {},
    private readonly hooks: SubscriberQueueHooks = {},
  ) {
    const o = { ...SUBSCRIBER_QUEUE_DEFAULTS, ...stripUndefined(options) };
    if (!(o.maxQueueBytes > 0)) throw new RangeError(`maxQueueBytes must be > 0`);
    if (!(o.maxBehindMs > 0)) throw new RangeError(`maxBehindMs must be > 0`);
    this.maxQueueBytes = o.maxQueueBytes;
    this.maxBehindMs = o.maxBehindMs;
    this.now = options.now ?? (() => performance.now());
    this.receive = options.receive;
    sink.onDrain(() => {
      this.waitingDrain = false;
      this.flush();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get pending(): boolean {
    return this.head < this.entries.length;
  }

  /**
   * Queues what a joining viewer gets first (headers, then the cached GOP). Video is skipped
   * until a keyframe unless the cached media starts with one.
   */
  join(chunks: readonly StreamChunk[]): void {
    const firstVideo = chunks.find((c) => c.kind === 'video');
    this.awaitKeyframe = firstVideo === undefined || !firstVideo.keyframe;
    for (const chunk of chunks) {
      if (!this.wanted(chunk)) continue;
      if (chunk.kind === 'video' && this.awaitKeyframe && !chunk.keyframe) continue;
      if (chunk.kind === 'video') this.awaitKeyframe = false;
      this.append(chunk, true);
    }
  }

  /** Queues one live chunk (written at the next `flush`); false once closed. */
  push(chunk: StreamChunk): boolean {
    if (this.isClosed || this.ending) return false;
    if (this.behindSince !== null && this.now() - this.behindSince >= this.maxBehindMs) {
      this.close('too-slow');
      return false;
    }
    if (chunk.kind === 'header') {
      this.append(chunk, false);
      return true;
    }
    if (!this.wanted(chunk)) return true;
    const delta = chunk.kind === 'video' && !chunk.keyframe;
    if (delta && this.awaitKeyframe) {
      this.drop(chunk);
      return true;
    }
    if (!this.fits(chunk)) {
      this.makeRoom(chunk);
      if (delta) {
        this.drop(chunk); // its GOP lost frames: nothing until the next keyframe
        return true;
      }
    }
    if (this.fits(chunk)) {
      if (chunk.kind === 'video') this.awaitKeyframe = false;
      this.append(chunk, this.oversized(chunk));
    } else {
      this.drop(chunk);
    }
    return true;
  }

  /**
   * One turn's chunks. A viewer that is keeping up (nothing queued, sink not full, not waiting
   * for a keyframe) gets them in a single write of the batch's shared bytes, which is what
   * makes fan-out cheap; any other goes through `push` and `flush` chunk by chunk.
   */
  deliver(batch: TurnBatch): void {
    if (this.isClosed || this.ending) return;
    if (this.inSync() && !this.selective()) {
      const sink = this.sink;
      const ok =
        sink.framing !== undefined && sink.writeFramed !== undefined
          ? sink.writeFramed(batch.wire(sink.framing))
          : sink.write(batch.payload);
      this.writtenBytes += batch.byteLength;
      this.hooks.onWritten?.(batch.byteLength);
      if (!ok) {
        this.waitingDrain = true;
        this.behindSince = this.now();
      }
      return;
    }
    for (const chunk of batch.chunks) if (!this.push(chunk)) return;
    this.flush();
  }

  /** Hands queued chunks to the sink until it is full; one cork/uncork around the batch. */
  flush(): void {
    if (this.isClosed) return;
    if (!this.waitingDrain && this.pending) {
      this.sink.cork?.();
      while (this.head < this.entries.length) {
        const entry = this.entries[this.head];
        if (entry === undefined) break;
        this.entries[this.head] = undefined;
        this.head++;
        this.queuedBytes -= entry.chunk.bytes.length;
        if (entry.burst) this.burstBytes -= entry.chunk.bytes.length;
        this.writtenBytes += entry.chunk.bytes.length;
        this.hooks.onWritten?.(entry.chunk.bytes.length);
        if (!this.sink.write(entry.chunk.bytes)) {
          this.waitingDrain = true;
          break;
        }
      }
      this.sink.uncork?.();
      this.compact();
    }
    if (this.pending || this.waitingDrain) {
      this.behindSince ??= this.now();
    } else {
      this.behindSince = null;
      if (this.ending) this.close('end-of-stream');
    }
  }

  /** End of stream: close once everything queued is written, or after `maxBehindMs`. */
  end(): void {
    if (this.isClosed || this.ending) return;
    this.ending = true;
    this.flush();
    if (!this.isClosed) {
      this.endTimer = setTimeout(() => this.close('end-of-stream'), this.maxBehindMs);
      this.endTimer.unref?.();
    }
  }

  /** Closes the viewer: drops the queue and tells the sink why. */
  close(reason: CloseReason): void {
    if (this.isClosed) return;
    this.detach();
    this.sink.close(reason);
    this.hooks.onClose?.(reason);
  }

  /** The viewer went away by itself: release everything without touching the sink. */
  detach(): void {
    this.isClosed = true;
    if (this.endTimer !== undefined) clearTimeout(this.endTimer);
    this.entries = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.burstBytes = 0;
  }

  stats(): SubscriberQueueStats {
    return {
      queuedBytes: this.queuedBytes,
      queuedChunks: this.entries.length - this.head,
      writtenBytes: this.writtenBytes,
      droppedBytes: this.droppedBytes,
      droppedFrames: this.droppedFrames,
      behindMs: this.behindSince === null ? 0 : this.now() - this.behindSince,
      waitingForKeyframe: this.awaitKeyframe,
    };
  }

  /**
   * Whether the viewer takes this chunk by its media selection; tracks skipped video so that
   * video wanted again restarts at a keyframe (not counted as dropped: the viewer chose it).
   */
  private wanted(chunk: StreamChunk): boolean {
    if (chunk.kind === 'header' || this.receive === undefined) return true;
    if (chunk.kind === 'audio') return this.receive.audio;
    if (!this.receive.video) {
      this.videoSkipped = true;
      this.videoResuming = false;
      return false;
    }
    if (this.videoSkipped) {
      this.videoSkipped = false;
      this.videoResuming = true;
    }
    if (this.videoResuming && !chunk.keyframe) return false;
    this.videoResuming = false;
    return true;
  }

  /** Some media is (or was just) filtered out: batches go chunk by chunk through `push`. */
  private selective(): boolean {
    const r = this.receive;
    if (r === undefined) return false;
    return !r.audio || !r.video || this.videoSkipped || this.videoResuming;
  }

  private inSync(): boolean {
    return !this.waitingDrain && !this.awaitKeyframe && this.head === this.entries.length;
  }

  private fits(chunk: StreamChunk): boolean {
    if (this.queuedBytes + chunk.bytes.length <= this.maxQueueBytes + this.burstBytes) return true;
    // One unit larger than the whole budget (a huge keyframe) would otherwise never reach even
    // a viewer that keeps up: admit it while the rest of the queue is small. Its bytes are shared
    // with every viewer and an RTMP/FLV message is < 16 MiB, so memory stays bounded.
    return this.oversized(chunk) && this.queuedBytes - this.burstBytes <= this.maxQueueBytes / 2;
  }

  /** Larger than the whole budget: admitted outside it (like the join burst) when it fits. */
  private oversized(chunk: StreamChunk): boolean {
    return chunk.bytes.length > this.maxQueueBytes;
  }

  /**
   * Overflow: drop every queued video chunk (the rest of the GOP is useless once a frame is
   * gone) and wait for the next keyframe; then, for audio or a keyframe, drop the oldest audio
   * until it fits (stale audio matters less than catching up at a keyframe).
   */
  private makeRoom(incoming: StreamChunk): void {
    this.behindSince ??= this.now();
    this.awaitKeyframe = true;
    this.removeWhere((e) => e.chunk.kind === 'video');
    if (incoming.kind === 'video' && !incoming.keyframe) return;
    let excess = this.queuedBytes + incoming.bytes.length - (this.maxQueueBytes + this.burstBytes);
    this.removeWhere((e) => {
      if (excess <= 0 || e.chunk.kind !== 'audio') return false;
      excess -= e.chunk.bytes.length;
      return true;
    });
  }

  /** Removes (and counts as dropped) the queued entries `test` selects, oldest first. */
  private removeWhere(test: (entry: Entry) => boolean): void {
    const kept: Entry[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry === undefined) continue;
      if (test(entry)) {
        this.queuedBytes -= entry.chunk.bytes.length;
        if (entry.burst) this.burstBytes -= entry.chunk.bytes.length;
        this.drop(entry.chunk);
      } else {
        kept.push(entry);
      }
    }
    this.entries = kept;
    this.head = 0;
  }

  private append(chunk: StreamChunk, burst: boolean): void {
    this.entries.push({ chunk, burst });
    this.queuedBytes += chunk.bytes.length;
    if (burst) this.burstBytes += chunk.bytes.length;
  }

  private drop(chunk: StreamChunk): void {
    this.droppedBytes += chunk.bytes.length;
    this.droppedFrames += chunk.frames;
    this.hooks.onDropped?.(chunk.bytes.length, chunk.frames);
  }

  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 256 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
