/** Player options with their defaults resolved and checked (pure, so it is testable in Node). */
import { PlayerError } from './errors.js';
import type { TransmuxInputFormat } from './transmux/transmux-types.js';

/** What `url` is: a stream of one container, or an HLS playlist (TS or fMP4 segments). */
export type StreamType = 'flv' | 'fmp4' | 'ts' | 'hls';
const STREAM_TYPES: readonly StreamType[] = ['flv', 'fmp4', 'ts', 'hls'];

export interface PlayerOptions {
  /** `http(s)://` streams with fetch, `ws(s)://` with a WebSocket. Relative URLs resolve against the page. */
  url: string;
  /**
   * Guessed from the URL path when left out: `.m3u8` -> hls, `.mp4`/`.m4s` -> fmp4, `.ts` -> ts,
   * else flv. HLS needs http(s).
   */
  type?: StreamType;
  /**
   * Buffer to hold ahead of the playhead, ms. Default DEFAULT_TARGET_LATENCY_MS; for HLS it
   * follows the playlist (see hlsTargetLatencyMs). VOD playlists have no latency control.
   */
  targetLatencyMs?: number;
  /** Media kept behind the playhead, seconds (older is evicted). Default 10. */
  backBufferSec?: number;
  /**
   * Transmux in a Worker (default true; falls back to the page's thread if it cannot). The
   * worker starts 1 s after each connection; until it has caught up the page's thread
   * transmuxes too, so its start-up never delays the first frame.
   */
  worker?: boolean;
  reconnect?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Test hook: treat the SourceBuffer as full beyond this many bytes (exercises QuotaExceededError handling). */
  maxBufferBytes?: number;
}

export interface ResolvedPlayerOptions {
  url: URL;
  type: StreamType;
  targetLatencyMs: number | undefined;
  backBufferSec: number;
  worker: boolean;
  reconnect: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  maxBufferBytes: number | undefined;
}

function invalid(message: string): PlayerError {
  return new PlayerError('INVALID_ARGUMENT', message, { fatal: true });
}

export function guessType(url: URL): StreamType {
  const path = url.pathname;
  if (/\.m3u8$/i.test(path)) return 'hls';
  if (/\.(mp4|m4s|fmp4)$/i.test(path)) return 'fmp4';
  return /\.ts$/i.test(path) ? 'ts' : 'flv';
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
  if (!STREAM_TYPES.includes(type)) throw invalid(`type must be one of ${STREAM_TYPES.join(', ')}`);
  if (type === 'hls' && url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('HLS needs an http(s) URL');
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

/** The transmuxer's input for a stream type: HLS segments are TS or fMP4, told apart by sniffing. */
export function transmuxFormatOf(type: StreamType): TransmuxInputFormat {
  return type === 'hls' ? 'auto' : type;
}
