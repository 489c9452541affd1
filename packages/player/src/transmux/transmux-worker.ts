/**
 * Worker entry (bundled on its own and inlined as __TIDECAST_WORKER_SOURCE__): only the message
 * loop; all logic is in TransmuxWorkerHost, which the tests run directly.
 */
import { TransmuxWorkerHost } from './worker-host.js';
import type { WorkerMessage } from './worker-protocol.js';

/** The part of DedicatedWorkerGlobalScope used here (the player compiles without the WebWorker lib). */
interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: WorkerMessage, transfer: ArrayBuffer[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const host = new TransmuxWorkerHost((message, transfer) => scope.postMessage(message, transfer));
scope.onmessage = (event) => {
  if (!host.handle(event.data)) scope.close();
};
