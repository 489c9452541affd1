import { describe, it, expect } from 'vitest';
import { ChunkWriter } from './chunk-writer.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import type { RtmpMessage } from './rtmp-message.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const hello = new TextEncoder().encode('hello');
const msg = (timestamp: number, payload = hello, typeId = 20, streamId = 0): RtmpMessage => ({
  typeId,
  streamId,
  timestamp,
  payload,
});

describe('ChunkWriter header selection (5.3.1.2)', () => {
  it('writes fmt 0, then fmt 2, then fmt 3, then fmt 1 as the header allows', () => {
    const w = new ChunkWriter();
    // fmt 0, csid 3: timestamp 1000, length 5, type 20, stream 0 (little-endian).
    expect(hex(w.write(3, msg(1000)))).toBe('030003e800000514' + '00000000' + hex(hello));
    // Same length/type/stream: fmt 2 with delta 40.
    expect(hex(w.write(3, msg(1040)))).toBe('83000028' + hex(hello));
    // Same delta again: fmt 3 alone.
    expect(hex(w.write(3, msg(1080)))).toBe('c3' + hex(hello));
    // Length change: fmt 1 (delta 40, length 2, type 9).
    expect(hex(w.write(3, msg(1120, Uint8Array.of(1, 2), 9)))).toBe('4300002800000209' + '0102');
    // Time going backwards or a new message stream: fmt 0 again.
    expect(hex(w.write(3, msg(5, Uint8Array.of(1, 2), 9)))).toBe('0300000500000209000000000102');
    expect(hex(w.write(3, msg(6, Uint8Array.of(1, 2), 9, 1)))).toBe('0300000600000209010000000102');
  });

  it('does not use fmt 3 for a new message right after fmt 0', () => {
    const w = new ChunkWriter();
    w.write(4, msg(40));
    // delta 40 equals the fmt 0 timestamp; peers disagree on fmt 3 here, so send fmt 2.
    expect(hex(w.write(4, msg(80)))).toBe('84000028' + hex(hello));
  });

  it('splits at the chunk size with fmt 3 continuations', () => {
    const w = new ChunkWriter({ chunkSize: 128 });
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    const out = w.write(6, msg(0, payload, 9, 1));
    expect(out.length).toBe(12 + 300 + 2);
    expect(hex(out.subarray(0, 12))).toBe('06000000' + '00012c09' + '01000000');
    expect(out[12 + 128]).toBe(0xc6);
    expect(out[12 + 128 + 1 + 128]).toBe(0xc6);
    expect(out.subarray(12, 140)).toEqual(payload.subarray(0, 128));
    expect(out.subarray(out.length - 44)).toEqual(payload.subarray(256));
  });

  it('repeats the extended timestamp on every fmt 3 chunk (5.3.1.3)', () => {
    const w = new ChunkWriter({ chunkSize: 2 });
    const out = w.write(3, msg(0x01000000, Uint8Array.of(1, 2, 3, 4, 5), 8, 1));
    expect(hex(out)).toBe(
      '03ffffff00000508010000000100000001' + '02' + 'c30100000003' + '04' + 'c30100000005',
    );
  });

  it('uses the 2- and 3-byte basic header forms (5.3.1.1)', () => {
    const w = new ChunkWriter({ compress: false });
    expect(hex(w.write(63, msg(0)).subarray(0, 1))).toBe('3f');
    expect(hex(w.write(64, msg(0)).subarray(0, 2))).toBe('0000');
    expect(hex(w.write(319, msg(0)).subarray(0, 2))).toBe('00ff');
    expect(hex(w.write(320, msg(0)).subarray(0, 3))).toBe('010001');
    expect(hex(w.write(65599, msg(0)).subarray(0, 3))).toBe('01ffff');
  });

  it('starts every message with fmt 0 when compression is off', () => {
    const w = new ChunkWriter({ compress: false, chunkSize: 4096 });
    const a = w.write(6, msg(0, hello, 9, 1));
    const b = w.write(6, msg(40, hello, 9, 1));
    expect(a[0]).toBe(0x06);
    expect(hex(b)).toBe('06000028000005090100000068656c6c6f');
  });

  it('writes an empty message as a lone header', () => {
    expect(hex(new ChunkWriter().write(3, msg(0, new Uint8Array(0))))).toBe(
      '030000000000001400000000',
    );
  });

  it('rejects what the wire cannot carry', () => {
    const w = new ChunkWriter();
    expect(() => w.write(1, msg(0))).toThrow(RtmpProtocolError);
    expect(() => w.write(65600, msg(0))).toThrow(RtmpProtocolError);
    expect(() => w.write(3, msg(2 ** 32))).toThrow(RtmpProtocolError);
    expect(() => w.write(3, msg(0, hello, 256))).toThrow(RtmpProtocolError);
    expect(() => w.write(3, msg(0, new Uint8Array(0x1000000)))).toThrow(/24-bit/);
    expect(() => w.setChunkSize(0)).toThrow(RtmpProtocolError);
    expect(() => w.setChunkSize(2 ** 31)).toThrow(RtmpProtocolError);
    w.setChunkSize(0x7fffffff);
    expect(w.chunkSize).toBe(0x7fffffff);
  });

  it('forgets header state on reset', () => {
    const w = new ChunkWriter();
    w.write(3, msg(0));
    w.reset();
    expect(w.write(3, msg(10))[0]).toBe(0x03);
  });
});
