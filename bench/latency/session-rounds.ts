/**
 * The session loop both latency benches share: players alternate order each round (fairer on a
 * shared machine), one page at a time, one progress line per session.
 */
import type { Browser } from 'playwright-core';
import type { PlayerName } from './bench-pages.js';
import type { LatencyPublisher } from './latency-publisher.js';
import { PLAYER_LABEL, summarize } from './latency-stats.js';
import { runSession } from './player-session.js';
import type { SessionResult } from './player-session.js';

export interface RoundsPlan {
  browser: Browser;
  players: readonly PlayerName[];
  urls: Partial<Record<PlayerName, string>>;
  probe: string;
  rounds: number;
  secondsPerSession: number;
  publisher: LatencyPublisher;
  /**
   * First a short session per player that is not counted (0: none): the browser's first page
   * with media pays for starting its media stack (processes, decoders) once, whichever player
   * comes first; users' browsers have usually done that already.
   */
  warmUpSeconds?: number;
  /** Called with each finished session (e.g. LATENCY_DUMP). */
  onSession?: (result: SessionResult, round: number) => void;
}

export async function runRounds(plan: RoundsPlan): Promise<SessionResult[]> {
  const sessions: SessionResult[] = [];
  const warmUp = plan.warmUpSeconds ?? 0;
  for (const player of warmUp > 0 ? plan.players : []) {
    const url = plan.urls[player];
    if (url === undefined) continue;
    process.stdout.write(`  ${PLAYER_LABEL[player]} warm-up (not counted) ... `);
    const result = await runSession(plan.browser, player, url, plan.probe, warmUp);
    console.log(result.failure ?? `first frame ${(result.firstFrameMs ?? NaN).toFixed(0)} ms`);
  }
  for (let round = 0; round < plan.rounds; round++) {
    const order = round % 2 === 0 ? plan.players : [...plan.players].reverse();
    for (const player of order) {
      const url = plan.urls[player];
      if (url === undefined) continue;
      if (plan.publisher.exit !== null)
        throw new Error(`publisher stopped: ${plan.publisher.exit}`);
      process.stdout.write(`  ${PLAYER_LABEL[player]} round ${String(round + 1)} ... `);
      const result = await runSession(
        plan.browser,
        player,
        url,
        plan.probe,
        plan.secondsPerSession,
      );
      sessions.push(result);
      plan.onSession?.(result, round);
      const s = summarize(player, [result]);
      console.log(
        result.failure ??
          `p50 ${s.p50.toFixed(0)} ms, first frame ${(result.firstFrameMs ?? NaN).toFixed(0)} ms, ` +
            `${String(result.misread)}/${String(result.frames)} misread`,
      );
    }
  }
  return sessions;
}
