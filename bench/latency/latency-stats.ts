/** Per-player figures over all its sessions, and the printed table. */
import type { PlayerName } from './bench-pages.js';
import type { SessionResult } from './player-session.js';

export const PLAYER_LABEL: Record<PlayerName, string> = {
  tidecast: 'tidecast',
  mpegts: 'mpegts.js (peer)',
  'tidecast-llhls': 'tidecast LL-HLS',
  'hlsjs-llhls': 'hls.js LL-HLS (peer)',
  'tidecast-hls': 'tidecast HLS (TS)',
  'hlsjs-hls': 'hls.js HLS (TS) (peer)',
};

export interface Drift {
  sessionSec: number;
  firstMinuteP90: number;
  lastMinuteP90: number;
}

export interface PlayerSummary {
  player: PlayerName;
  sessions: number;
  failures: string[];
  frames: number;
  misread: number;
  p50: number;
  p90: number;
  p99: number;
  firstFrames: number[];
  heap: [number, number] | null;
  renderer: [number, number] | null;
  /** Max in the last 3 minutes over max in minutes 1-3 (long sessions only). */
  heapGrowth: [number, number] | null;
  rendererGrowth: [number, number] | null;
  bufferedMaxSec: number;
  aheadMaxSec: number;
  dropped: number;
  decoded: number;
  unseen: number;
  stalls: number;
  stalledMs: number;
  clockSkewMs: number;
  errors: string[];
  drift: Drift | null;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

const ascending = (values: number[]): number[] => values.sort((a, b) => a - b);

function range(series: Array<[number, number]>): [number, number] | null {
  if (series.length === 0) return null;
  const values = series.map(([, v]) => v);
  return [Math.min(...values), Math.max(...values)];
}

/** [max over 60-180 s, max over the last 180 s] when the session ran at least 6 minutes. */
function growth(series: Array<[number, number]>): [number, number] | null {
  const end = series.at(-1)?.[0] ?? 0;
  if (end < 360_000) return null;
  const early = series.filter(([t]) => t >= 60_000 && t <= 180_000).map(([, v]) => v);
  const late = series.filter(([t]) => t >= end - 180_000).map(([, v]) => v);
  return [Math.max(...early), Math.max(...late)];
}

function drift(session: SessionResult): Drift | null {
  const first = session.displayAt[0];
  const last = session.displayAt.at(-1);
  if (first === undefined || last === undefined || last - first < 120_000) return null;
  const window = (from: number, to: number): number[] =>
    ascending(
      session.latencyMs.filter(
        (_, i) => (session.displayAt[i] ?? 0) >= from && (session.displayAt[i] ?? 0) < to,
      ),
    );
  return {
    sessionSec: (last - first) / 1000,
    firstMinuteP90: percentile(window(first, first + 60_000), 90),
    lastMinuteP90: percentile(window(last - 60_000, last + 1), 90),
  };
}

export function summarize(player: PlayerName, sessions: readonly SessionResult[]): PlayerSummary {
  const latencies = ascending(sessions.flatMap((s) => s.latencyMs));
  const longest = [...sessions].sort((a, b) => b.latencyMs.length - a.latencyMs.length)[0];
  const heapSeries = sessions.flatMap((s) => s.heapMb);
  const rendererSeries = sessions.flatMap((s) => s.rendererMb);
  return {
    player,
    sessions: sessions.length,
    failures: sessions.flatMap((s) => (s.failure === null ? [] : [s.failure])),
    frames: sessions.reduce((n, s) => n + s.frames, 0),
    misread: sessions.reduce((n, s) => n + s.misread, 0),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    firstFrames: sessions.flatMap((s) => (s.firstFrameMs === null ? [] : [s.firstFrameMs])),
    heap: range(heapSeries),
    renderer: range(rendererSeries),
    heapGrowth: longest === undefined ? null : growth(longest.heapMb),
    rendererGrowth: longest === undefined ? null : growth(longest.rendererMb),
    bufferedMaxSec: Math.max(0, ...sessions.map((s) => s.bufferedMaxSec)),
    aheadMaxSec: Math.max(0, ...sessions.map((s) => s.aheadMaxSec)),
    dropped: sessions.reduce((n, s) => n + s.droppedFrames, 0),
    unseen: sessions.reduce((n, s) => n + s.unseenFrames, 0),
    decoded: sessions.reduce((n, s) => n + s.decodedFrames, 0),
    stalls: sessions.reduce((n, s) => n + s.stalls, 0),
    stalledMs: sessions.reduce((n, s) => n + s.stalledMs, 0),
    clockSkewMs: Math.max(0, ...sessions.map((s) => s.clockSkewMs)),
    errors: sessions.flatMap((s) => s.errors),
    drift: longest === undefined ? null : drift(longest),
  };
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '-');
const mb = (pair: [number, number] | null): string =>
  pair === null ? '-' : `${pair[0].toFixed(1)}-${pair[1].toFixed(1)}`;

export function renderTable(summaries: readonly PlayerSummary[]): string {
  const header = [
    'player',
    'sessions',
    'decoded',
    'frames',
    'misread',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'first frame ms',
    'JS heap MB',
    'renderer anon MB',
    'buffered max s',
    'ahead max s',
    'dropped',
    'unseen',
    'stalls (ms)',
    'errors',
  ];
  const rows = summaries.map((s) => [
    PLAYER_LABEL[s.player],
    `${String(s.sessions - s.failures.length)}/${String(s.sessions)}`,
    String(s.decoded),
    String(s.frames),
    String(s.misread),
    ms(s.p50),
    ms(s.p90),
    ms(s.p99),
    s.firstFrames.length === 0 ? '-' : s.firstFrames.map(ms).join(', '),
    mb(s.heap),
    mb(s.renderer),
    s.bufferedMaxSec.toFixed(2),
    s.aheadMaxSec.toFixed(2),
    String(s.dropped),
    String(s.unseen),
    `${String(s.stalls)} (${ms(s.stalledMs)})`,
    String(s.errors.length),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
