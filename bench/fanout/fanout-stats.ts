/** Turns raw pass measurements into the table row, and renders the table. */
import type { ProcessSample, ViewerProtocol, ViewerReport } from './ipc-messages.js';

export interface PassResult {
  server: string;
  version: string;
  viewers: number;
  protocol: ViewerProtocol;
  /** Server CPU over the window, percent of one core (all threads). */
  cpuPercent: number;
  /** Kernel share of cpuPercent. */
  systemPercent: number;
  /** The server's write syscalls per viewer per second over the window. */
  writesPerViewerSecond: number;
  /** Server CPU time per write syscall (all of its CPU, user and kernel), microseconds. */
  microsPerWrite: number;
  rssMb: number;
  /** (RSS at window end - RSS with the publisher alone) / viewers. */
  rssPerViewerKb: number;
  kbpsMin: number;
  kbpsMedian: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  behind: number;
  /** Load generator CPU over the window (near 100% means the client, not the server, limits). */
  clientCpuPercent: number;
  joinMs: number;
  note: string;
}

/** The row of a pass that could not finish: every viewer counts as behind. */
export function failedPass(
  server: string,
  viewers: number,
  protocol: ViewerProtocol,
  why: string,
): PassResult {
  const name = server === 'nms' ? 'node-media-server' : server;
  const none = Number.NaN;
  // prettier-ignore
  return {
    server: name, version: '', viewers, protocol, cpuPercent: none, systemPercent: none,
    writesPerViewerSecond: none, microsPerWrite: none, rssMb: none, rssPerViewerKb: none, kbpsMin: none, kbpsMedian: none, lagP50: none,
    lagP99: none, lagMax: none, behind: viewers, clientCpuPercent: none, joinMs: 0,
    note: `pass failed: ${why}`,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function cpuPercent(from: ProcessSample, to: ProcessSample, kernelOnly = false): number {
  const wallMs = to.atMs - from.atMs;
  const micros = kernelOnly ? to.systemMicros - from.systemMicros : to.cpuMicros - from.cpuMicros;
  return wallMs > 0 ? (micros / 1000 / wallMs) * 100 : Number.NaN;
}

/** Write syscalls per viewer per second, and CPU microseconds per write, between samples. */
export function writeRates(
  from: ProcessSample,
  to: ProcessSample,
  viewers: number,
): { writesPerViewerSecond: number; microsPerWrite: number } {
  const writes = to.writeCalls - from.writeCalls;
  const seconds = (to.atMs - from.atMs) / 1000;
  return {
    writesPerViewerSecond: seconds > 0 && viewers > 0 ? writes / seconds / viewers : Number.NaN,
    microsPerWrite: writes > 0 ? (to.cpuMicros - from.cpuMicros) / writes : Number.NaN,
  };
}

export interface ViewerSummary {
  kbpsMin: number;
  kbpsMedian: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  behind: number;
}

/** A viewer is behind if it failed/disconnected or its lag ever exceeded `behindMs`. */
export function summarizeViewers(
  reports: readonly ViewerReport[],
  windowMs: number,
  behindMs: number,
): ViewerSummary {
  const kbps = reports.map((r) => (r.bytes * 8) / windowMs).sort((a, b) => a - b);
  const lags: number[] = [];
  let behind = 0;
  for (const report of reports) {
    let worst = 0;
    for (const lag of report.lags) {
      lags.push(lag);
      if (lag > worst) worst = lag;
    }
    if (report.failed !== null || worst > behindMs) behind += 1;
  }
  lags.sort((a, b) => a - b);
  return {
    kbpsMin: kbps[0] ?? 0,
    kbpsMedian: percentile(kbps, 50),
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    lagMax: lags[lags.length - 1] ?? Number.NaN,
    behind,
  };
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

export function renderResults(results: readonly PassResult[]): string {
  // prettier-ignore
  const header = [
    'server', 'viewers', 'protocol', 'CPU %', 'sys %', 'writes/viewer/s', 'us/write', 'RSS MB', 'KB/viewer', 'kbps min', 'kbps med',
    'lag p50', 'p99', 'max ms', 'behind', 'client CPU %', 'join ms',
  ];
  const rows = results.map((r) => [
    r.server,
    String(r.viewers),
    r.protocol,
    fixed(r.cpuPercent, 1),
    fixed(r.systemPercent, 1),
    fixed(r.writesPerViewerSecond, 1),
    fixed(r.microsPerWrite, 1),
    fixed(r.rssMb, 1),
    fixed(r.rssPerViewerKb, 1),
    fixed(r.kbpsMin, 0),
    fixed(r.kbpsMedian, 0),
    fixed(r.lagP50, 0),
    fixed(r.lagP99, 0),
    fixed(r.lagMax, 0),
    String(r.behind),
    fixed(r.clientCpuPercent, 1),
    String(r.joinMs),
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const notes = results
    .filter((r) => r.note !== '')
    .map((r) => `  ${r.server} ${r.viewers} ${r.protocol}: ${r.note}`);
  return [...lines, ...(notes.length > 0 ? ['notes:', ...notes] : [])].join('\n');
}
