/**
 * Wire framings the viewer sinks write themselves, so that one framed copy of a turn's bytes
 * can be shared by every viewer of a protocol instead of each connection framing its own.
 */
import type { WireFraming } from '../hub/stream-output.js';

const CRLF = new Uint8Array([0x0d, 0x0a]);

/** `SIZE-IN-HEX CRLF` (RFC 9112 7.1). */
export function httpChunkHeader(length: number): Uint8Array {
  const text = `${length.toString(16)}\r\n`;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The last-chunk and the empty trailer section that end a chunked body (RFC 9112 7.1). */
export const HTTP_LAST_CHUNK = new Uint8Array([0x30, 0x0d, 0x0a, 0x0d, 0x0a]);

/** HTTP/1.1 chunked transfer coding: one chunk per payload (never empty: that would end it). */
export const httpChunked: WireFraming & {
  header(length: number): Uint8Array;
  trailer: Uint8Array;
} = {
  header: httpChunkHeader,
  trailer: CRLF,
  frame(payload) {
    const header = httpChunkHeader(payload.length);
    const out = new Uint8Array(header.length + payload.length + CRLF.length);
    out.set(header, 0);
    out.set(payload, header.length);
    out.set(CRLF, header.length + payload.length);
    return out;
  },
};

/**
 * Header of one unmasked, final binary WebSocket frame (RFC 6455 5.2: FIN + opcode 2; a server
 * never masks, so the frame is the same for every client).
 */
export function webSocketBinaryHeader(length: number): Uint8Array {
  if (length < 126) return new Uint8Array([0x82, length]);
  if (length < 0x10000) return new Uint8Array([0x82, 126, length >>> 8, length & 0xff]);
  const header = new Uint8Array(10);
  header[0] = 0x82;
  header[1] = 127;
  // 64-bit length; payloads here are far below 2^53, so the arithmetic split is exact.
  const high = Math.floor(length / 0x1_0000_0000);
  new DataView(header.buffer).setUint32(2, high);
  new DataView(header.buffer).setUint32(6, length >>> 0);
  return header;
}

/** One binary WebSocket message per payload. */
export const webSocketBinary: WireFraming & { header(length: number): Uint8Array } = {
  header: webSocketBinaryHeader,
  frame(payload) {
    const header = webSocketBinaryHeader(payload.length);
    const out = new Uint8Array(header.length + payload.length);
    out.set(header, 0);
    out.set(payload, header.length);
    return out;
  },
};
