/**
 * Hand-made RTMP chunk bytes (Adobe RTMP spec 1.0, 5.3.1) for hostile tests: messages that
 * declare one length and deliver less, and seeded noise.
 */
import { rng } from '../../packages/server/src/rtmp/test-support/rtmp-pair.js';

export interface MessageHeader {
  timestamp: number;
  /** Declared message length (24 bits). */
  length: number;
  typeId: number;
  streamId: number;
}

/** A type 0 chunk header on chunk stream `csid` (2..63, one-byte basic header). */
export function chunkHeader0(csid: number, h: MessageHeader): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  out[0] = csid; // fmt 0 in the top two bits
  view.setUint16(1, Math.floor(h.timestamp / 256) % 65536);
  out[3] = h.timestamp % 256;
  view.setUint16(4, Math.floor(h.length / 256));
  out[6] = h.length % 256;
  out[7] = h.typeId;
  view.setUint32(8, h.streamId, true); // message stream id is little-endian (5.3.1.2.1)
  return out;
}

/**
 * The first `sendBytes` payload bytes of a message declared with `h.length`, chunked at
 * `chunkSize` (type 3 continuation headers); stops wherever `sendBytes` ends, mid-chunk too.
 */
export function partialMessage(
  csid: number,
  h: MessageHeader,
  payload: Uint8Array,
  chunkSize: number,
  sendBytes: number,
): Uint8Array {
  const parts: Uint8Array[] = [chunkHeader0(csid, h)];
  let sent = 0;
  while (sent < sendBytes) {
    if (sent > 0) parts.push(Uint8Array.of(0xc0 + csid));
    const n = Math.min(chunkSize, sendBytes - sent);
    const piece = new Uint8Array(n);
    piece.set(payload.subarray(sent, sent + n));
    parts.push(piece);
    sent += n;
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `n` seeded pseudo-random bytes (reproducible from the seed). */
export function noise(seed: number, n: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}
