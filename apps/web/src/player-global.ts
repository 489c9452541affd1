/** `window.tidecastPlayer`: the page's current Player, for e2e tests and benchmarks. */
import type { Player } from '../../../packages/player/src/index.js';

declare global {
  interface Window {
    tidecastPlayer?: Player;
  }
}

export function exposePlayer(player: Player | undefined): void {
  window.tidecastPlayer = player;
}
