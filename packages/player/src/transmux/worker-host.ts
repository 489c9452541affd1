import type { TransmuxOutput } from './transmux-types.js';
import { Transmuxer } from './transmuxer.js';
import type { WorkerMessage } from './worker-protocol.js';
import { parseClientMessage, transferList } from './worker-protocol.js';

export type PostToClient = (message: WorkerMessage, transfer: ArrayBuffer[]) => void;

/**
 * The worker's side of the protocol, free of worker globals so it also runs in tests: one
 * Transmuxer per 'open', outputs posted back with their buffers transferred.
 */
export class TransmuxWorkerHost {
  private transmuxer: Transmuxer | undefined;
  private lastSeq = -1;

  constructor(private readonly post: PostToClient) {}

  /** Handles one received message; returns false after 'close' (the worker should end). */
  handle(data: unknown): boolean {
    const message = parseClientMessage(data);
    if (message === undefined) {
      this.post({ type: 'fatal', message: 'malformed message from the client' }, []);
      return true;
    }
    switch (message.type) {
      case 'open':
        this.transmuxer = new Transmuxer(message.options);
        this.lastSeq = -1;
        return true;
      case 'data':
        this.lastSeq = message.seq;
        this.send(this.transmuxer?.push(message.bytes));
        return true;
      case 'flush':
        this.send(this.transmuxer?.flush());
        return true;
      case 'discontinuity':
        this.send(this.transmuxer?.discontinuity());
        return true;
      case 'close':
        this.transmuxer = undefined;
        return false;
    }
  }

  private send(outputs: TransmuxOutput[] | undefined): void {
    if (outputs === undefined) {
      this.post({ type: 'fatal', message: 'data before open' }, []);
      return;
    }
    this.post({ type: 'output', ack: this.lastSeq, outputs }, transferList(outputs));
  }
}
