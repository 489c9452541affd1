/**
 * JSON API: `GET /api/streams`, `GET /api/streams/APP/STREAM`, `GET /api/server`,
 * `DELETE /api/streams/APP/STREAM` (kick the publisher). The data comes from an `ApiSource`
 * the server builds over the hub, so these handlers stay free of hub internals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutputProtocol } from '../hub/stream-output.js';
import { sendError, sendJson, sendMethodNotAllowed } from './http-respond.js';
import type { HttpRoute } from './http-route.js';

export interface ApiVideo {
  codec: string;
  codecString: string;
  width: number;
  height: number;
  fps: number | null;
}

export interface ApiAudio {
  codec: string;
  codecString: string;
  sampleRate: number;
  channels: number;
}

export interface ApiStream {
  key: string;
  app: string;
  stream: string;
  /** A publisher is connected (false during the reconnect grace period). */
  live: boolean;
  video: ApiVideo | null;
  audio: ApiAudio | null;
  /** Bits per second, averaged over the last few seconds. */
  bitrateIn: number;
  bitrateOut: number;
  bytesIn: number;
  bytesOut: number;
  frames: number;
  viewers: Record<OutputProtocol, number> & { total: number };
  uptimeMs: number;
}

export interface ApiServer {
  name: 'tidecast';
  version: string;
  node: string;
  pid: number;
  uptimeMs: number;
  rtmpPort: number;
  httpPort: number;
  streams: number;
  viewers: number;
  memory: { rss: number; heapUsed: number };
  /** Open RTMP connections, and players of those held until their stream starts. */
  rtmp: { connections: number; waitingPlayers: number };
}

export interface ApiSource {
  streams(): ApiStream[];
  stream(key: string): ApiStream | undefined;
  server(): ApiServer;
  /** Disconnects the publisher of `key`; false when nothing publishes it. */
  kick(key: string): boolean;
}

export interface ApiContext {
  api: ApiSource;
}

type ApiRoute = Extract<HttpRoute, { kind: 'api-streams' | 'api-stream' | 'api-server' }>;

export function handleApi(
  ctx: ApiContext,
  route: ApiRoute,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const method = req.method ?? 'GET';
  const read = method === 'GET' || method === 'HEAD';
  switch (route.kind) {
    case 'api-streams':
      if (!read) return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return sendJson(req, res, 200, { streams: ctx.api.streams() });
    case 'api-server':
      if (!read) return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return sendJson(req, res, 200, ctx.api.server());
    case 'api-stream': {
      if (method === 'DELETE') {
        if (!ctx.api.kick(route.key)) {
          return sendError(req, res, 404, 'no publisher for this stream', { stream: route.key });
        }
        return sendJson(req, res, 200, { kicked: route.key });
      }
      if (!read) return sendMethodNotAllowed(req, res, 'GET, HEAD, DELETE');
      const stream = ctx.api.stream(route.key);
      if (stream === undefined) {
        return sendError(req, res, 404, 'stream not found (nothing is publishing it)', {
          stream: route.key,
        });
      }
      return sendJson(req, res, 200, stream);
    }
  }
}
