/**
 * A lean, incremental WebSocket frame reader for the load generator's WS-FLV viewers (RFC 6455
 * 5.2): binary message payloads are handed on as views of the input, frame by frame (the FLV
 * scanner does not need whole messages); text payloads are skipped; ping and close are
 * reported. Server frames must not be masked (5.1). Throws Error on bad framing.
 */
import { createHash, randomBytes } from 'node:crypto';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** Longest payload accepted (a live FLV message is far smaller; guards the arithmetic). */
const MAX_PAYLOAD = 2 ** 40;
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface WsFrameHandlers {
  onBinary(bytes: Uint8Array): void;
  onPing(payload: Uint8Array): void;
  /** A close frame arrived (status code, or 1005 when it carried none). */
  onClose(code: number): void;
}

export class WsFrameReader {
  private readonly header = new Uint8Array(14);
  private headerFill = 0;
  private remaining = 0;
  private opcode = 0;
  /** Opcode of the message a continuation frame belongs to. */
  private messageOpcode = 0;
  private control: number[] = [];
  /** Between a frame header and the end of its payload. */
  private inPayload = false;

  constructor(private readonly handlers: WsFrameHandlers) {}

  push(bytes: Uint8Array): void {
    let pos = 0;
    while (pos < bytes.length) {
      if (!this.inPayload) {
        pos = this.readHeader(bytes, pos);
        continue;
      }
      const n = Math.min(this.remaining, bytes.length - pos);
      this.payload(bytes.subarray(pos, pos + n));
      this.remaining -= n;
      pos += n;
      if (this.remaining === 0) this.endFrame();
    }
  }

  /** Fills the 2-14 byte frame header; returns the new position. */
  private readHeader(bytes: Uint8Array, pos: number): number {
    while (pos < bytes.length) {
      this.header[this.headerFill++] = bytes[pos++] ?? 0;
      const need = this.headerLength();
      if (need > 0 && this.headerFill === need) {
        this.startFrame();
        return pos;
      }
    }
    return pos;
  }

  /** Header length once known (0 while the first two bytes are still missing). */
  private headerLength(): number {
    if (this.headerFill < 2) return 0;
    const b1 = this.header[1] ?? 0;
    if ((b1 & 0x80) !== 0) throw new Error('masked frame from the server');
    const len7 = b1 & 0x7f;
    return len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
  }

  private startFrame(): void {
    const h = this.header;
    this.opcode = (h[0] ?? 0) & 0x0f;
    const len7 = (h[1] ?? 0) & 0x7f;
    let length = len7;
    if (len7 === 126) length = (h[2] ?? 0) * 256 + (h[3] ?? 0);
    if (len7 === 127) {
      length = 0;
      for (let i = 2; i < 10; i++) length = length * 256 + (h[i] ?? 0);
    }
    if (length > MAX_PAYLOAD) throw new Error('frame too large');
    this.headerFill = 0;
    if (this.opcode >= OP_CLOSE) {
      if (length > 125) throw new Error('control frame over 125 bytes');
      this.control = [];
    } else if (this.opcode === OP_TEXT || this.opcode === OP_BINARY) {
      this.messageOpcode = this.opcode;
    } else if (this.opcode !== OP_CONTINUATION) {
      throw new Error(`reserved opcode ${String(this.opcode)}`);
    }
    this.remaining = length;
    this.inPayload = length > 0;
    if (length === 0) this.endFrame();
  }

  private payload(bytes: Uint8Array): void {
    if (this.opcode >= OP_CLOSE) {
      for (const b of bytes) this.control.push(b);
    } else if (this.messageOpcode === OP_BINARY) {
      this.handlers.onBinary(bytes);
    }
  }

  private endFrame(): void {
    this.inPayload = false;
    if (this.opcode === OP_PING) this.handlers.onPing(Uint8Array.from(this.control));
    if (this.opcode === OP_CLOSE) {
      const [hi, lo] = this.control;
      this.handlers.onClose(hi === undefined || lo === undefined ? 1005 : hi * 256 + lo);
    }
  }
}

/** The opening handshake request (RFC 6455 4.1) and the accept value its answer must carry. */
export function wsUpgradeRequest(
  host: string,
  path: string,
): { request: string; expectedAccept: string } {
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  return { request, expectedAccept };
}

/** A masked client frame (5.3): clients must mask everything they send. */
export function wsClientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 125) throw new Error('only short control frames are sent');
  const mask = randomBytes(4);
  const frame = new Uint8Array(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  frame.set(mask, 2);
  payload.forEach((b, i) => (frame[6 + i] = b ^ (mask[i % 4] ?? 0)));
  return frame;
}

export const WS_OP = { pong: OP_PONG, close: OP_CLOSE } as const;
