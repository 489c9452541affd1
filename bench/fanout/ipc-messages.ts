/** Messages between the bench runner and its child processes (server, load generator). */

export type ServerKind = 'nms' | 'tidecast';
export type ViewerProtocol = 'http-flv' | 'ws-flv';

/** CPU time (user + system, all threads, microseconds) and RSS of a process at one instant. */
export interface ProcessSample {
  cpuMicros: number;
  /** The kernel part of cpuMicros (socket writes and copies show up here). */
  systemMicros: number;
  rssBytes: number;
  /** Write-type system calls so far (`syscw` of /proc/PID/io); NaN where unreadable. */
  writeCalls: number;
  /** Monotonic clock of the sampled process, milliseconds. */
  atMs: number;
}

export type ServerRequest = { type: 'sample' } | { type: 'stop' };

export type ServerReply =
  | { type: 'ready'; name: string; version: string; rtmpPort: number; httpPort: number }
  | { type: 'sample'; sample: ProcessSample }
  | { type: 'failed'; message: string }
  | { type: 'stopped' };

export type LoadRequest =
  | { type: 'join'; url: string; protocol: ViewerProtocol; viewers: number; timeoutMs: number }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'stop' };

/** What one viewer saw during the measurement window. */
export interface ViewerReport {
  bytes: number;
  /** Lag samples in ms, taken every LAG_SAMPLE_MS during the window. */
  lags: number[];
  /** Closed, errored or got nothing during the window. */
  failed: string | null;
}

export type LoadReply =
  | { type: 'joined'; joined: number; failed: number; ms: number; firstError: string | null }
  | { type: 'window-started' }
  | {
      type: 'window-report';
      windowMs: number;
      viewers: ViewerReport[];
      client: ProcessSample[];
      /** Largest lag that every viewer had at the same sample (a source or machine stall). */
      commonLagMs: number;
    }
  | { type: 'stopped' };

export function processSample(): ProcessSample {
  const cpu = process.cpuUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    systemMicros: cpu.system,
    rssBytes: process.memoryUsage.rss(),
    writeCalls: Number.NaN, // Node has no counter of its own write syscalls
    atMs: performance.now(),
  };
}

/** Narrowing for messages arriving over IPC (they are `unknown` until checked). */
export function hasType(message: unknown): message is { type: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string'
  );
}

/** Runner -> write floor child (write-floor-child.ts). */
export type FloorRequest =
  | { type: 'start'; connections: number; writesPerSecond: number; bytesPerWrite: number }
  | { type: 'halt' }
  | { type: 'stop' };

export type FloorReply =
  | { type: 'ready'; port: number }
  | { type: 'started'; connections: number }
  | { type: 'halted'; writes: number; skipped: number }
  | { type: 'failed'; message: string };

export type FloorReaderReply =
  { type: 'connected'; connections: number } | { type: 'failed'; message: string };
