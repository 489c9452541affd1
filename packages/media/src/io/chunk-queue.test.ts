import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ChunkQueue } from './chunk-queue.js';
import { InvalidArgumentError, LimitExceededError } from '../errors.js';

/** Splits `bytes` at the given cut points (any order, duplicates allowed: empty chunks). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...cuts.map((c) => c % (bytes.length + 1)), 0, bytes.length].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < points.length; i++) {
    chunks.push(bytes.subarray(points[i - 1] ?? 0, points[i] ?? 0));
  }
  return chunks;
}

type Op = { kind: 'take' | 'peek' | 'skip' | 'byteAt'; n: number };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('take', 'peek', 'skip', 'byteAt'),
  n: fc.nat(40),
});

describe('ChunkQueue', () => {
  it('reproduces the stream and its offsets for any chunking and any read sizes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(opArb, { maxLength: 60 }),
        (stream, cuts, ops) => {
          const chunks = split(stream, cuts);
          const q = new ChunkQueue();
          let received = 0; // bytes pushed so far
          let pos = 0; // model: stream offset of the next unread byte
          let next = 0; // next chunk to push
          for (const op of ops) {
            // Feed one chunk before every operation, so reads race ahead of arrival too.
            const chunk = chunks[next++];
            if (chunk !== undefined) {
              q.push(chunk);
              received += chunk.length;
            }
            const avail = received - pos;
            expect(q.length).toBe(avail);
            expect(q.offset).toBe(pos);
            if (op.kind === 'byteAt') {
              expect(q.byteAt(op.n)).toBe(op.n < avail ? stream[pos + op.n] : undefined);
            } else if (op.kind === 'skip') {
              const dropped = q.skip(op.n);
              expect(dropped).toBe(Math.min(op.n, avail));
              pos += dropped;
            } else {
              const got = op.kind === 'take' ? q.take(op.n) : q.peek(op.n);
              if (op.n > avail) {
                expect(got).toBeUndefined();
              } else {
                expect(Array.from(got ?? [])).toEqual(Array.from(stream.subarray(pos, pos + op.n)));
                if (op.kind === 'take') pos += op.n;
              }
            }
            expect(q.offset).toBe(pos);
          }
          // Drain: whatever is left is exactly the unread tail of what was pushed.
          const rest = q.take(q.length);
          expect(Array.from(rest ?? [])).toEqual(Array.from(stream.subarray(pos, received)));
          expect(q.length).toBe(0);
          expect(q.offset).toBe(received);
        },
      ),
    );
  });

  it('returns a view (no copy) when the bytes sit in one chunk, a copy when they span', () => {
    const a = new Uint8Array([1, 2, 3]);
    const q = new ChunkQueue();
    q.push(a);
    q.push(new Uint8Array([4, 5]));
    const view = q.peek(2);
    expect(view?.buffer).toBe(a.buffer);
    const spanning = q.peek(4);
    expect(Array.from(spanning ?? [])).toEqual([1, 2, 3, 4]);
    expect(spanning?.buffer).not.toBe(a.buffer);
  });

  it('takeRange() locates the bytes like take() and keeps every spanning copy intact', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(400), { minLength: 1, maxLength: 80 }),
        (stream, cuts, reads) => {
          const q = new ChunkQueue();
          for (const chunk of split(stream, cuts)) q.push(chunk);
          const range = { bytes: new Uint8Array(0), start: 0 };
          const taken: { at: number; view: Uint8Array }[] = [];
          let pos = 0;
          for (const n of reads) {
            const ok = q.takeRange(n, range);
            expect(ok).toBe(n <= stream.length - pos);
            if (!ok) continue;
            taken.push({ at: pos, view: range.bytes.subarray(range.start, range.start + n) });
            pos += n;
            expect(q.offset).toBe(pos);
          }
          // Copies share slabs: a later read must never have overwritten an earlier one.
          for (const { at, view } of taken) {
            expect(Array.from(view)).toEqual(Array.from(stream.subarray(at, at + view.length)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives reads larger than a slab a buffer of their own, and fills slab after slab', () => {
    const q = new ChunkQueue();
    const size = 2 * 1024 * 1024;
    const stream = new Uint8Array(size);
    for (let i = 0; i < size; i++) stream[i] = (i * 7) % 251;
    // 1000-byte chunks: every 1500-byte read spans two of them and is copied.
    for (let i = 0; i < size; i += 1000) q.push(stream.subarray(i, i + 1000));
    /** Index of the first byte of `got` that differs from the stream at `at`, or -1. */
    const mismatch = (got: Uint8Array | undefined, at: number): number => {
      if (got === undefined) return 0;
      for (let i = 0; i < got.length; i++) if (got[i] !== stream[at + i]) return i;
      return -1;
    };
    const copies: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) copies.push(q.take(1500) ?? new Uint8Array(0));
    expect(new Set(copies.map((c) => c.buffer)).size).toBeGreaterThan(1);
    expect(copies.map((copy, i) => mismatch(copy, i * 1500)).filter((m) => m !== -1)).toEqual([]);
    const from = q.offset;
    const big = q.take(512 * 1024);
    expect(big?.length).toBe(512 * 1024);
    expect(big?.byteLength).toBe(big?.buffer.byteLength);
    expect(mismatch(big, from)).toBe(-1);
  });

  it('leaves the queue untouched when take() asks for more than has arrived', () => {
    const q = new ChunkQueue();
    q.push(new Uint8Array([1, 2]));
    expect(q.take(3)).toBeUndefined();
    expect(q.length).toBe(2);
    expect(q.offset).toBe(0);
    expect(Array.from(q.take(0) ?? [9])).toEqual([]);
  });

  it('throws LimitExceededError past maxBytes and keeps its state', () => {
    const q = new ChunkQueue(10);
    q.push(new Uint8Array(6));
    q.push(new Uint8Array(4));
    let error: unknown;
    try {
      q.push(new Uint8Array([1]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).offset).toBe(10);
    expect(q.length).toBe(10);
    q.skip(5);
    q.push(new Uint8Array(5).fill(7)); // room again once consumed
    expect(q.byteAt(9)).toBe(7);
    expect(() => q.push(new Uint8Array(1))).toThrow(LimitExceededError);
  });

  it('rejects negative and non-integer counts instead of corrupting its size', () => {
    const q = new ChunkQueue();
    q.push(new Uint8Array([1, 2, 3]));
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => q.skip(bad)).toThrow(InvalidArgumentError);
      expect(() => q.take(bad)).toThrow(InvalidArgumentError);
      expect(() => q.peek(bad)).toThrow(InvalidArgumentError);
      expect(() => q.takeRange(bad, { bytes: new Uint8Array(0), start: 0 })).toThrow(
        InvalidArgumentError,
      );
    }
    expect(q.length).toBe(3);
    expect(q.offset).toBe(0);
    expect(q.byteAt(-1)).toBeUndefined();
  });

  it('ignores empty chunks and clear() advances the offset past unread bytes', () => {
    const q = new ChunkQueue();
    q.push(new Uint8Array(0));
    q.push(new Uint8Array([1, 2, 3]));
    q.skip(1);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.offset).toBe(3);
    q.push(new Uint8Array([4]));
    expect(q.byteAt(0)).toBe(4);
  });
});
