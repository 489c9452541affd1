/** What every loader implements and reports to (see loader.ts for the contract). */
import type { PlayerError } from '../errors.js';
export interface LoaderSink {
  onData(bytes: Uint8Array): void;
  onEnd(): void;
  onError(error: PlayerError): void;
}

export interface Loader {
  start(): void;
  abort(): void;
}
