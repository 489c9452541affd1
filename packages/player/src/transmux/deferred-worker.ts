import type { ClientMessage, WorkerLike } from './worker-protocol.js';

/**
 * A worker created only after `delayMs`, with messages posted before that queued and sent in
 * order once it exists. Starting a worker (thread, isolate, compiling the worker script) on a
 * busy 2-core machine slowed the first frame by 100-300 ms even with its outputs unused, as it
 * competes with the page and the media pipeline for the CPU at the worst moment; the inline
 * head start covers the wait. A factory that throws is reported through `onerror`.
 */
export class DeferredWorker implements WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessageerror: ((event: unknown) => void) | null = null;
  private real: WorkerLike | undefined;
  private queue: Array<{ message: ClientMessage; transfer: Transferable[] }> = [];
  private readonly timer: ReturnType<typeof setTimeout>;
  private terminated = false;

  constructor(create: () => WorkerLike, delayMs: number) {
    this.timer = setTimeout(() => this.start(create), delayMs);
  }

  postMessage(message: ClientMessage, transfer: Transferable[]): void {
    if (this.terminated) return;
    if (this.real !== undefined) this.real.postMessage(message, transfer);
    else this.queue.push({ message, transfer });
  }

  terminate(): void {
    this.terminated = true;
    clearTimeout(this.timer);
    this.queue = [];
    this.real?.terminate();
  }

  private start(create: () => WorkerLike): void {
    if (this.terminated) return;
    let real: WorkerLike;
    try {
      real = create();
    } catch (error) {
      this.queue = [];
      this.onerror?.(error);
      return;
    }
    this.real = real;
    real.onmessage = (event) => this.onmessage?.(event);
    real.onerror = (event) => this.onerror?.(event);
    real.onmessageerror = (event) => this.onmessageerror?.(event);
    const queued = this.queue;
    this.queue = [];
    try {
      for (const { message, transfer } of queued) real.postMessage(message, transfer);
    } catch (error) {
      this.onerror?.(error);
    }
  }
}
