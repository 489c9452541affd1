/**
 * `/api/streams` as the dashboard sees it. The JSON is `unknown` until checked here; a field of
 * the wrong type degrades to "unknown" instead of breaking the page, and entries without a valid
 * key are dropped.
 */

export interface StreamVideo {
  codec: string;
  width: number;
  height: number;
  fps: number | null;
}

export interface StreamAudio {
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface DashboardStream {
  key: string;
  app: string;
  stream: string;
  live: boolean;
  video: StreamVideo | null;
  audio: StreamAudio | null;
  bitrateIn: number;
  /** Viewers per output protocol (`flv-http`, `flv-ws`, `fmp4-http`, `fmp4-ws`, `rtmp`). */
  viewers: Record<string, number>;
  viewersTotal: number;
  uptimeMs: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function video(value: unknown): StreamVideo | null {
  if (!isObject(value)) return null;
  const fps = value['fps'];
  return {
    codec: str(value['codecString']) || str(value['codec']) || 'unknown',
    width: num(value['width']),
    height: num(value['height']),
    fps: typeof fps === 'number' && Number.isFinite(fps) ? fps : null,
  };
}

function audio(value: unknown): StreamAudio | null {
  if (!isObject(value)) return null;
  return {
    codec: str(value['codecString']) || str(value['codec']) || 'unknown',
    sampleRate: num(value['sampleRate']),
    channels: num(value['channels']),
  };
}

function viewers(value: unknown): { byProtocol: Record<string, number>; total: number } {
  const byProtocol: Record<string, number> = {};
  let total = 0;
  if (isObject(value)) {
    for (const [name, count] of Object.entries(value)) {
      if (name === 'total') total = num(count);
      else byProtocol[name] = num(count);
    }
  }
  return { byProtocol, total };
}

const NAME = /^[A-Za-z0-9._-]{1,128}$/;

function stream(value: unknown): DashboardStream | undefined {
  if (!isObject(value)) return undefined;
  const app = str(value['app']);
  const name = str(value['stream']);
  if (!NAME.test(app) || !NAME.test(name)) return undefined;
  const seen = viewers(value['viewers']);
  return {
    key: `${app}/${name}`,
    app,
    stream: name,
    live: value['live'] !== false,
    video: video(value['video']),
    audio: audio(value['audio']),
    bitrateIn: num(value['bitrateIn']),
    viewers: seen.byProtocol,
    viewersTotal: seen.total,
    uptimeMs: num(value['uptimeMs']),
  };
}

/** `{ streams: [...] }` -> the valid streams, sorted by key. */
export function parseStreams(json: unknown): DashboardStream[] {
  if (!isObject(json) || !Array.isArray(json['streams'])) {
    throw new Error('unexpected /api/streams response');
  }
  const out: DashboardStream[] = [];
  for (const item of json['streams']) {
    const s = stream(item);
    if (s !== undefined) out.push(s);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The RTMP port from `/api/server`, for the "publish one" hint. */
export function parseRtmpPort(json: unknown): number | undefined {
  if (!isObject(json)) return undefined;
  const port = json['rtmpPort'];
  return typeof port === 'number' && Number.isInteger(port) && port > 0 ? port : undefined;
}

export const PROTOCOL_LABELS: Readonly<Record<string, string>> = {
  'flv-http': 'HTTP-FLV',
  'flv-ws': 'WS-FLV',
  'fmp4-http': 'fMP4',
  'fmp4-ws': 'WS-fMP4',
  rtmp: 'RTMP',
};
