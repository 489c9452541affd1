/** The targets as PASS/FAIL text (never an exit code). */
import type { PassResult } from './fanout-stats.js';
import type { ServerKind } from './ipc-messages.js';

const RATIO_VIEWERS = 300;
const MAX_CPU_RATIO = 0.5;
const ONE_CORE_VIEWERS = 1000;

export function targetChecks(
  results: readonly PassResult[],
  servers: readonly ServerKind[],
): string[] {
  const lines: string[] = [];
  const find = (server: string, viewers: number, protocol: string): PassResult | undefined =>
    results.find((r) => r.server === server && r.viewers === viewers && r.protocol === protocol);
  const protocols = [...new Set(results.map((r) => r.protocol))];
  for (const protocol of protocols) {
    const ours = find('tidecast', RATIO_VIEWERS, protocol);
    const peer = find('node-media-server', RATIO_VIEWERS, protocol);
    if (ours === undefined || peer === undefined) {
      lines.push(
        `CPU tidecast/node-media-server at ${String(RATIO_VIEWERS)} ${protocol} viewers: not measured`,
      );
      continue;
    }
    const ratio = ours.cpuPercent / peer.cpuPercent;
    const verdict = ratio <= MAX_CPU_RATIO && ours.behind === 0 ? 'PASS' : 'FAIL';
    lines.push(
      `CPU tidecast/node-media-server at ${String(RATIO_VIEWERS)} ${protocol} viewers: ` +
        `${ratio.toFixed(2)}x (${ours.cpuPercent.toFixed(1)}% vs ${peer.cpuPercent.toFixed(1)}%; ` +
        `target <= ${String(MAX_CPU_RATIO)}x): ${verdict}`,
    );
  }
  for (const protocol of protocols) {
    const ours = find('tidecast', ONE_CORE_VIEWERS, protocol);
    if (ours === undefined) {
      const why = servers.includes('tidecast') ? 'not measured' : 'tidecast not run';
      lines.push(`${String(ONE_CORE_VIEWERS)} ${protocol} viewers on one core: ${why}`);
      continue;
    }
    // One core: the server process is pinned to one CPU (or at least stays under 100%).
    const verdict = ours.behind === 0 && ours.cpuPercent < 100 ? 'PASS' : 'FAIL';
    lines.push(
      `${String(ONE_CORE_VIEWERS)} ${protocol} viewers on one core: ${String(ours.behind)} behind, ` +
        `CPU ${ours.cpuPercent.toFixed(1)}%: ${verdict}`,
    );
  }
  return lines;
}
