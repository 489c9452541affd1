/** HTTP streaming with fetch + ReadableStream (HTTP-FLV, HTTP fMP4): bytes as they arrive. */
import { PlayerError } from '../errors.js';
import type { Loader, LoaderSink } from './loader-types.js';

export class FetchStreamLoader implements Loader {
  private readonly controller = new AbortController();
  private done = false;

  constructor(
    private readonly url: URL,
    private readonly sink: LoaderSink,
  ) {}

  start(): void {
    void this.run();
  }

  abort(): void {
    this.done = true;
    this.controller.abort();
  }

  private async run(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        signal: this.controller.signal,
        cache: 'no-store',
        mode: 'cors',
        credentials: 'omit',
      });
      if (!response.ok || response.body === null) {
        return this.fail(
          new PlayerError('NETWORK', `HTTP ${String(response.status)} from ${this.url.href}`),
        );
      }
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (this.done) return;
        if (done) break;
        if (value.length > 0) this.sink.onData(value);
      }
      this.finish();
    } catch (error) {
      if (this.done) return;
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new PlayerError('NETWORK', `fetch ${this.url.href}: ${message}`, { cause: error }));
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.sink.onEnd();
  }

  private fail(error: PlayerError): void {
    if (this.done) return;
    this.done = true;
    this.sink.onError(error);
  }
}
