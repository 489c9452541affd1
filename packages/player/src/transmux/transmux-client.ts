import { DeferredWorker } from './deferred-worker.js';
import { InlineHeadStart } from './inline-head-start.js';
import { StreamCheckpoint } from './stream-checkpoint.js';
import type { TransmuxOptions, TransmuxOutput } from './transmux-types.js';
import { Transmuxer } from './transmuxer.js';
import type { ClientMessage, WorkerLike } from './worker-protocol.js';
import { parseWorkerMessage } from './worker-protocol.js';

export type { WorkerLike } from './worker-protocol.js';

declare const __TIDECAST_WORKER_SOURCE__: string | undefined;

export interface TransmuxClientOptions extends TransmuxOptions {
  useWorker: boolean;
  /**
   * With a worker: transmux inline too until the worker has caught up (InlineHeadStart), so a
   * worker's start-up does not delay the first frame. Default true.
   */
  inlineHeadStart?: boolean;
  /** With the head start: create the worker only after this many ms (DeferredWorker). Default 0. */
  workerStartDelayMs?: number;
  /** Makes the worker; default: a Worker from a Blob of the bundled worker source. */
  createWorker?: () => WorkerLike;
}

/**
 * A worker that owes more answers than this while the inline head start runs is taken as not
 * starting at all (about 20 s of a live stream's chunks): it is dropped and inline carries on.
 */
const MAX_HEAD_START_BACKLOG = 2000;

/** Input kept for a replay beyond this is dropped oldest first (the replay then skips ahead). */
const MAX_RETAINED_BYTES = 16 * 1024 * 1024;

interface Retained {
  seq: number;
  offset: number;
  bytes: Uint8Array;
}

/**
 * Runs a Transmuxer in a Worker when asked and possible, inline otherwise. If the worker fails
 * (cannot start, errors, or sends garbage) it reports `onWorkerFailure` and continues inline:
 * the input the worker had not acknowledged is replayed after the stream's configuration
 * (FLV header + sequence headers, or ftyp + moov), from the first tag/box boundary in it, so at
 * most the frames up to the next keyframe are lost.
 */
export class TransmuxClient {
  private readonly options: TransmuxOptions;
  private readonly onOutput: (outputs: TransmuxOutput[]) => void;
  private readonly onWorkerFailure: ((error: unknown) => void) | undefined;
  private worker: WorkerLike | undefined;
  private inline: Transmuxer | undefined;
  /** Set while both run (the worker is catching up): see InlineHeadStart. */
  private headStart: InlineHeadStart | undefined;
  private checkpoint: StreamCheckpoint;
  private retained: Retained[] = [];
  private retainedBytes = 0;
  private seq = 0;
  private offset = 0;
  private flushed = false;
  private destroyed = false;

  constructor(
    options: TransmuxClientOptions,
    onOutput: (outputs: TransmuxOutput[]) => void,
    onWorkerFailure?: (error: unknown) => void,
  ) {
    this.options =
      options.audioGapFillMs === undefined
        ? { format: options.format }
        : { format: options.format, audioGapFillMs: options.audioGapFillMs };
    this.onOutput = onOutput;
    this.onWorkerFailure = onWorkerFailure;
    this.checkpoint = new StreamCheckpoint(options.format);
    const headStart = options.inlineHeadStart !== false;
    if (options.useWorker) {
      this.startWorker(options.createWorker, headStart ? (options.workerStartDelayMs ?? 0) : 0);
    }
    if (this.worker !== undefined && headStart) this.headStart = new InlineHeadStart();
    if (this.worker === undefined || this.headStart !== undefined) {
      this.inline = new Transmuxer(this.options);
    }
  }

  /** Whether the worker does the work now (not during the head start, nor after it failed). */
  get inWorker(): boolean {
    return this.mode === 'worker';
  }

  /** Who transmuxes now: 'head-start' while both do (the worker is catching up). */
  get mode(): 'inline' | 'head-start' | 'worker' {
    if (this.worker === undefined) return 'inline';
    return this.headStart === undefined ? 'worker' : 'head-start';
  }

  push(bytes: Uint8Array): void {
    if (this.destroyed || bytes.length === 0) return;
    const worker = this.worker;
    if (worker === undefined) {
      this.deliver(this.inline?.push(bytes) ?? []);
      return;
    }
    this.checkpoint.observe(bytes);
    const seq = this.seq++;
    this.retain({ seq, offset: this.offset, bytes });
    this.offset += bytes.length;
    // The caller's bytes stay here for a replay; the worker gets its own copy, transferred.
    const copy = bytes.slice();
    this.alsoInline((inline) => inline.push(bytes));
    this.post({ type: 'data', seq, bytes: copy }, [copy.buffer]);
  }

  flush(): void {
    if (this.destroyed) return;
    this.flushed = true;
    if (this.worker === undefined) return this.deliver(this.inline?.flush() ?? []);
    this.alsoInline((inline) => inline.flush());
    this.post({ type: 'flush' }, []);
  }

  /**
   * The input starts a new timeline (HLS EXT-X-DISCONTINUITY): see Transmuxer.discontinuity.
   * A worker failure after this replays from here on (the old timeline's unacknowledged tail,
   * at most a segment, is not replayed).
   */
  discontinuity(): void {
    if (this.destroyed) return;
    if (this.worker === undefined) {
      this.deliver(this.inline?.discontinuity() ?? []);
      return;
    }
    this.alsoInline((inline) => inline.discontinuity());
    this.post({ type: 'discontinuity' }, []);
    this.checkpoint = new StreamCheckpoint(this.options.format);
    this.retained = [];
    this.retainedBytes = 0;
    this.offset = 0;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) {
      try {
        worker.postMessage({ type: 'close' }, []);
      } catch {
        // already gone
      }
      worker.terminate();
    }
    this.inline = undefined;
    this.headStart = undefined;
    this.retained = [];
  }

  /** During the head start: the inline transmuxer does the operation and its outputs go out. */
  private alsoInline(operation: (inline: Transmuxer) => TransmuxOutput[]): void {
    const headStart = this.headStart;
    if (headStart === undefined || this.inline === undefined) return;
    const outputs = operation(this.inline);
    headStart.record(outputs);
    this.deliver(outputs);
    if (headStart.backlog > MAX_HEAD_START_BACKLOG && this.worker !== undefined) {
      this.fail(this.worker, new Error('the transmux worker did not start'));
    }
  }

  private startWorker(create: (() => WorkerLike) | undefined, delayMs: number): void {
    try {
      const factory = create ?? defaultWorkerFactory();
      if (factory === undefined) return; // no worker source or no Worker: inline, not a failure
      const worker = delayMs > 0 ? new DeferredWorker(factory, delayMs) : factory();
      worker.onmessage = (event) => this.onMessage(worker, event.data);
      worker.onerror = (event) => this.fail(worker, event);
      worker.onmessageerror = (event) => this.fail(worker, event);
      this.worker = worker;
      this.post({ type: 'open', options: this.options }, []);
    } catch (error) {
      this.worker = undefined;
      this.onWorkerFailure?.(error);
    }
  }

  private post(message: ClientMessage, transfer: Transferable[]): void {
    const worker = this.worker;
    if (worker === undefined) return;
    try {
      worker.postMessage(message, transfer);
    } catch (error) {
      this.fail(worker, error);
    }
  }

  private onMessage(worker: WorkerLike, data: unknown): void {
    if (worker !== this.worker) return; // a late message from a worker we left
    const message = parseWorkerMessage(data);
    if (message === undefined)
      return this.fail(worker, new Error('malformed message from the transmux worker'));
    if (message.type === 'fatal') return this.fail(worker, new Error(message.message));
    this.acknowledge(message.ack);
    const headStart = this.headStart;
    if (headStart === undefined) return this.deliver(message.outputs);
    // Already delivered from the inline transmuxer; the worker's copy only has to agree.
    const verdict = headStart.answer(message.outputs);
    if (verdict === 'mismatch') {
      return this.fail(worker, new Error('the transmux worker disagrees with the inline one'));
    }
    if (verdict === 'caught-up') {
      this.headStart = undefined;
      this.inline = undefined;
    }
  }

  private retain(item: Retained): void {
    this.retained.push(item);
    this.retainedBytes += item.bytes.length;
    while (this.retainedBytes > MAX_RETAINED_BYTES && this.retained.length > 1) {
      const dropped = this.retained.shift();
      this.retainedBytes -= dropped?.bytes.length ?? 0;
    }
  }

  /** Input up to data message `ack` is done; keep it only while it holds the stream's start. */
  private acknowledge(ack: number): void {
    const config = this.checkpoint.configBytes().length > 0;
    while (this.retained.length > 0) {
      const first = this.retained[0];
      if (first === undefined || first.seq > ack || (first.offset === 0 && !config)) break;
      this.retained.shift();
      this.retainedBytes -= first.bytes.length;
    }
    const oldest = this.retained[0];
    this.checkpoint.prune(oldest === undefined ? this.offset : oldest.offset);
  }

  private deliver(outputs: TransmuxOutput[]): void {
    if (!this.destroyed && outputs.length > 0) this.onOutput(outputs);
  }

  /** The worker is unusable: report it and carry on inline from what it had not finished. */
  private fail(worker: WorkerLike, error: unknown): void {
    if (worker !== this.worker || this.destroyed) return;
    this.worker = undefined;
    try {
      worker.terminate();
    } catch {
      // nothing to do
    }
    this.onWorkerFailure?.(error);
    if (this.headStart !== undefined && this.inline !== undefined) {
      // The inline transmuxer has seen every byte: it simply carries on alone.
      this.headStart = undefined;
      this.retained = [];
      this.retainedBytes = 0;
      return;
    }
    const inline = new Transmuxer(this.options);
    this.inline = inline;
    const outputs: TransmuxOutput[] = [];
    for (const bytes of this.replayBytes(outputs)) outputs.push(...inline.push(bytes));
    if (this.flushed) outputs.push(...inline.flush());
    this.retained = [];
    this.retainedBytes = 0;
    this.deliver(outputs);
  }

  private replayBytes(out: TransmuxOutput[]): Uint8Array[] {
    const retained = this.retained;
    const first = retained[0];
    if (first === undefined) return [];
    if (first.offset === 0) return retained.map((r) => r.bytes); // the whole stream is still here
    const from = this.checkpoint.boundaryFrom(first.offset);
    const config = this.checkpoint.configBytes();
    if (from === undefined || config.length === 0) {
      out.push({
        type: 'error',
        code: 'DEMUX',
        message: 'transmux worker failed and the stream cannot be resumed',
      });
      return [];
    }
    out.push({
      type: 'warning',
      code: 'WORKER_RESTART',
      message: 'transmux worker failed; continuing inline from the next keyframe',
    });
    const tail = retained.flatMap((r) => {
      const end = r.offset + r.bytes.length;
      if (end <= from) return [];
      return [r.offset >= from ? r.bytes : r.bytes.subarray(from - r.offset)];
    });
    return [...config, ...tail];
  }
}

/**
 * A Worker from a Blob of the bundled worker source, or undefined when that is not possible. The
 * object URL lives as long as the worker (revoking it early can race the script fetch).
 */
function defaultWorkerFactory(): (() => WorkerLike) | undefined {
  if (typeof __TIDECAST_WORKER_SOURCE__ !== 'string') return undefined;
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL === 'undefined')
    return undefined;
  const source = __TIDECAST_WORKER_SOURCE__;
  return () => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    let worker: Worker;
    try {
      worker = new Worker(url);
    } catch (error) {
      URL.revokeObjectURL(url);
      throw error;
    }
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminate();
      URL.revokeObjectURL(url);
    };
    return worker as unknown as WorkerLike;
  };
}
