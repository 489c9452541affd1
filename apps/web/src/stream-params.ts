/**
 * Query parameters of the watch and embed pages, validated before anything touches the network:
 * `?stream=APP/STREAM` uses the server's name alphabet, `?src=` must be an http(s) or ws(s) URL.
 */

/** The same alphabet the server's router accepts for app and stream names. */
const NAME = /^[A-Za-z0-9._-]{1,128}$/;

export interface StreamTarget {
  app: string;
  stream: string;
}

export type ProtocolId = 'http-flv' | 'ws-flv' | 'http-fmp4' | 'ws-fmp4' | 'll-hls' | 'hls-ts';

/** What the player is told the stream is (the player's `type` option). */
export type StreamType = 'flv' | 'fmp4' | 'hls';

export interface Protocol {
  id: ProtocolId;
  label: string;
  transport: 'http' | 'ws';
  type: StreamType;
  /** Path ending after APP/STREAM on the server. */
  suffix: string;
}

export const PROTOCOLS: readonly Protocol[] = [
  { id: 'http-flv', label: 'HTTP-FLV', transport: 'http', type: 'flv', suffix: '.flv' },
  { id: 'ws-flv', label: 'WS-FLV', transport: 'ws', type: 'flv', suffix: '.flv' },
  { id: 'http-fmp4', label: 'HTTP fMP4', transport: 'http', type: 'fmp4', suffix: '.mp4' },
  { id: 'ws-fmp4', label: 'WS fMP4', transport: 'ws', type: 'fmp4', suffix: '.mp4' },
  { id: 'll-hls', label: 'LL-HLS', transport: 'http', type: 'hls', suffix: '.m3u8' },
  { id: 'hls-ts', label: 'HLS (TS)', transport: 'http', type: 'hls', suffix: '.ts.m3u8' },
];

export const DEFAULT_PROTOCOL: ProtocolId = 'http-flv';

function isName(value: string): boolean {
  return NAME.test(value) && value !== '.' && value !== '..';
}

/** `APP/STREAM` -> target, or an error message for the page. */
export function parseStreamParam(value: string | null): StreamTarget | string {
  if (value === null || value === '')
    return 'No stream given: open this page as /watch.html?stream=APP/STREAM.';
  const parts = value.split('/');
  const [app, stream] = parts;
  if (parts.length !== 2 || app === undefined || stream === undefined) {
    return `"${value}" is not APP/STREAM.`;
  }
  if (!isName(app) || !isName(stream)) {
    return `"${value}" has characters other than letters, digits, ".", "_" and "-".`;
  }
  return { app, stream };
}

export function findProtocol(id: string | null): Protocol {
  const found = PROTOCOLS.find((p) => p.id === id);
  if (found !== undefined) return found;
  const fallback = PROTOCOLS.find((p) => p.id === DEFAULT_PROTOCOL);
  if (fallback === undefined) throw new Error('no default protocol');
  return fallback;
}

/** Where the page itself was loaded from (a subset of `Location`, easy to fake in tests). */
export interface PageOrigin {
  protocol: string;
  host: string;
}

/** `http://host/APP/STREAM.flv`, `ws://host/APP/STREAM.mp4`, ... on the page's own server. */
export function mediaUrl(page: PageOrigin, target: StreamTarget, protocol: Protocol): string {
  const secure = page.protocol === 'https:';
  const scheme = protocol.transport === 'ws' ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
  return `${scheme}://${page.host}/${encodeURIComponent(target.app)}/${encodeURIComponent(target.stream)}${protocol.suffix}`;
}

/** `/watch.html?stream=APP/STREAM` (the slash kept readable; names need no escaping). */
export function watchHref(target: StreamTarget, protocol?: ProtocolId): string {
  const base = `/watch.html?stream=${encodeURIComponent(target.app)}/${encodeURIComponent(target.stream)}`;
  return protocol === undefined ? base : `${base}&protocol=${protocol}`;
}

export interface EmbedParams {
  url: string;
  type?: StreamType;
  targetLatencyMs?: number;
  worker?: boolean;
}

/**
 * `?src=URL[&type=flv|fmp4|hls][&latency=MS][&worker=0|1]`; `src` may be relative to the page.
 * Returns an error message for anything that is not an http(s)/ws(s) URL or a bad option.
 */
export function parseEmbedParams(search: string, pageUrl: string): EmbedParams | string {
  const params = new URLSearchParams(search);
  const src = params.get('src');
  if (src === null || src === '') return 'No source given: open this page as /embed.html?src=URL.';
  let url: URL;
  try {
    url = new URL(src, pageUrl);
  } catch {
    return `"${src}" is not a URL.`;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    return `"${src}" must be an http(s):// or ws(s):// URL.`;
  }
  const out: EmbedParams = { url: url.href };
  const type = params.get('type');
  if (type !== null) {
    if (type !== 'flv' && type !== 'fmp4' && type !== 'hls') {
      return `type must be flv, fmp4 or hls (got "${type}").`;
    }
    out.type = type;
  }
  const latency = params.get('latency');
  if (latency !== null) {
    const ms = Number(latency);
    if (!/^\d{1,6}$/.test(latency) || !Number.isFinite(ms)) {
      return `latency must be a whole number of milliseconds (got "${latency}").`;
    }
    out.targetLatencyMs = ms;
  }
  const worker = params.get('worker');
  if (worker !== null) {
    if (worker !== '0' && worker !== '1') return `worker must be 0 or 1 (got "${worker}").`;
    out.worker = worker === '1';
  }
  return out;
}
