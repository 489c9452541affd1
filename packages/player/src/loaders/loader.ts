/**
 * A loader delivers one connection's bytes. It never retries by itself: the player owns the
 * reconnect policy, so every loader ends exactly once, with `onEnd` (the server closed the
 * stream normally) or `onError`, and says nothing after `abort()`.
 */
import { PlayerError } from '../errors.js';
import { HlsLoader } from '../hls/hls-loader.js';
import type { HlsLoaderHooks } from '../hls/hls-loader.js';
import { FetchStreamLoader } from './fetch-stream-loader.js';
import { WebSocketLoader } from './websocket-loader.js';
import type { Loader, LoaderSink } from './loader-types.js';

export type { Loader, LoaderSink } from './loader-types.js';

export type LoaderKind = 'fetch' | 'websocket';

/** `ws:`/`wss:` use a WebSocket, `http:`/`https:` fetch streaming; anything else is refused. */
export function loaderKindOf(url: URL): LoaderKind {
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return 'websocket';
  if (url.protocol === 'http:' || url.protocol === 'https:') return 'fetch';
  throw new PlayerError('INVALID_ARGUMENT', `unsupported URL scheme '${url.protocol}'`, {
    fatal: true,
  });
}

/** With `hls` hooks the URL is an HLS playlist (http/https only, see resolvePlayerOptions). */
export function createLoader(url: URL, sink: LoaderSink, hls?: HlsLoaderHooks): Loader {
  if (hls !== undefined) return new HlsLoader(url, sink, hls);
  return loaderKindOf(url) === 'websocket'
    ? new WebSocketLoader(url, sink)
    : new FetchStreamLoader(url, sink);
}
