import { InvalidArgumentError, LimitExceededError } from '../errors.js';

/** Where `ChunkQueue.takeRange` left a read: `bytes[start, start + count)`. */
export interface ByteRange {
  bytes: Uint8Array;
  start: number;
}

/**
 * Reads that span chunks are copied into slabs of this size, handed out back to back and never
 * written twice, so every copy stays valid for as long as anyone holds it. Sharing one fresh
 * (zero-filled) slab between many copies measurably beats a fresh buffer per copy in the FLV
 * demuxer, where big frames often span chunks; the price is that a copy kept alive keeps its
 * whole slab alive. Reads larger than MAX_SLAB_COPY get a buffer of their own.
 */
const SLAB_SIZE = 256 * 1024;
const MAX_SLAB_COPY = SLAB_SIZE / 4;

/**
 * FIFO of byte chunks that lets a streaming parser look at and take exact byte counts no
 * matter where the network split the input. Copies only when a read spans chunks; what take()
 * and takeRange() return is never overwritten later.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private slab = new Uint8Array(0);
  private slabUsed = 0;
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
    const range: ByteRange = { bytes: EMPTY, start: 0 };
    if (!this.takeRange(count, range)) return undefined;
    return range.bytes.subarray(range.start, range.start + count);
  }

  /**
   * Like `take`, but stores where the bytes are in `into` (a received chunk, or a copy when they
   * span chunks) instead of creating a view: hot parsers read fields in place and make a view
   * only of what they hand on. Returns false, consuming nothing, when not all have arrived.
   */
  takeRange(count: number, into: ByteRange): boolean {
    checkCount(count);
    if (count > this.size) return false;
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.head >= count) {
      into.bytes = first;
      into.start = this.head;
      // skip() inlined for this case, which the FLV demuxer hits for every field of every tag.
      this.head += count;
      this.size -= count;
      this.consumedTotal += count;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return true;
    }
    this.copyOut(count, into);
    this.skip(count);
    return true;
  }

  /** Copies the next `count` (> what chunks[0] holds) bytes into a slab or a new buffer. */
  private copyOut(count: number, into: ByteRange): void {
    let out: Uint8Array;
    let at = 0;
    if (count > MAX_SLAB_COPY) {
      out = new Uint8Array(count);
    } else {
      if (this.slabUsed + count > this.slab.length) {
        this.slab = new Uint8Array(SLAB_SIZE);
        this.slabUsed = 0;
      }
      out = this.slab;
      at = this.slabUsed;
      this.slabUsed += count;
    }
    into.bytes = out;
    into.start = at;
    let start = this.head;
    const end = at + count;
    for (const c of this.chunks) {
      const take = Math.min(c.length - start, end - at);
      out.set(c.subarray(start, start + take), at);
      at += take;
      start = 0;
      if (at === end) break;
    }
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

const EMPTY = new Uint8Array(0);

/** A negative count would grow `size` and rewind `offset`; refuse it loudly instead. */
function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(`byte count must be a non-negative integer, got ${count}`);
  }
}
