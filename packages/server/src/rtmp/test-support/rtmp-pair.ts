/**
 * Test support (not shipped API): an RtmpClientSession wired to an RtmpServerSession in
 * memory, every transfer cut at seeded random points.
 */
import { ChunkReader } from '../chunk-reader.js';
import { RtmpClientSession } from '../rtmp-client-session.js';
import type { RtmpClientEvent } from '../rtmp-client-session.js';
import type { RtmpMessage } from '../rtmp-message.js';
import { RtmpServerSession } from '../rtmp-session.js';
import type { RtmpSessionEvent } from '../rtmp-session.js';

export type Decide = (server: RtmpServerSession, event: RtmpSessionEvent) => void;

export const acceptAll: Decide = (server, event) => {
  if (event.type === 'publish') server.acceptPublish(event.streamId);
  if (event.type === 'play') server.acceptPlay(event.streamId);
};

/** arr[i], failing the test when it is missing (noUncheckedIndexedAccess without `!`). */
export function nth<T>(arr: readonly T[], i: number): T {
  const value = i < 0 ? arr[arr.length + i] : arr[i];
  if (value === undefined) throw new Error(`no element ${i} (length ${arr.length})`);
  return value;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so a failing split is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Client and server wired in memory; every transfer is cut at random points. */
export class Pair {
  readonly server = new RtmpServerSession();
  readonly client = new RtmpClientSession();
  readonly serverEvents: RtmpSessionEvent[] = [];
  readonly clientEvents: RtmpClientEvent[] = [];
  private readonly random: () => number;

  constructor(
    seed = 1,
    private readonly decide: Decide = acceptAll,
  ) {
    this.random = rng(seed);
  }

  private pieces(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < bytes.length) {
      const n = 1 + Math.floor(this.random() * Math.min(700, bytes.length - at));
      out.push(bytes.subarray(at, at + n));
      at += n;
    }
    return out;
  }

  /** Moves bytes both ways until both sides are quiet. */
  pump(): void {
    for (let round = 0; round < 50; round++) {
      const up = concat(this.client.takeOutput());
      for (const piece of this.pieces(up)) {
        for (const event of this.server.receive(piece)) {
          this.serverEvents.push(event);
          this.decide(this.server, event);
        }
      }
      const down = concat(this.server.takeOutput());
      for (const piece of this.pieces(down)) this.clientEvents.push(...this.client.receive(piece));
      if (up.length === 0 && down.length === 0) return;
    }
    throw new Error('pump did not settle');
  }

  statusCodes(): string[] {
    return this.clientEvents.flatMap((e) => (e.type === 'status' ? [e.info.code] : []));
  }

  serverTypes(): string[] {
    return this.serverEvents.map((e) => e.type);
  }

  connected(): this {
    this.client.connect('live', 'rtmp://127.0.0.1/live');
    this.pump();
    return this;
  }
}

export function decodeAll(bytes: Uint8Array, chunkSize = 128): RtmpMessage[] {
  const reader = new ChunkReader();
  reader.setChunkSize(chunkSize);
  return reader.push(bytes);
}
