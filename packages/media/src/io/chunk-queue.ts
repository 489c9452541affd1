import { InvalidArgumentError, LimitExceededError } from '../errors.js';

/**
 * FIFO of byte chunks that lets a streaming parser look at and take exact byte counts no
 * matter where the network split the input. Copies only when a read spans chunks.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  /** Read position inside chunks[0]. */
  private head = 0;
  private size = 0;
  /** Bytes consumed since creation: the stream offset of the next unread byte. */
  private consumedTotal = 0;
  private readonly maxBytes: number;

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.maxBytes = maxBytes;
  }

  get length(): number {
    return this.size;
  }

  /** Stream offset of the first unread byte. */
  get offset(): number {
    return this.consumedTotal;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.size + chunk.length > this.maxBytes) {
      throw new LimitExceededError(
        `input buffer would exceed ${this.maxBytes} bytes without a complete unit`,
        { offset: this.consumedTotal + this.size },
      );
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Byte at `index` from the read position, or undefined when not yet received. */
  byteAt(index: number): number | undefined {
    if (index < 0 || index >= this.size) return undefined;
    let i = index + this.head;
    for (const c of this.chunks) {
      if (i < c.length) return c[i];
      i -= c.length;
    }
    return undefined;
  }

  /** The next `count` bytes without consuming them (a view when contiguous), or undefined. */
  peek(count: number): Uint8Array | undefined {
    checkCount(count);
    if (count > this.size) return undefined;
    const first = this.chunks[0];
    if (count === 0) return new Uint8Array(0);
    if (first !== undefined && first.length - this.head >= count) {
      return first.subarray(this.head, this.head + count);
    }
    const out = new Uint8Array(count);
    let filled = 0;
    let start = this.head;
    for (const c of this.chunks) {
      const take = Math.min(c.length - start, count - filled);
      out.set(c.subarray(start, start + take), filled);
      filled += take;
      start = 0;
      if (filled === count) break;
    }
    return out;
  }

  /** Consumes and returns the next `count` bytes, or undefined when not all have arrived. */
  take(count: number): Uint8Array | undefined {
    const out = this.peek(count);
    if (out === undefined) return undefined;
    this.skip(count);
    return out;
  }

  /** Drops up to `count` bytes; returns how many were dropped. */
  skip(count: number): number {
    checkCount(count);
    let left = Math.min(count, this.size);
    const dropped = left;
    while (left > 0) {
      const first = this.chunks[0];
      if (first === undefined) break;
      const avail = first.length - this.head;
      if (avail <= left) {
        this.chunks.shift();
        this.head = 0;
        left -= avail;
      } else {
        this.head += left;
        left = 0;
      }
    }
    this.size -= dropped;
    this.consumedTotal += dropped;
    return dropped;
  }

  clear(): void {
    this.consumedTotal += this.size;
    this.chunks = [];
    this.head = 0;
    this.size = 0;
  }
}

/** A negative count would grow `size` and rewind `offset`; refuse it loudly instead. */
function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(`byte count must be a non-negative integer, got ${count}`);
  }
}
