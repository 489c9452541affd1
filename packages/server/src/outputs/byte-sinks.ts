/**
 * ByteSink adapters (hub/stream-output.ts) over the three kinds of viewer connection. The hub's
 * SubscriberQueue decides what to write and when to stop; these only translate `write`,
 * `drain`, cork/uncork and the protocol's goodbye.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ByteSink, CloseReason } from '../hub/stream-output.js';
import { HTTP_LAST_CHUNK, httpChunked, webSocketBinary } from './wire-framing.js';

/** Past this many bytes buffered in a WebSocket (socket + ws sender) it reports "full". */
export const WS_HIGH_WATER = 64 * 1024;

/**
 * A polite goodbye (end) only completes once the peer reads what is still buffered; a viewer
 * that never reads would keep its socket and kernel buffers forever. So: a viewer cut off for
 * being too slow is destroyed at once, any other gets this long to finish reading.
 */
export const CLOSE_LINGER_MS = 5_000;

function finishOrDestroy(socket: Duplex | null, reason: CloseReason, end: () => void): void {
  if (reason === 'too-slow' || socket === null) {
    socket?.destroy();
    return;
  }
  end();
  const timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * A streaming HTTP response body written straight to its socket once the headers are out:
 * `chunked` frames each write as one HTTP chunk (and the shared turn batches come pre-framed),
 * otherwise (HTTP/1.0: `Connection: close`) the bytes go as they are and FIN ends the body.
 * `close` sends the last-chunk. Going around ServerResponse.write saves its per-write work,
 * which dominates when hundreds of viewers get every frame.
 */
export function httpSocketSink(
  socket: Socket,
  chunked: boolean,
  onClose?: (reason: CloseReason) => void,
): ByteSink {
  const open = (): boolean => socket.writable && !socket.destroyed;
  return {
    framing: chunked ? httpChunked : undefined,
    write: (bytes) => {
      if (!open() || bytes.length === 0) return true;
      if (!chunked) return socket.write(bytes);
      socket.write(httpChunked.header(bytes.length));
      socket.write(bytes);
      return socket.write(httpChunked.trailer);
    },
    writeFramed: (wire) => (open() ? socket.write(wire) : true),
    onDrain: (listener) => void socket.on('drain', listener),
    close: (reason) => {
      onClose?.(reason);
      if (!open()) return;
      finishOrDestroy(socket, reason, () => {
        if (chunked) socket.write(HTTP_LAST_CHUNK);
        socket.end();
      });
    },
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  };
}

/**
 * Chunked HTTP response through ServerResponse.write (Node frames each write), for a response
 * that has no socket of its own yet (a request pipelined behind another).
 */
export function responseSink(
  res: ServerResponse,
  onClose?: (reason: CloseReason) => void,
): ByteSink {
  return {
    write: (bytes) => (res.writableEnded || res.destroyed ? true : res.write(bytes)),
    onDrain: (listener) => void res.on('drain', listener),
    close: (reason) => {
      onClose?.(reason);
      if (res.writableEnded || res.destroyed) return;
      finishOrDestroy(res.socket, reason, () => res.end());
    },
    cork: () => res.cork(),
    uncork: () => res.uncork(),
  };
}

/** WebSocket close codes per reason (RFC 6455 7.4.1): 1000 normal, 1001 going away, 1013 try later. */
export function wsCloseCode(reason: CloseReason): number {
  switch (reason) {
    case 'end-of-stream':
      return 1000;
    case 'stream-disposed':
      return 1001;
    case 'too-slow':
      return 1013;
  }
}

/**
 * One binary message per payload, framed here and written to the upgraded socket directly
 * (ws's sender would frame every message for every viewer again). Safe next to ws's own
 * control frames because each side writes whole frames synchronously and per-message
 * compression is off; `close` still goes through ws for the closing handshake.
 */
export function webSocketSink(
  ws: WebSocket,
  socket: Duplex,
  onClose?: (reason: CloseReason) => void,
): ByteSink {
  const roomLeft = (): boolean => socket.writableLength < WS_HIGH_WATER;
  return {
    framing: webSocketBinary,
    write: (bytes) => {
      if (ws.readyState !== ws.OPEN) return true;
      socket.write(webSocketBinary.header(bytes.length));
      socket.write(bytes);
      return roomLeft();
    },
    writeFramed: (wire) => {
      if (ws.readyState !== ws.OPEN) return true;
      socket.write(wire);
      return roomLeft();
    },
    onDrain: (listener) => void socket.on('drain', listener),
    close: (reason) => {
      onClose?.(reason);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
        ws.close(wsCloseCode(reason), reason);
      }
    },
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  };
}

/** Raw socket writes (RTMP play): `goodbye` queues the protocol's end (StreamEOF) first. */
export function socketSink(
  socket: Socket,
  goodbye: (reason: CloseReason) => Uint8Array[],
): ByteSink {
  return {
    write: (bytes) => (socket.writable ? socket.write(bytes) : true),
    onDrain: (listener) => void socket.on('drain', listener),
    close: (reason) => {
      if (!socket.writable) return;
      finishOrDestroy(socket, reason, () => {
        for (const bytes of goodbye(reason)) socket.write(bytes);
        socket.end();
      });
    },
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  };
}
