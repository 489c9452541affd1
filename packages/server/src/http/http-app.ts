/**
 * The HTTP + WebSocket front door (node:http, `ws` in noServer mode). Routing is in
 * http-route.ts; this file only dispatches, answers CORS preflights, makes sure no request —
 * however odd — can throw out of a handler and take the process down, and reaps idle
 * connections far sooner than Node's defaults (a socket that never sends a request would
 * otherwise hold a slot for 60 s).
 */
import { createServer as createHttpServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { FLV_OUTPUT } from '../outputs/flv-output.js';
import { FMP4_OUTPUT } from '../outputs/fmp4-output.js';
import { serveHlsFile, serveHlsPlaylist } from '../outputs/hls/hls-http.js';
import type { HlsService } from '../outputs/hls/hls-service.js';
import { serveHttpViewer, serveWsViewer } from '../outputs/live-output.js';
import type { ViewerContext } from '../outputs/live-output.js';
import { handleApi } from './api.js';
import type { ApiContext } from './api.js';
import { renderMetrics } from './metrics.js';
import { routeRequest } from './http-route.js';
import type { HttpRoute } from './http-route.js';
import { defaultStaticRoots, serveStatic } from './static-files.js';
import type { StaticRoots } from './static-files.js';
import {
  CORS_HEADERS,
  sendError,
  sendMethodNotAllowed,
  sendPreflight,
  sendText,
} from './http-respond.js';

/**
 * Connection timeouts. They bound only the request phase and idle keep-alive sockets: once a
 * request is complete Node stops timing it, so long-lived media responses and upgraded
 * WebSockets are never cut by them.
 */
export interface HttpTimeouts {
  /** Time to receive the request headers, counted from the connection (or previous request). */
  headersMs: number;
  /** Time to receive the whole request (headers and body). */
  requestMs: number;
  /** Idle time allowed between requests on a kept-alive connection. */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = {
  headersMs: 10_000,
  requestMs: 15_000,
  keepAliveMs: 5_000,
};

export interface HttpAppContext extends ViewerContext, ApiContext {
  logger: Logger;
  /** Default: the repository layout (defaultStaticRoots()). */
  staticRoots?: StaticRoots;
  timeouts?: HttpTimeouts;
  /** HLS delivery; without it HLS URLs are 404. */
  hls?: HlsService;
}

/** Viewers never send media: 64 KiB is plenty for anything a client might say. */
const WS_MAX_PAYLOAD = 64 * 1024;

/** Node's clientError codes worth a specific status (RFC 9110 15.5.9, RFC 6585 5). */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

export interface HttpApp {
  server: Server;
  wss: WebSocketServer;
}

interface DispatchContext extends HttpAppContext {
  staticRoots: StaticRoots;
}

function dispatch(
  ctx: DispatchContext,
  route: HttpRoute,
  req: IncomingMessage,
  res: ServerResponse,
): void | Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return sendPreflight(res);
  switch (route.kind) {
    case 'bad':
      return sendError(req, res, route.status, route.reason);
    case 'media':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return serveHttpViewer(
        ctx,
        route.format === 'flv' ? FLV_OUTPUT : FMP4_OUTPUT,
        route.key,
        req,
        res,
      );
    case 'hls-playlist':
    case 'hls-file': {
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
      const hls = ctx.hls;
      if (hls === undefined) return sendError(req, res, 404, 'HLS is disabled on this server');
      return route.kind === 'hls-playlist'
        ? serveHlsPlaylist(hls, route.key, route.variant, req, res)
        : serveHlsFile(hls, route.key, route.epoch, route.file, req, res);
    }
    case 'metrics':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return sendText(
        req,
        res,
        200,
        'text/plain; version=0.0.4; charset=utf-8',
        renderMetrics(ctx),
      );
    case 'static':
      return serveStatic(ctx.staticRoots, route.root, route.file, req, res);
    case 'api-streams':
    case 'api-stream':
    case 'api-server':
      return handleApi(ctx, route, req, res);
  }
}

/** Answers a refused upgrade on the raw socket with a JSON body, then closes it. */
function refuseUpgrade(socket: Duplex, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(CORS_HEADERS).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}

export function createHttpApp(appContext: HttpAppContext): HttpApp {
  const ctx: DispatchContext = {
    ...appContext,
    staticRoots: appContext.staticRoots ?? defaultStaticRoots(),
  };
  const log = ctx.logger.child({ component: 'http' });
  const timeouts = appContext.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: WS_MAX_PAYLOAD,
  });
  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    log.error({ err: error, url: req.url?.slice(0, 200) }, 'request handler failed');
    if (!res.headersSent) sendError(req, res, 500, 'internal error');
    else res.destroy();
  };
  // Node refuses headersTimeout > requestTimeout; keep them ordered.
  const requestMs = Math.max(timeouts.requestMs, timeouts.headersMs);
  const server = createHttpServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // How often Node sweeps for expired requests (default 30 s, which would triple our limits).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, timeouts.headersMs / 4)),
    },
    (req, res) => {
      try {
        const pending = dispatch(ctx, routeRequest(req.url), req, res);
        if (pending !== undefined) pending.catch((error: unknown) => failed(req, res, error));
      } catch (error) {
        failed(req, res, error);
      }
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP or a request that took too long: answer if still possible, then close.
    log.debug({ err: error }, 'client error');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n\r\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log.debug({ err: error }, 'upgrade socket error'));
    try {
      const route = routeRequest(req.url);
      if (route.kind === 'bad') return refuseUpgrade(socket, route.status, { error: route.reason });
      if (route.kind !== 'media') return refuseUpgrade(socket, 404, { error: 'no WebSocket here' });
      if (ctx.directory.find(route.key) === undefined) {
        return refuseUpgrade(socket, 404, {
          error: 'stream not found (nothing is publishing it)',
          stream: route.key,
        });
      }
      const spec = route.format === 'flv' ? FLV_OUTPUT : FMP4_OUTPUT;
      wss.handleUpgrade(req, socket, head, (ws) => {
        if ('setNoDelay' in socket && typeof socket.setNoDelay === 'function')
          socket.setNoDelay(true);
        serveWsViewer(ctx, spec, route.key, ws, socket);
      });
    } catch (error) {
      log.error({ err: error }, 'upgrade handler failed');
      socket.destroy();
    }
  });
  return { server, wss };
}
