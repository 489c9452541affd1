/**
 * Maps a request target to a route. Everything from the network is checked here: odd paths
 * (`..`, NUL, bad percent-encoding, overlong) become a 400/404 route with a reason and never
 * reach the handlers. App and stream names share one alphabet with the RTMP side so a key
 * published as `live/cam1` is the same key in every URL.
 */

export const MAX_URL_LENGTH = 2048;
const NAME = /^[\w.-]{1,128}$/;

export type MediaFormat = 'flv' | 'mp4';

export type HttpRoute =
  | { kind: 'media'; format: MediaFormat; app: string; stream: string; key: string }
  | { kind: 'api-streams' }
  | { kind: 'api-stream'; app: string; stream: string; key: string }
  | { kind: 'api-server' }
  | { kind: 'metrics' }
  | { kind: 'index' }
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
  const [a, b, c, d] = segments;
  if (segments.length === 1 && a === '') return { kind: 'index' };
  if (segments.length === 1 && a === 'metrics') return { kind: 'metrics' };
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
    if (ext === 'flv' || ext === 'mp4') {
      if (!isValidName(a) || !isValidName(stream)) {
        return { kind: 'bad', status: 400, reason: 'invalid app or stream name' };
      }
      return { kind: 'media', format: ext, app: a, stream, key: streamKey(a, stream) };
    }
  }
  return { kind: 'bad', status: 404, reason: 'not found' };
}
