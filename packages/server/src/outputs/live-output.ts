/**
 * Shared viewer glue for the HTTP and WebSocket outputs (FLV and fMP4 differ only in the
 * protocol name and the content type): look the stream up, wrap the connection in a ByteSink,
 * subscribe it to the stream, and unsubscribe when either side goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { ByteSink, CloseReason, OutputProtocol, StreamOutput } from '../hub/stream-output.js';
import { CORS_HEADERS, sendError } from '../http/http-respond.js';
import { httpSocketSink, responseSink, webSocketSink } from './byte-sinks.js';

/** The part of a live stream the outputs use (hub/live-stream.ts LiveStream fits). */
export interface ViewableStream {
  subscribe(output: StreamOutput): { unsubscribe(): void };
}

/** Finds live streams by `app/stream` key. */
export interface ViewerDirectory {
  find(key: string): ViewableStream | undefined;
}

export interface ViewerContext {
  directory: ViewerDirectory;
  logger: Logger;
  /** Every connected viewer, so a stopping server can end them all. */
  viewers: ViewerSet;
}

/** Live viewers of one server, by output; `closeAll` is the graceful-stop path. */
export class ViewerSet {
  private readonly active = new Map<StreamOutput, { unsubscribe(): void }>();
  private nextId = 1;

  newId(protocol: OutputProtocol): string {
    return `${protocol}-${this.nextId++}`;
  }

  add(output: StreamOutput, stream: ViewableStream): void {
    // Registered first: subscribe may already close the viewer (stream just ended).
    const pending = { unsubscribe: () => undefined };
    this.active.set(output, pending);
    const subscription = stream.subscribe(output);
    if (this.active.get(output) === pending) this.active.set(output, subscription);
  }

  /** The viewer left by itself (socket closed): stop the hub sending. Idempotent. */
  remove(output: StreamOutput): void {
    const subscription = this.active.get(output);
    if (subscription === undefined) return;
    this.active.delete(output);
    subscription.unsubscribe();
  }

  /** The hub closed the viewer (its sink.close ran): just forget it. */
  forget(output: StreamOutput): void {
    this.active.delete(output);
  }

  get size(): number {
    return this.active.size;
  }

  /** Ends every viewer with `reason` (sinks send their protocol goodbye). */
  closeAll(reason: CloseReason): void {
    for (const output of [...this.active.keys()]) {
      this.remove(output);
      output.sink.close(reason);
    }
  }
}

export interface OutputSpec {
  http: OutputProtocol;
  ws: OutputProtocol;
  contentType: string;
}

function notFound(req: IncomingMessage, res: ServerResponse, key: string): void {
  sendError(req, res, 404, 'stream not found (nothing is publishing it)', { stream: key });
}

/** `GET|HEAD /APP/STREAM.ext`: a chunked response that lasts as long as the viewer does. */
export function serveHttpViewer(
  ctx: ViewerContext,
  spec: OutputSpec,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const stream = ctx.directory.find(key);
  if (stream === undefined) return notFound(req, res, key);
  // HTTP/1.0 has no chunked coding (RFC 9112 7.1): its body ends when the connection does.
  const chunked = req.httpVersion !== '1.0';
  const headers = {
    ...CORS_HEADERS,
    'Content-Type': spec.contentType,
    'Cache-Control': 'no-cache, no-store',
    ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { Connection: 'close' }),
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  req.socket.setNoDelay(true);
  res.writeHead(200, headers);
  res.flushHeaders();
  const forget = (): void => ctx.viewers.forget(output);
  // Once the headers are on the socket the body bytes go there directly (see httpSocketSink).
  const sink: ByteSink =
    res.socket !== null && res.headersSent
      ? httpSocketSink(res.socket, chunked, forget)
      : responseSink(res, forget);
  const output: StreamOutput = { protocol: spec.http, id: ctx.viewers.newId(spec.http), sink };
  const log = ctx.logger.child({ viewer: output.id, stream: key });
  res.on('close', () => {
    ctx.viewers.remove(output);
    log.info('viewer left');
  });
  log.info({ remote: req.socket.remoteAddress }, 'viewer joined');
  ctx.viewers.add(output, stream);
}

/** WebSocket viewer (already upgraded): one binary message per serialized chunk. */
export function serveWsViewer(
  ctx: ViewerContext,
  spec: OutputSpec,
  key: string,
  ws: WebSocket,
  socket: Duplex,
): void {
  const stream = ctx.directory.find(key);
  if (stream === undefined) {
    // The stream vanished between the upgrade check and now.
    ws.close(1011, 'stream not found');
    return;
  }
  const sink = webSocketSink(ws, socket, () => ctx.viewers.forget(output));
  const output: StreamOutput = { protocol: spec.ws, id: ctx.viewers.newId(spec.ws), sink };
  const log = ctx.logger.child({ viewer: output.id, stream: key });
  ws.on('close', () => {
    ctx.viewers.remove(output);
    log.info('viewer left');
  });
  ws.on('error', (error) => log.debug({ err: error }, 'websocket error'));
  // Viewers only receive; anything they send is ignored (bounded by maxPayload).
  log.info('viewer joined');
  ctx.viewers.add(output, stream);
}
