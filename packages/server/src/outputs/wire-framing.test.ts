import { describe, expect, it } from 'vitest';
import { HTTP_LAST_CHUNK, httpChunked, webSocketBinary } from './wire-framing.js';

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

describe('wire framing', () => {
  it('frames an HTTP chunk as hex size, CRLF, data, CRLF (RFC 9112 7.1)', () => {
    const payload = new Uint8Array(300).fill(7);
    const framed = httpChunked.frame(payload);
    expect(ascii(framed.subarray(0, 5))).toBe('12c\r\n');
    expect(framed.subarray(5, 305)).toEqual(payload);
    expect(ascii(framed.subarray(305))).toBe('\r\n');
    expect(ascii(HTTP_LAST_CHUNK)).toBe('0\r\n\r\n');
    expect(ascii(httpChunked.header(0x10000))).toBe('10000\r\n');
  });

  it('uses the 7-bit, 16-bit and 64-bit WebSocket payload lengths at their limits (RFC 6455 5.2)', () => {
    expect([...webSocketBinary.header(0)]).toEqual([0x82, 0]);
    expect([...webSocketBinary.header(125)]).toEqual([0x82, 125]);
    expect([...webSocketBinary.header(126)]).toEqual([0x82, 126, 0, 126]);
    expect([...webSocketBinary.header(65535)]).toEqual([0x82, 126, 0xff, 0xff]);
    expect([...webSocketBinary.header(65536)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect([...webSocketBinary.header(2 ** 32 + 5)]).toEqual([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5]);
    const payload = new Uint8Array(200).fill(1);
    const framed = webSocketBinary.frame(payload);
    expect(framed.length).toBe(204);
    expect(framed.subarray(4)).toEqual(payload);
  });
});
