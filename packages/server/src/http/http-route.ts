/**
 * Maps a request target to a route. Everything from the network is checked here: odd paths
 * (`..`, NUL, bad percent-encoding, overlong) become a 400/404 route with a reason and never
 * reach the handlers. App and stream names share one alphabet with the RTMP side so a key
 * published as `live/cam1` is the same key in every URL.
 */

export const MAX_URL_LENGTH = 2048;
const NAME = /^[\w.-]{1,128}$/;
/** HLS epochs and file names: what hls-names.ts generates, nothing else. */
const HLS_TOKEN = /^[a-z0-9][a-z0-9.-]{0,39}$/;

/** Static file names: no leading dot (no dotfiles, no `.`/`..`), no separators. */
const STATIC_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
/** Served from packages/player/dist at the top level. */
const PLAYER_FILES: ReadonlySet<string> = new Set(['tidecast-player.js', 'tidecast-player.js.map']);

export type MediaFormat = 'flv' | 'mp4';

/** Where a static file lives: the built pages (apps/web/dist) or the player bundle. */
export type StaticRoot = 'web' | 'player';

export type HttpRoute =
  | { kind: 'media'; format: MediaFormat; app: string; stream: string; key: string }
  /** `/APP/STREAM.m3u8` (fMP4 + LL-HLS) or `/APP/STREAM.ts.m3u8` (MPEG-TS). */
  | { kind: 'hls-playlist'; variant: 'cmaf' | 'ts'; key: string }
  /** `/APP/STREAM/hls/EPOCH/FILE`: a segment, part or init segment (names checked later). */
  | { kind: 'hls-file'; key: string; epoch: string; file: string }
  | { kind: 'api-streams' }
  | { kind: 'api-stream'; app: string; stream: string; key: string }
  | { kind: 'api-server' }
  | { kind: 'metrics' }
  /** `file` is relative to its root, `/`-separated, every segment a STATIC_NAME. */
  | { kind: 'static'; root: StaticRoot; file: string }
  | { kind: 'bad'; status: 400 | 404; reason: string };

/** True for names allowed as app or stream (also used for RTMP publish/play names). */
export function isValidName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..';
}

export function streamKey(app: string, stream: string): string {
  return `${app}/${stream}`;
}

function decodeSegments(path: string): string[] | string {
  const out: string[] = [];
  for (const raw of path.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return 'bad percent-encoding in the URL path';
    }
    if (segment.includes('\0')) return 'NUL byte in the URL path';
    if (segment === '..' || segment === '.') return 'dot segments are not allowed in the URL path';
    if (segment.includes('/') || segment.includes('\\')) return 'encoded slash in the URL path';
    out.push(segment);
  }
  return out;
}

/** Routes `url` (the raw request target, e.g. `/live/cam.flv?token=x`). */
export function routeRequest(url: string | undefined): HttpRoute {
  if (url === undefined || url.length === 0 || url[0] !== '/') {
    return { kind: 'bad', status: 400, reason: 'request target must be an absolute path' };
  }
  if (url.length > MAX_URL_LENGTH) {
    return { kind: 'bad', status: 400, reason: `URL longer than ${MAX_URL_LENGTH} characters` };
  }
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const segments = decodeSegments(path);
  if (typeof segments === 'string') return { kind: 'bad', status: 400, reason: segments };
  const [a, b, c, d, e] = segments;
  if (segments.length === 1 && a !== undefined) {
    if (a === '') return { kind: 'static', root: 'web', file: 'index.html' };
    if (a === 'metrics') return { kind: 'metrics' };
    if (PLAYER_FILES.has(a)) return { kind: 'static', root: 'player', file: a };
    if (a.endsWith('.html') && STATIC_NAME.test(a)) return { kind: 'static', root: 'web', file: a };
  }
  if (a === 'api') {
    if (segments.length === 2 && b === 'server') return { kind: 'api-server' };
    if (segments.length === 2 && b === 'streams') return { kind: 'api-streams' };
    if (segments.length === 4 && b === 'streams' && c !== undefined && d !== undefined) {
      if (!isValidName(c) || !isValidName(d)) {
        return { kind: 'bad', status: 400, reason: 'invalid app or stream name' };
      }
      return { kind: 'api-stream', app: c, stream: d, key: streamKey(c, d) };
    }
    return { kind: 'bad', status: 404, reason: 'no such API endpoint' };
  }
  if (segments.length === 2 && a !== undefined && b !== undefined) {
    const dot = b.lastIndexOf('.');
    const ext = dot < 0 ? '' : b.slice(dot + 1);
    const stream = dot < 0 ? b : b.slice(0, dot);
    if (ext === 'm3u8') {
      const ts = stream.endsWith('.ts');
      const name = ts ? stream.slice(0, -3) : stream;
      if (!isValidName(a) || !isValidName(name)) {
        return { kind: 'bad', status: 400, reason: 'invalid app or stream name' };
      }
      return { kind: 'hls-playlist', variant: ts ? 'ts' : 'cmaf', key: streamKey(a, name) };
    }
    if (ext === 'flv' || ext === 'mp4') {
      if (!isValidName(a) || !isValidName(stream)) {
        return { kind: 'bad', status: 400, reason: 'invalid app or stream name' };
      }
      return { kind: 'media', format: ext, app: a, stream, key: streamKey(a, stream) };
    }
    // Media URLs win above: a stream published as `assets/x` still plays at /assets/x.flv.
    if (a === 'assets' && STATIC_NAME.test(b)) {
      return { kind: 'static', root: 'web', file: `assets/${b}` };
    }
  }
  if (segments.length === 5 && c === 'hls' && a !== undefined && b !== undefined) {
    if (!isValidName(a) || !isValidName(b) || d === undefined || e === undefined) {
      return { kind: 'bad', status: 400, reason: 'invalid app or stream name' };
    }
    if (!HLS_TOKEN.test(d) || !HLS_TOKEN.test(e)) {
      return { kind: 'bad', status: 404, reason: 'no such HLS file' };
    }
    return { kind: 'hls-file', key: streamKey(a, b), epoch: d, file: e };
  }
  return { kind: 'bad', status: 404, reason: 'not found' };
}
