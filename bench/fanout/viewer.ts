/**
 * One FLV viewer (HTTP-FLV or WS-FLV) in the load generator: counts bytes and tracks how far
 * it lags behind the stream. Lag = (now - timestamp of the newest tag) - the smallest
 * (arrival - timestamp) this viewer ever saw, i.e. how much later than its own best the
 * stream is arriving now; it keeps growing while nothing arrives, so a stalled viewer shows.
 */
import { get } from 'node:http';
import type { ClientRequest } from 'node:http';
import WebSocket from 'ws';
import { FlvTagScanner } from './flv-tag-scanner.js';
import type { ViewerProtocol } from './ipc-messages.js';

const AUDIO_TAG = 8;
const VIDEO_TAG = 9;

export class Viewer {
  bytes = 0;
  failed: string | null = null;
  private readonly scanner = new FlvTagScanner();
  private newestTs = -1;
  private bestOffset = Number.POSITIVE_INFINITY;
  private request: ClientRequest | null = null;
  private socket: WebSocket | null = null;
  private onFirstMedia: (() => void) | null;

  constructor(url: string, protocol: ViewerProtocol, onFirstMedia: () => void) {
    this.onFirstMedia = onFirstMedia;
    if (protocol === 'http-flv') this.openHttp(url);
    else this.openWs(url);
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
    this.request?.destroy();
    this.socket?.terminate();
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

  private openHttp(url: string): void {
    const request = get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        this.fail(`HTTP ${String(res.statusCode)}`);
        res.resume();
        return;
      }
      res.on('data', (chunk: Buffer) => this.receive(chunk));
      res.on('end', () => this.fail('ended'));
      res.on('error', (error) => this.fail(error.message));
    });
    request.on('error', (error) => this.fail(error.message));
    request.on('close', () => this.fail('closed'));
    this.request = request;
  }

  private openWs(url: string): void {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      if (Buffer.isBuffer(data)) this.receive(data);
      else if (Array.isArray(data)) for (const part of data) this.receive(part);
      else this.receive(new Uint8Array(data));
    });
    socket.on('error', (error) => this.fail(error.message));
    socket.on('close', () => this.fail('closed'));
    this.socket = socket;
  }
}
