/**
 * The write floor: what a server's CPU would be if it did nothing but the write syscalls a
 * measured pass made (same viewers, writes per viewer per second and bytes per write, over
 * loopback to a reader pinned like the viewers). Once a server's CPU is mostly these writes,
 * floor / peer CPU is the lowest ratio any server making as many writes can reach here.
 */
import { ChildLink } from './child-link.js';
import { cpuPercent, writeRates } from './fanout-stats.js';
import type { FloorReaderReply, FloorReply, FloorRequest } from './ipc-messages.js';
import { procSample } from './proc-sample.js';

export type FloorMode = 'socket' | 'syscall';

export interface FloorOptions {
  mode: FloorMode;
  viewers: number;
  writesPerViewerSecond: number;
  bytesPerWrite: number;
  windowMs: number;
  pin: { server: string; others: string } | null;
}

export interface FloorResult {
  mode: FloorMode;
  cpuPercent: number;
  systemPercent: number;
  writesPerViewerSecond: number;
  microsPerWrite: number;
  /** Writes dropped because a reader's kernel buffer was full (syscall mode); should be 0. */
  skipped: number;
}

const SETTLE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureWriteFloor(options: FloorOptions): Promise<FloorResult> {
  const floor = new ChildLink<FloorRequest, FloorReply>(
    new URL('./write-floor-child.ts', import.meta.url),
    [options.mode],
  );
  let reader: ChildLink<{ type: 'stop' }, FloorReaderReply> | null = null;
  try {
    const { port } = await floor.next('ready', 30_000);
    if (options.pin !== null) floor.pin(options.pin.server);
    reader = new ChildLink<{ type: 'stop' }, FloorReaderReply>(
      new URL('./write-floor-reader.ts', import.meta.url),
      [String(port), String(options.viewers)],
    );
    if (options.pin !== null) reader.pin(options.pin.others);
    await reader.next('connected', 30_000);
    floor.send({
      type: 'start',
      connections: options.viewers,
      writesPerSecond: options.writesPerViewerSecond,
      bytesPerWrite: Math.max(1, Math.round(options.bytesPerWrite)),
    });
    const started = await floor.next('started', 10_000);
    if (started.connections !== options.viewers) {
      throw new Error(`${String(started.connections)} of ${String(options.viewers)} connected`);
    }
    await sleep(SETTLE_MS);
    const from = procSample(floor.pid);
    await sleep(options.windowMs);
    const to = procSample(floor.pid);
    floor.send({ type: 'halt' });
    const { skipped } = await floor.next('halted', 10_000);
    if (from === null || to === null) throw new Error('/proc is not readable here');
    return {
      mode: options.mode,
      cpuPercent: cpuPercent(from, to),
      systemPercent: cpuPercent(from, to, true),
      ...writeRates(from, to, options.viewers),
      skipped,
    };
  } finally {
    await reader?.stop({ type: 'stop' }, 5000);
    await floor.stop({ type: 'stop' }, 5000);
  }
}
