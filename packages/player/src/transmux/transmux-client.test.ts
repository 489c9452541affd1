import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeErrors,
  ffmpeg,
  probeFrames,
  readBytes,
  rng,
  segmentsOf,
  tempDir,
  writeMp4,
} from './test-support/transmux-fixtures.js';
import { TransmuxClient } from './transmux-client.js';
import type { TransmuxClientOptions, WorkerLike } from './transmux-client.js';
import type { TransmuxInputFormat, TransmuxOutput } from './transmux-types.js';
import { Transmuxer } from './transmuxer.js';
import { TransmuxWorkerHost } from './worker-host.js';
import type { ClientMessage } from './worker-protocol.js';

const dir = tempDir('tidecast-transmux-client-');
let flv: Uint8Array;
let ts: Uint8Array;

beforeAll(() => {
  const src = join(dir, 'src.flv');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-f', 'flv', src],
  ]);
  flv = readBytes(src);
  const tsFile = join(dir, 'src.ts');
  ffmpeg(['-i', src, '-c', 'copy', '-f', 'mpegts', tsFile]);
  ts = readBytes(tsFile);
});

interface FakeWorkerBehaviour {
  /** Messages wait this long before the first is handled (a worker still starting). */
  bootMs?: number;
  /** Never answers. */
  silent?: boolean;
  /** Drops the last output of every non-empty answer (a worker that disagrees). */
  mangle?: boolean;
}

/**
 * A Worker stand-in: messages cross a structuredClone with the transfer list (as postMessage
 * does, so a bad transfer list throws here too) and are delivered asynchronously, in order.
 * After `dieAfter` data messages it reports an error instead of answering.
 */
class FakeWorker implements WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessageerror: ((event: unknown) => void) | null = null;
  terminated = false;
  transferred = 0;
  answers = 0;
  private dataSeen = 0;
  private booting: unknown[] | null = null;
  private readonly host = new TransmuxWorkerHost((message, transfer) => {
    this.transferred += transfer.length;
    const sent =
      this.behaviour.mangle === true && message.type === 'output' && message.outputs.length > 0
        ? { ...message, outputs: message.outputs.slice(0, -1) }
        : message;
    const clone: unknown = structuredClone(sent, { transfer });
    setTimeout(() => {
      if (this.terminated) return;
      this.answers++;
      this.onmessage?.({ data: clone });
    }, 0);
  });

  constructor(
    private readonly dieAfter = Infinity,
    private readonly behaviour: FakeWorkerBehaviour = {},
  ) {
    const bootMs = behaviour.bootMs ?? 0;
    if (bootMs > 0) {
      this.booting = [];
      const boot = setTimeout(() => {
        const queued = this.booting ?? [];
        this.booting = null;
        for (const message of queued) if (!this.terminated) this.host.handle(message);
      }, bootMs);
      boot.unref();
    }
  }

  postMessage(message: ClientMessage, transfer: Transferable[]): void {
    const clone: unknown = structuredClone(message, { transfer: transfer as ArrayBuffer[] });
    if (this.behaviour.silent === true) return;
    if (message.type === 'data' && ++this.dataSeen > this.dieAfter) {
      setTimeout(() => this.onerror?.(new Error('worker crashed')), 0);
      return;
    }
    if (this.booting !== null) {
      this.booting.push(clone);
      return;
    }
    setTimeout(() => {
      if (!this.terminated) this.host.handle(clone);
    }, 0);
  }

  terminate(): void {
    this.terminated = true;
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function feed(client: TransmuxClient, bytes: Uint8Array, seed: number): Promise<void> {
  const random = rng(seed);
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(random() * 3000);
    client.push(bytes.slice(at, at + n));
    at += n;
    if (random() < 0.3) await settle();
  }
  client.flush();
  await settle();
}

/** A client whose outputs and worker failures are collected. */
function collecting(options: TransmuxClientOptions): {
  client: TransmuxClient;
  out: TransmuxOutput[];
  failures: unknown[];
} {
  const out: TransmuxOutput[] = [];
  const failures: unknown[] = [];
  const client = new TransmuxClient(
    options,
    (o) => out.push(...o),
    (e) => failures.push(e),
  );
  return { client, out, failures };
}

const videoFrames = (out: TransmuxOutput[]): number =>
  segmentsOf(out).reduce((n, s) => n + s.videoFrames, 0);

function direct(format: TransmuxInputFormat, bytes: Uint8Array): TransmuxOutput[] {
  const t = new Transmuxer({ format });
  return [...t.push(bytes), ...t.flush()];
}

describe('TransmuxClient', () => {
  it('runs inline when no worker is wanted (or none is available in Node)', async () => {
    for (const useWorker of [false, true]) {
      const out: TransmuxOutput[] = [];
      const client = new TransmuxClient({ format: 'flv', useWorker }, (o) => out.push(...o));
      expect(client.inWorker).toBe(false);
      await feed(client, flv, 1);
      expect(segmentsOf(out).length).toBe(segmentsOf(direct('flv', flv)).length);
    }
  });

  it('in a worker gives the same outputs, buffers transferred', async () => {
    const worker = new FakeWorker();
    const out: TransmuxOutput[] = [];
    const failures: unknown[] = [];
    const client = new TransmuxClient(
      { format: 'flv', useWorker: true, createWorker: () => worker, inlineHeadStart: false },
      (o) => out.push(...o),
      (e) => failures.push(e),
    );
    expect(client.inWorker).toBe(true);
    await feed(client, flv, 2);
    expect(failures).toEqual([]);
    const expected = direct('flv', flv).filter((o) => o.type !== 'warning');
    expect(out.filter((o) => o.type !== 'warning').map((o) => o.type)).toEqual(
      expected.map((o) => o.type),
    );
    expect(worker.transferred).toBe(expected.length);
    client.destroy();
    expect(worker.terminated).toBe(true);
  });

  it.each([0, 3, 40])(
    'falls back inline when the worker dies after %i chunks, keeping the stream playable',
    async (dieAfter) => {
      const out: TransmuxOutput[] = [];
      const failures: unknown[] = [];
      const client = new TransmuxClient(
        {
          format: 'flv',
          useWorker: true,
          createWorker: () => new FakeWorker(dieAfter),
          inlineHeadStart: false,
        },
        (o) => out.push(...o),
        (e) => failures.push(e),
      );
      await feed(client, flv, 3);
      expect(failures).toHaveLength(1);
      expect(client.inWorker).toBe(false);
      expect(out.filter((o) => o.type === 'error')).toEqual([]);
      const file = join(dir, `fallback-${dieAfter}.mp4`);
      writeMp4(file, out);
      expect(decodeErrors(file)).toBe('');
      const videoFrames = segmentsOf(out).reduce((n, s) => n + s.videoFrames, 0);
      // At most the frame the worker held for its duration and those up to the next keyframe
      // (GOP of 10) are lost.
      expect(videoFrames).toBeGreaterThanOrEqual(50 - 10 - 1);
      if (dieAfter > 0)
        expect(out.some((o) => o.type === 'warning' && o.code === 'WORKER_RESTART')).toBe(true);
      expect(probeFrames(file).video).toBe(videoFrames);
    },
  );

  it('reports a worker that cannot start and runs inline', async () => {
    const out: TransmuxOutput[] = [];
    const failures: unknown[] = [];
    const client = new TransmuxClient(
      {
        format: 'flv',
        useWorker: true,
        createWorker: () => {
          throw new Error('blocked by CSP');
        },
      },
      (o) => out.push(...o),
      (e) => failures.push(e),
    );
    expect(client.inWorker).toBe(false);
    expect(failures).toHaveLength(1);
    await feed(client, flv, 4);
    expect(segmentsOf(out).reduce((n, s) => n + s.videoFrames, 0)).toBe(50);
  });

  it('sniffs TS in a worker and passes a discontinuity through in order', async () => {
    const out: TransmuxOutput[] = [];
    const client = new TransmuxClient(
      { format: 'auto', useWorker: true, createWorker: () => new FakeWorker() },
      (o) => out.push(...o),
    );
    client.push(ts.slice(0, 5000));
    client.push(ts.slice(5000));
    client.discontinuity();
    client.push(flv);
    client.flush();
    await settle();
    await settle();
    const types = out.filter((o) => o.type === 'init' || o.type === 'discontinuity');
    expect(types.map((o) => o.type)).toEqual(['init', 'discontinuity', 'init']);
    const at = out.findIndex((o) => o.type === 'discontinuity');
    const frames = (o: TransmuxOutput[]): number =>
      segmentsOf(o).reduce((n, s) => n + s.videoFrames, 0);
    expect(frames(out.slice(0, at))).toBe(50);
    expect(frames(out.slice(at))).toBe(50);
    client.destroy();
  });

  it('replays TS after the PAT/PMT when the worker dies mid-stream', async () => {
    const out: TransmuxOutput[] = [];
    const client = new TransmuxClient(
      {
        format: 'auto',
        useWorker: true,
        createWorker: () => new FakeWorker(20),
        inlineHeadStart: false,
      },
      (o) => out.push(...o),
    );
    await feed(client, ts, 5);
    expect(client.inWorker).toBe(false);
    expect(out.filter((o) => o.type === 'error')).toEqual([]);
    const file = join(dir, 'ts-fallback.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    expect(segmentsOf(out).reduce((n, s) => n + s.videoFrames, 0)).toBeGreaterThanOrEqual(39);
  });

  it('transmuxes inline while the worker starts, then hands over without a repeat or a gap', async () => {
    const worker = new FakeWorker(Infinity, { bootMs: 150 });
    const { client, out, failures } = collecting({
      format: 'flv',
      useWorker: true,
      createWorker: () => worker,
    });
    expect(client.mode).toBe('head-start');
    const half = Math.floor(flv.length / 2);
    client.push(flv.slice(0, 4000));
    client.push(flv.slice(4000, half));
    // Delivered at once, from the inline transmuxer: the worker has not even started.
    expect(out[0]?.type).toBe('init');
    expect(segmentsOf(out).length).toBeGreaterThan(0);
    expect(worker.answers).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.mode).toBe('worker');
    const beforeHandover = out.length;
    await feed(client, flv.slice(half), 6);
    expect(failures).toEqual([]);
    expect(out.length).toBeGreaterThan(beforeHandover);
    const expected = direct('flv', flv);
    expect(out.map((o) => o.type)).toEqual(expected.map((o) => o.type));
    expect(out.map((o) => (o.type === 'segment' ? o.startSec : -1))).toEqual(
      expected.map((o) => (o.type === 'segment' ? o.startSec : -1)),
    );
    const file = join(dir, 'head-start.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    expect(probeFrames(file).video).toBe(50);
    client.destroy();
  });

  it.each([
    ['dies during the head start', new FakeWorker(2, { bootMs: 60_000 }), /crashed/],
    [
      'disagrees with the inline transmuxer',
      new FakeWorker(Infinity, { mangle: true }),
      /disagrees/,
    ],
  ])(
    'a worker that %s is dropped and inline carries on with every frame',
    async (_, worker, why) => {
      const { client, out, failures } = collecting({
        format: 'flv',
        useWorker: true,
        createWorker: () => worker,
      });
      // One big first chunk: the worker's first answer already has outputs to compare.
      client.push(flv.slice(0, 20_000));
      await feed(client, flv.slice(20_000), 7);
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(why);
      expect(worker.terminated).toBe(true);
      expect(client.mode).toBe('inline');
      // No WORKER_RESTART (nothing is replayed or lost): just what the stream itself warns about.
      const notes = (o: TransmuxOutput[]): string[] =>
        o.flatMap((x) => (x.type === 'warning' || x.type === 'error' ? [x.code] : []));
      expect(notes(out)).toEqual(notes(direct('flv', flv)));
      expect(videoFrames(out)).toBe(50);
    },
  );

  it('creates the worker only after workerStartDelayMs, then hands over', async () => {
    let created = 0;
    const { client, out, failures } = collecting({
      format: 'flv',
      useWorker: true,
      workerStartDelayMs: 80,
      createWorker: () => {
        created++;
        return new FakeWorker();
      },
    });
    const half = Math.floor(flv.length / 2);
    client.push(flv.slice(0, half));
    expect(segmentsOf(out).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(created).toBe(0);
    expect(client.mode).toBe('head-start');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(created).toBe(1);
    expect(client.mode).toBe('worker');
    await feed(client, flv.slice(half), 8);
    expect(failures).toEqual([]);
    expect(out.map((o) => o.type)).toEqual(direct('flv', flv).map((o) => o.type));
    client.destroy();
  });

  it('reports a deferred worker that cannot start and stays inline', async () => {
    const { client, out, failures } = collecting({
      format: 'flv',
      useWorker: true,
      workerStartDelayMs: 10,
      createWorker: () => {
        throw new Error('blocked by CSP');
      },
    });
    await feed(client, flv, 9);
    expect(failures.map(String)).toEqual(['Error: blocked by CSP']);
    expect(client.mode).toBe('inline');
    expect(videoFrames(out)).toBe(50);
  });

  it('gives up on a worker that never answers', () => {
    const worker = new FakeWorker(Infinity, { silent: true });
    const { client, out, failures } = collecting({
      format: 'flv',
      useWorker: true,
      createWorker: () => worker,
    });
    for (let at = 0; at < flv.length; at += 16) client.push(flv.slice(at, at + 16));
    client.flush();
    expect(flv.length / 16).toBeGreaterThan(2001);
    expect(failures.map(String)).toEqual(['Error: the transmux worker did not start']);
    expect(client.mode).toBe('inline');
    expect(videoFrames(out)).toBe(50);
  });

  it.each([false, true])('delivers nothing after destroy (head start %s)', async (headStart) => {
    const out: TransmuxOutput[] = [];
    const client = new TransmuxClient(
      {
        format: 'flv',
        useWorker: true,
        createWorker: () => new FakeWorker(),
        inlineHeadStart: headStart,
      },
      (o) => out.push(...o),
    );
    client.push(flv.slice(0, 30_000));
    const delivered = out.length; // the head start's inline outputs come at once
    expect(delivered > 0).toBe(headStart);
    client.destroy();
    client.push(flv.slice(30_000));
    client.flush();
    await settle();
    expect(out).toHaveLength(delivered);
  });
});
