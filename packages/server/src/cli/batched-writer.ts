import type { AtomicOutput } from './atomic-output.js';

/**
 * Collects many small writes (one FLV tag each) into large ones: a file write per tag would
 * cost a syscall and a promise per packet.
 */
export class BatchedWriter {
  private readonly output: AtomicOutput;
  private readonly limit: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(output: AtomicOutput, limit = 1024 * 1024) {
    this.output = output;
    this.limit = limit;
  }

  /** File offset at which the next byte given to `write` will land. */
  get position(): number {
    return this.output.size + this.pendingBytes;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const joined = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const part of this.pending) {
      joined.set(part, at);
      at += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.output.write(joined);
  }
}
