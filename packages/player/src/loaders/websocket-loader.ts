/** WebSocket streaming (WS-FLV, WS fMP4): each binary message is a run of stream bytes. */
import { PlayerError } from '../errors.js';
import { LoaderOutcome } from './loader-outcome.js';
import type { Loader, LoaderSink } from './loader-types.js';

/** RFC 6455 7.4.1: 1000 normal closure, 1001 going away (server stopping / stream gone). */
const NORMAL_CLOSE_CODES = new Set([1000, 1001]);

export class WebSocketLoader implements Loader {
  private readonly outcome: LoaderOutcome;
  private socket: WebSocket | null = null;

  constructor(
    private readonly url: URL,
    private readonly sink: LoaderSink,
  ) {
    this.outcome = new LoaderOutcome(sink);
  }

  start(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      queueMicrotask(() =>
        this.outcome.fail(
          new PlayerError('NETWORK', `WebSocket ${this.url.href}: ${String(error)}`),
        ),
      );
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (this.outcome.done) return;
      // Text messages are not part of the stream (the server sends none).
      if (event.data instanceof ArrayBuffer && event.data.byteLength > 0) {
        this.sink.onData(new Uint8Array(event.data));
      }
    };
    socket.onclose = (event) => {
      if (NORMAL_CLOSE_CODES.has(event.code)) this.outcome.finish();
      else {
        const reason = event.reason === '' ? '' : ` (${event.reason})`;
        this.outcome.fail(
          new PlayerError('NETWORK', `WebSocket closed with ${String(event.code)}${reason}`),
        );
      }
    };
    // 'error' is always followed by 'close', which carries the code.
    socket.onerror = () => undefined;
    this.socket = socket;
  }

  abort(): void {
    this.outcome.abort();
    const socket = this.socket;
    this.socket = null;
    if (socket === null) return;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
      socket.close(1000);
    }
  }
}
