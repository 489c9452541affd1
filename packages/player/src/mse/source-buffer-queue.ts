/**
 * One operation at a time on one SourceBuffer. appendBuffer/remove throw InvalidStateError while
 * `updating` is true (MSE, appendBuffer() and remove() steps), and timestampOffset and
 * changeType may only change between updates, so every operation goes through this FIFO and each
 * gets its own promise.
 */

/** The subset of SourceBuffer we drive (a structural type, so tests can pass a fake). */
export interface SourceBufferLike extends EventTarget {
  readonly updating: boolean;
  readonly buffered: TimeRanges;
  timestampOffset: number;
  appendBuffer(data: BufferSource): void;
  remove(start: number, end: number): void;
  abort(): void;
  changeType?(type: string): void;
}

/** How an append ended: `quota` when appendBuffer threw QuotaExceededError (MSE "prepare append" algorithm, buffer full flag). */
export type AppendResult = 'appended' | 'quota';

/** Rejection for operations still queued (or running) when the queue is destroyed. */
export class QueueAbortedError extends Error {
  override readonly name = 'QueueAbortedError';
  constructor() {
    super('SourceBuffer operation aborted: the queue was destroyed');
  }
}

type Operation =
  | { kind: 'append'; bytes: Uint8Array; settle: Settle<AppendResult> }
  | { kind: 'remove'; start: number; end: number; settle: Settle<undefined> }
  | { kind: 'changeType'; type: string; settle: Settle<undefined> }
  | { kind: 'timestampOffset'; sec: number; settle: Settle<undefined> };

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** DOMException 'QuotaExceededError' (legacy code 22); matched by name so fakes and realms work. */
export function isQuotaExceededError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    error.name === 'QuotaExceededError'
  );
}

export class SourceBufferQueue {
  private readonly pending: Operation[] = [];
  /** The asynchronous operation in flight (append or remove), awaiting 'updateend'. */
  private current: Operation | undefined;
  private failure: Error | undefined;
  private destroyed = false;

  private readonly onUpdateEnd = (): void => this.finishCurrent();
  private readonly onError = (): void => {
    // 'error' precedes 'updateend' (MSE "append error" algorithm); settle on updateend.
    this.failure = new Error(
      'SourceBuffer append failed (the media could not be parsed or decoded)',
    );
  };
  private readonly onAbort = (): void => {
    this.failure = new Error('SourceBuffer operation was aborted');
  };

  constructor(readonly sourceBuffer: SourceBufferLike) {
    sourceBuffer.addEventListener('updateend', this.onUpdateEnd);
    sourceBuffer.addEventListener('error', this.onError);
    sourceBuffer.addEventListener('abort', this.onAbort);
  }

  /** Operations queued or running. */
  get length(): number {
    return this.pending.length + (this.current === undefined ? 0 : 1);
  }

  append(bytes: Uint8Array): Promise<AppendResult> {
    return this.enqueue<AppendResult>((settle) => ({ kind: 'append', bytes, settle }));
  }

  remove(start: number, end: number): Promise<void> {
    return this.enqueue<undefined>((settle) => ({ kind: 'remove', start, end, settle }));
  }

  changeType(type: string): Promise<void> {
    return this.enqueue<undefined>((settle) => ({ kind: 'changeType', type, settle }));
  }

  setTimestampOffset(sec: number): Promise<void> {
    return this.enqueue<undefined>((settle) => ({ kind: 'timestampOffset', sec, settle }));
  }

  /** Rejects everything queued with QueueAbortedError, aborts a running append, drops listeners. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const sb = this.sourceBuffer;
    sb.removeEventListener('updateend', this.onUpdateEnd);
    sb.removeEventListener('error', this.onError);
    sb.removeEventListener('abort', this.onAbort);
    const current = this.current;
    this.current = undefined;
    if (current !== undefined && sb.updating) {
      try {
        sb.abort(); // throws InvalidStateError once the SourceBuffer left its MediaSource
      } catch {
        // nothing left to abort
      }
    }
    const aborted = new QueueAbortedError();
    if (current !== undefined) current.settle.reject(aborted);
    for (const op of this.pending.splice(0)) op.settle.reject(aborted);
  }

  private enqueue<T>(make: (settle: Settle<T>) => Operation): Promise<T> {
    if (this.destroyed) return Promise.reject(new QueueAbortedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push(make({ resolve, reject } as Settle<T>));
      this.pump();
    });
  }

  private pump(): void {
    while (!this.destroyed && this.current === undefined) {
      const op = this.pending.shift();
      if (op === undefined) return;
      // Something outside the queue is updating: wait for its 'updateend'.
      if (this.sourceBuffer.updating) {
        this.pending.unshift(op);
        return;
      }
      this.start(op);
    }
  }

  /** Starts `op`; synchronous operations settle here, asynchronous ones become `current`. */
  private start(op: Operation): void {
    const sb = this.sourceBuffer;
    try {
      switch (op.kind) {
        case 'append':
          this.failure = undefined;
          sb.appendBuffer(asArrayBufferView(op.bytes));
          this.current = op;
          return;
        case 'remove':
          this.failure = undefined;
          sb.remove(op.start, op.end);
          this.current = op;
          return;
        case 'changeType':
          // MSE changeType(): synchronous, no updateend.
          if (typeof sb.changeType !== 'function')
            throw new Error('SourceBuffer.changeType() is not supported');
          sb.changeType(op.type);
          op.settle.resolve(undefined);
          return;
        case 'timestampOffset':
          sb.timestampOffset = op.sec;
          op.settle.resolve(undefined);
          return;
      }
    } catch (error) {
      if (op.kind === 'append' && isQuotaExceededError(error)) op.settle.resolve('quota');
      else op.settle.reject(error);
    }
  }

  private finishCurrent(): void {
    const op = this.current;
    if (op === undefined) {
      this.pump(); // an update we did not start finished
      return;
    }
    this.current = undefined;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) op.settle.reject(failure);
    else if (op.kind === 'append') op.settle.resolve('appended');
    else op.settle.resolve(undefined);
    this.pump();
  }
}

/** appendBuffer takes ArrayBuffer-backed views only; copy the rare SharedArrayBuffer-backed one. */
function asArrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
