/** HTTP streaming with fetch + ReadableStream (HTTP-FLV, HTTP fMP4): bytes as they arrive. */
import { PlayerError } from '../errors.js';
import { LoaderOutcome } from './loader-outcome.js';
import type { Loader, LoaderSink } from './loader-types.js';

export class FetchStreamLoader implements Loader {
  private readonly outcome: LoaderOutcome;
  private readonly controller = new AbortController();

  constructor(
    private readonly url: URL,
    private readonly sink: LoaderSink,
  ) {
    this.outcome = new LoaderOutcome(sink);
  }

  start(): void {
    void this.run();
  }

  abort(): void {
    this.outcome.abort();
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
        return this.outcome.fail(
          new PlayerError('NETWORK', `HTTP ${String(response.status)} from ${this.url.href}`),
        );
      }
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (this.outcome.done) return;
        if (done) break;
        if (value.length > 0) this.sink.onData(value);
      }
      this.outcome.finish();
    } catch (error) {
      if (this.outcome.done) return;
      const message = error instanceof Error ? error.message : String(error);
      this.outcome.fail(
        new PlayerError('NETWORK', `fetch ${this.url.href}: ${message}`, { cause: error }),
      );
    }
  }
}
