/** Player options with their defaults resolved and checked (pure, so it is testable in Node). */
import { PlayerError } from './errors.js';
import type { TransmuxInputFormat } from './transmux/transmux-types.js';

export interface PlayerOptions {
  /** `http(s)://` streams with fetch, `ws(s)://` with a WebSocket. Relative URLs resolve against the page. */
  url: string;
  /** Container: guessed from the URL path when left out (`.mp4`/`.m4s` -> fmp4, else flv). */
  type?: TransmuxInputFormat;
  /** Buffer to hold ahead of the playhead, ms. Default DEFAULT_TARGET_LATENCY_MS. */
  targetLatencyMs?: number;
  /** Media kept behind the playhead, seconds (older is evicted). Default 10. */
  backBufferSec?: number;
  /** Transmux in a Worker (default true; falls back to the page's thread if it cannot). */
  worker?: boolean;
  reconnect?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Test hook: treat the SourceBuffer as full beyond this many bytes (exercises QuotaExceededError handling). */
  maxBufferBytes?: number;
}

export interface ResolvedPlayerOptions {
  url: URL;
  type: TransmuxInputFormat;
  targetLatencyMs: number | undefined;
  backBufferSec: number;
  worker: boolean;
  reconnect: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  maxBufferBytes: number | undefined;
}

function invalid(message: string): PlayerError {
  return new PlayerError('INVALID_ARGUMENT', message, { fatal: true });
}

export function guessType(url: URL): TransmuxInputFormat {
  return /\.(mp4|m4s|fmp4)$/i.test(url.pathname) ? 'fmp4' : 'flv';
}

function positiveOrUndefined(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number`);
  return value;
}

export function resolvePlayerOptions(options: PlayerOptions, base: string): ResolvedPlayerOptions {
  if (typeof options.url !== 'string' || options.url === '') throw invalid('url is required');
  let url: URL;
  try {
    url = new URL(options.url, base);
  } catch {
    throw invalid(`url '${options.url}' is not a valid URL`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw invalid(`url scheme '${url.protocol}' is not supported (http, https, ws, wss)`);
  }
  const type = options.type ?? guessType(url);
  if (type !== 'flv' && type !== 'fmp4') throw invalid(`type must be 'flv' or 'fmp4'`);
  return {
    url,
    type,
    targetLatencyMs: positiveOrUndefined('targetLatencyMs', options.targetLatencyMs),
    backBufferSec: positiveOrUndefined('backBufferSec', options.backBufferSec) ?? 10,
    worker: options.worker ?? true,
    reconnect: options.reconnect ?? {},
    maxBufferBytes: positiveOrUndefined('maxBufferBytes', options.maxBufferBytes),
  };
}
