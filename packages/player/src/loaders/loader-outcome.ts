/** Ends a loader exactly once (the Loader contract): after abort, end or error the sink hears nothing more. */
import type { PlayerError } from '../errors.js';
import type { LoaderSink } from './loader-types.js';

export class LoaderOutcome {
  private ended = false;

  constructor(private readonly sink: LoaderSink) {}

  get done(): boolean {
    return this.ended;
  }

  /** Aborted by the owner: silent from now on. */
  abort(): void {
    this.ended = true;
  }

  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.onEnd();
  }

  fail(error: PlayerError): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.onError(error);
  }
}
