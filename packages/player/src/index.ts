/** @tidecast/player public API. */
export { PlayerError } from './errors.js';
export type { PlayerErrorCode } from './errors.js';
export type { PlayerEventMap, PlayerEventName, PlayerListener, PlayerStats } from './events.js';
export type {
  AudioSummary,
  MediaSummary,
  TransmuxOutput,
  VideoSummary,
} from './transmux/transmux-types.js';
export { createPlayer } from './player.js';
export type { Player, PlayerOptions } from './player.js';
export const version = '0.1.0';
