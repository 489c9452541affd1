/** The bench/latency targets as PASS/FAIL text (never an exit code). */
import type { PlayerSummary } from './latency-stats.js';

const MAX_P50_MS = 300;
const MAX_RATIO = 0.4;
const MAX_FIRST_FRAME_MS = 300;
const MAX_DRIFT_MS = 100;
const LONG_SESSION_SEC = 590; // "10 minutes", less the first frame's slack
/** Back buffer (player default 10 s) + forward buffer + a margin. */
const MAX_BUFFERED_SEC = 15;

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

/** Late max within 25% (+ slack for GC timing) of the early max: not growing. */
function bounded(growth: [number, number] | null, slackMb: number): boolean | null {
  if (growth === null) return null;
  return growth[1] <= growth[0] * 1.25 + slackMb;
}

export function ratioLine(
  ours: PlayerSummary | undefined,
  peer: PlayerSummary | undefined,
): string {
  if (ours === undefined || peer === undefined || !(ours.p50 > 0) || !(peer.p50 > 0)) {
    return 'ratio tidecast/mpegts.js p50: not measured';
  }
  const p90 = ours.p90 / peer.p90;
  return `ratio tidecast/mpegts.js p50: ${(ours.p50 / peer.p50).toFixed(2)}x (p90: ${p90.toFixed(2)}x)`;
}

export function targetChecks(
  ours: PlayerSummary | undefined,
  peer: PlayerSummary | undefined,
): string[] {
  if (ours === undefined || !Number.isFinite(ours.p50)) {
    return ['tidecast: not measured, no targets checked'];
  }
  const lines: string[] = [];
  lines.push(
    `tidecast p50 <= ${String(MAX_P50_MS)} ms: ${ours.p50.toFixed(0)} ms: ${verdict(ours.p50 <= MAX_P50_MS)}`,
  );
  if (peer === undefined || !Number.isFinite(peer.p50)) {
    lines.push(`tidecast p50 <= ${String(MAX_RATIO)}x mpegts.js: not measured`);
  } else {
    const ratio = ours.p50 / peer.p50;
    lines.push(
      `tidecast p50 <= ${String(MAX_RATIO)}x mpegts.js p50: ${ratio.toFixed(2)}x ` +
        `(${ours.p50.toFixed(0)} vs ${peer.p50.toFixed(0)} ms): ${verdict(ratio <= MAX_RATIO)}`,
    );
  }
  const worstFirst = Math.max(...ours.firstFrames);
  lines.push(
    ours.firstFrames.length === 0
      ? 'tidecast first frame: none'
      : `tidecast first frame <= ${String(MAX_FIRST_FRAME_MS)} ms after navigation start ` +
          `(worst of ${String(ours.firstFrames.length)}): ${worstFirst.toFixed(0)} ms: ` +
          verdict(worstFirst <= MAX_FIRST_FRAME_MS && ours.failures.length === 0),
  );
  const drift = ours.drift;
  if (drift === null || drift.sessionSec < LONG_SESSION_SEC) {
    lines.push('tidecast p90 drift over 10 min: not measured (needs --duration 600 --rounds 1)');
  } else {
    const change = drift.lastMinuteP90 - drift.firstMinuteP90;
    lines.push(
      `tidecast p90 drift over ${drift.sessionSec.toFixed(0)} s: first minute ` +
        `${drift.firstMinuteP90.toFixed(0)} ms, last minute ${drift.lastMinuteP90.toFixed(0)} ms ` +
        `(${change >= 0 ? '+' : ''}${change.toFixed(0)}; target within ${String(MAX_DRIFT_MS)}): ` +
        verdict(Math.abs(change) <= MAX_DRIFT_MS),
    );
  }
  lines.push(
    `tidecast buffered ranges <= ${String(MAX_BUFFERED_SEC)} s: max ${ours.bufferedMaxSec.toFixed(1)} s: ` +
      verdict(ours.bufferedMaxSec <= MAX_BUFFERED_SEC),
  );
  const heap = bounded(ours.heapGrowth, 4);
  const renderer = bounded(ours.rendererGrowth, 32);
  if (heap === null) {
    lines.push(
      'tidecast memory bounded over 10 min: not measured (needs --duration 600 --rounds 1)',
    );
  } else {
    const fmt = (g: [number, number] | null): string =>
      g === null ? '-' : `${g[0].toFixed(1)} -> ${g[1].toFixed(1)} MB`;
    lines.push(
      `tidecast memory bounded (max in minutes 1-3 -> last 3 minutes): JS heap ${fmt(ours.heapGrowth)}, ` +
        `renderer ${fmt(ours.rendererGrowth)}: ${verdict(heap && renderer !== false)}`,
    );
  }
  for (const summary of [ours, peer]) {
    if (summary !== undefined && summary.clockSkewMs > 5) {
      lines.push(
        `note: ${summary.player} page clock was up to ${summary.clockSkewMs.toFixed(1)} ms off ` +
          'the wall clock: latencies carry that error',
      );
    }
    if (summary !== undefined && summary.misread > summary.frames * 0.01) {
      lines.push(
        `note: ${summary.player} had ${String(summary.misread)} unreadable frames of ` +
          `${String(summary.frames)} (barcode damaged or scaled): figures are suspect`,
      );
    }
  }
  return lines;
}
