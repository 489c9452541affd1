/**
 * The HTTP + WebSocket front door (node:http, `ws` in noServer mode). Routing is in
 * http-route.ts; this file only dispatches, answers CORS preflights, and makes sure no
 * request — however odd — can throw out of a handler and take the process down.
 */
import { createServer as createHttpServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { FLV_OUTPUT } from '../outputs/flv-output.js';
import { FMP4_OUTPUT } from '../outputs/fmp4-output.js';
import { serveHttpViewer, serveWsViewer } from '../outputs/live-output.js';
import type { ViewerContext } from '../outputs/live-output.js';
import { handleApi } from './api.js';
import type { ApiContext } from './api.js';
import { renderLandingPage } from './landing-page.js';
import { renderMetrics } from './metrics.js';
import { routeRequest } from './http-route.js';
import type { HttpRoute } from './http-route.js';
import {
  CORS_HEADERS,
  sendError,
  sendMethodNotAllowed,
  sendPreflight,
  sendText,
} from './http-respond.js';

export interface HttpAppContext extends ViewerContext, ApiContext {
  logger: Logger;
}

/** Viewers never send media: 64 KiB is plenty for anything a client might say. */
const WS_MAX_PAYLOAD = 64 * 1024;

export interface HttpApp {
  server: Server;
  wss: WebSocketServer;
}

/** Host names we echo into the page: a hostile Host header must not become markup or a URL. */
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function dispatch(
  ctx: HttpAppContext,
  route: HttpRoute,
  req: IncomingMessage,
  res: ServerResponse,
): void {
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
    case 'metrics':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return sendText(
        req,
        res,
        200,
        'text/plain; version=0.0.4; charset=utf-8',
        renderMetrics(ctx),
      );
    case 'index':
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
      return sendText(
        req,
        res,
        200,
        'text/html; charset=utf-8',
        renderLandingPage(ctx.api.streams(), ctx.api.server(), pageHost(req)),
      );
    case 'api-streams':
    case 'api-stream':
    case 'api-server':
      return handleApi(ctx, route, req, res);
  }
}

function pageHost(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return SAFE_HOST.test(host) ? host : 'localhost';
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

export function createHttpApp(ctx: HttpAppContext): HttpApp {
  const log = ctx.logger.child({ component: 'http' });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: WS_MAX_PAYLOAD,
  });
  const server = createHttpServer((req, res) => {
    try {
      dispatch(ctx, routeRequest(req.url), req, res);
    } catch (error) {
      log.error({ err: error, url: req.url?.slice(0, 200) }, 'request handler failed');
      if (!res.headersSent) sendError(req, res, 500, 'internal error');
      else res.destroy();
    }
  });
  server.on('clientError', (error, socket) => {
    // Malformed HTTP (bad request line, oversized headers): answer 400 if still possible.
    log.debug({ err: error }, 'client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
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
