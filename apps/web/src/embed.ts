/**
 * `/embed.html?src=URL[&type=flv|fmp4|hls][&latency=MS][&worker=0|1]`: one full-window muted video
 * playing `src` with the Tidecast player, nothing else (for iframes and benchmarks). The Player
 * is `window.tidecastPlayer`; bad parameters show a message instead.
 */
import { createPlayer } from '../../../packages/player/src/index.js';
import type { Player, PlayerOptions } from '../../../packages/player/src/index.js';
import { exposePlayer } from './player-global.js';
import { byId, showProblem } from './dom.js';
import { parseEmbedParams } from './stream-params.js';

function main(): void {
  const video = byId('video', HTMLVideoElement);
  const problem = byId('problem', HTMLParagraphElement);
  const params = parseEmbedParams(location.search, location.href);
  if (typeof params === 'string') {
    showProblem(problem, params);
    return;
  }
  const options: PlayerOptions = { url: params.url };
  if (params.type !== undefined) options.type = params.type;
  if (params.targetLatencyMs !== undefined) options.targetLatencyMs = params.targetLatencyMs;
  if (params.worker !== undefined) options.worker = params.worker;
  let player: Player;
  try {
    player = createPlayer(video, options);
  } catch (error) {
    showProblem(problem, error instanceof Error ? error.message : String(error));
    return;
  }
  player.on('error', (e) => {
    if (e.fatal) showProblem(problem, `${e.code}: ${e.message}`);
  });
  exposePlayer(player);
  window.addEventListener('pagehide', () => player.destroy());
  player.load();
}

main();
