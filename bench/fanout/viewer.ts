/**
 * One FLV viewer (HTTP-FLV or WS-FLV) in the load generator: counts bytes and tracks how far
 * it lags behind the stream. Lag = (now - timestamp of the newest tag) - the smallest
 * (arrival - timestamp) this viewer ever saw, i.e. how much later than its own best the
 * stream is arriving now; it keeps growing while nothing arrives, so a stalled viewer shows.
 *
 * Both protocols run over a bare net.Socket (HTTP GET or WebSocket upgrade, then
 * http-response-reader and ws-frame-reader) that reads into one buffer shared by every viewer
 * of the process: node:http's and ws's per-response streams, per-message objects and per-read
 * Buffers cost more than the server being measured once there are 1,000 viewers.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FlvTagScanner } from './flv-tag-scanner.js';
import { HttpResponseReader } from './http-response-reader.js';
import type { HttpResponseHead } from './http-response-reader.js';
import type { ViewerProtocol } from './ipc-messages.js';
import { WS_OP, WsFrameReader, wsClientFrame, wsUpgradeRequest } from './ws-frame-reader.js';

const AUDIO_TAG = 8;
const VIDEO_TAG = 9;

/**
 * Every HTTP viewer's socket reads into this (net `onread`): each read is scanned at once and
 * nothing keeps a reference, so one buffer serves all and reads allocate nothing.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Viewer {
  bytes = 0;
  failed: string | null = null;
  private readonly scanner = new FlvTagScanner();
  private newestTs = -1;
  private bestOffset = Number.POSITIVE_INFINITY;
  private socket: Socket | null = null;
  private onFirstMedia: (() => void) | null;

  constructor(url: string, protocol: ViewerProtocol, onFirstMedia: () => void) {
    this.onFirstMedia = onFirstMedia;
    this.socket = protocol === 'http-flv' ? this.openHttp(url) : this.openWs(url);
  }

  get hasMedia(): boolean {
    return this.newestTs >= 0;
  }

  /** Current lag in ms (see the file comment); null before any media arrived. */
  lag(nowMs: number): number | null {
    if (this.newestTs < 0) return null;
    return Math.max(0, nowMs - this.newestTs - this.bestOffset);
  }

  close(): void {
    this.socket?.destroy();
  }

  private fail(reason: string): void {
    this.failed ??= reason;
    this.settle();
  }

  private settle(): void {
    const callback = this.onFirstMedia;
    this.onFirstMedia = null;
    callback?.();
  }

  private receive(chunk: Uint8Array): void {
    if (this.failed !== null) return;
    this.bytes += chunk.length;
    const now = performance.now();
    try {
      this.scanner.push(chunk, (ts, type) => {
        if (type !== AUDIO_TAG && type !== VIDEO_TAG) return;
        this.newestTs = ts;
        const offset = now - ts;
        if (offset < this.bestOffset) this.bestOffset = offset;
      });
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      this.close();
      return;
    }
    if (this.newestTs >= 0) this.settle();
  }

  /**
   * A socket whose reads go through `reader` (net `onread` into READ_BUFFER). `request` is
   * written once connected; a body that ends (last-chunk, Content-Length) fails as 'ended'.
   */
  private open(url: string, request: (target: URL) => string, reader: HttpResponseReader) {
    const target = new URL(url);
    const socket = connect({
      host: target.hostname,
      port: Number(target.port || 80),
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buffer: Uint8Array): boolean => {
          if (this.failed !== null) return false;
          try {
            reader.push(buffer.subarray(0, n));
          } catch (error) {
            this.fail(error instanceof Error ? error.message : String(error));
            socket.destroy();
            return false;
          }
          if (reader.done) {
            this.fail('ended');
            socket.destroy();
          }
          return this.failed === null;
        },
      },
    });
    socket.on('connect', () => socket.write(request(target)));
    // FIN: the end of a close-delimited body, or a response cut short.
    socket.on('end', () => this.fail(reader.end() ? 'ended' : 'aborted'));
    socket.on('error', (error) => this.fail(error.message));
    socket.on('close', () => this.fail('closed'));
    return socket;
  }

  /** Failure reasons as node:http gave them: 'HTTP 404', 'ended', 'aborted', 'closed'. */
  private openHttp(url: string): Socket {
    const reader = new HttpResponseReader({
      onHead: (head) => this.expectStatus(head, 200, `HTTP ${String(head.status)}`),
      onBody: (bytes) => this.receive(bytes),
    });
    const socket = this.open(
      url,
      (t) =>
        `GET ${t.pathname}${t.search} HTTP/1.1\r\nHost: ${t.host}\r\nConnection: close\r\n\r\n`,
      reader,
    );
    return socket;
  }

  /** Failure reasons as ws gave them: 'Unexpected server response: 404', 'closed'. */
  private openWs(url: string): Socket {
    let expectedAccept = '';
    const frames = new WsFrameReader({
      onBinary: (bytes) => this.receive(bytes),
      onPing: (payload) => socket.write(wsClientFrame(WS_OP.pong, payload)),
      onClose: (code) => {
        // Echo the close (RFC 6455 5.5.1), then let the socket go, as ws does.
        socket.write(wsClientFrame(WS_OP.close, Uint8Array.of(Math.floor(code / 256), code % 256)));
        this.fail('closed');
        socket.destroySoon();
      },
    });
    const reader = new HttpResponseReader({
      onHead: (head) => {
        const why = `Unexpected server response: ${String(head.status)}`;
        if (!this.expectStatus(head, 101, why)) return false;
        if (head.headers.get('sec-websocket-accept') === expectedAccept) return true;
        this.fail('Invalid Sec-WebSocket-Accept header');
        return false;
      },
      onBody: (bytes) => frames.push(bytes),
    });
    const socket = this.open(
      url,
      (t) => {
        const upgrade = wsUpgradeRequest(t.host, `${t.pathname}${t.search}`);
        expectedAccept = upgrade.expectedAccept;
        return upgrade.request;
      },
      reader,
    );
    return socket;
  }

  private expectStatus(head: HttpResponseHead, status: number, why: string): boolean {
    if (head.status === status) return true;
    this.fail(why);
    return false;
  }
}
