import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RtmpProtocolError } from './rtmp-errors.js';
import {
  MessageType,
  UserControlEvent,
  controlMessage,
  decodeAbort,
  decodeAcknowledgement,
  decodeSetChunkSize,
  decodeSetPeerBandwidth,
  decodeUserControl,
  decodeWindowAckSize,
  encodeAbort,
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from './rtmp-message.js';
import type { UserControl } from './rtmp-message.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('rtmp-message constants', () => {
  it('uses the spec type ids (5.4, 6.2, 7.1)', () => {
    expect(MessageType).toMatchObject({
      SetChunkSize: 1,
      Abort: 2,
      Acknowledgement: 3,
      UserControl: 4,
      WindowAckSize: 5,
      SetPeerBandwidth: 6,
      Audio: 8,
      Video: 9,
      DataAMF3: 15,
      CommandAMF3: 17,
      DataAMF0: 18,
      CommandAMF0: 20,
      Aggregate: 22,
    });
    expect(UserControlEvent).toEqual({
      StreamBegin: 0,
      StreamEOF: 1,
      StreamDry: 2,
      SetBufferLength: 3,
      StreamIsRecorded: 4,
      PingRequest: 6,
      PingResponse: 7,
    });
  });
});

describe('protocol control payloads (5.4)', () => {
  it('encodes byte-exact big-endian fields', () => {
    expect(hex(encodeSetChunkSize(4096))).toBe('00001000');
    expect(hex(encodeSetChunkSize(0x7fffffff))).toBe('7fffffff');
    expect(hex(encodeAbort(3))).toBe('00000003');
    expect(hex(encodeAcknowledgement(0xfffffffe))).toBe('fffffffe');
    expect(hex(encodeWindowAckSize(2500000))).toBe('002625a0');
    expect(hex(encodeSetPeerBandwidth(2500000, 2))).toBe('002625a002');
  });

  it('decodes what it encodes', () => {
    expect(decodeSetChunkSize(encodeSetChunkSize(60000))).toBe(60000);
    expect(decodeAbort(encodeAbort(65599))).toBe(65599);
    expect(decodeAcknowledgement(encodeAcknowledgement(123456789))).toBe(123456789);
    expect(decodeWindowAckSize(encodeWindowAckSize(5000000))).toBe(5000000);
    expect(decodeSetPeerBandwidth(encodeSetPeerBandwidth(1000, 1))).toEqual({
      windowSize: 1000,
      limitType: 1,
    });
  });

  it('returns a Set Chunk Size with the top bit set as sent (the reader rejects it)', () => {
    expect(decodeSetChunkSize(Uint8Array.of(0x80, 0, 0, 1))).toBe(0x80000001);
  });

  it('rejects short payloads and bad values', () => {
    for (const decode of [decodeSetChunkSize, decodeAbort, decodeAcknowledgement]) {
      expect(() => decode(Uint8Array.of(0, 0, 1))).toThrow(RtmpProtocolError);
    }
    expect(() => decodeSetPeerBandwidth(Uint8Array.of(0, 0, 0, 1))).toThrow(RtmpProtocolError);
    expect(() => decodeSetPeerBandwidth(Uint8Array.of(0, 0, 0, 1, 3))).toThrow(/limit type 3/);
    expect(() => encodeSetChunkSize(0)).toThrow(RtmpProtocolError);
    expect(() => encodeSetChunkSize(0x80000000)).toThrow(RtmpProtocolError);
    expect(() => encodeWindowAckSize(-1)).toThrow(RtmpProtocolError);
    expect(() => encodeAbort(2 ** 32)).toThrow(RtmpProtocolError);
  });

  it('builds control messages on message stream 0', () => {
    expect(controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(4096))).toEqual({
      typeId: 1,
      streamId: 0,
      timestamp: 0,
      payload: Uint8Array.of(0, 0, 0x10, 0),
    });
  });
});

describe('user control events (6.2, 7.1.7)', () => {
  const vectors: [UserControl, string][] = [
    [{ kind: 'stream-begin', streamId: 1 }, '000000000001'],
    [{ kind: 'stream-eof', streamId: 1 }, '000100000001'],
    [{ kind: 'stream-dry', streamId: 2 }, '000200000002'],
    [{ kind: 'set-buffer-length', streamId: 1, bufferMs: 3000 }, '00030000000100000bb8'],
    [{ kind: 'stream-is-recorded', streamId: 1 }, '000400000001'],
    [{ kind: 'ping-request', timestamp: 0xdeadbeef }, '0006deadbeef'],
    [{ kind: 'ping-response', timestamp: 5 }, '000700000005'],
    [{ kind: 'unknown', eventType: 0x1f, data: Uint8Array.of(1, 2) }, '001f0102'],
  ];
  it.each(vectors)('%o <-> %s', (event, bytes) => {
    expect(hex(encodeUserControl(event))).toBe(bytes);
    expect(decodeUserControl(Uint8Array.from(Buffer.from(bytes, 'hex')))).toEqual(event);
  });

  it('rejects truncated event data', () => {
    expect(() => decodeUserControl(Uint8Array.of(0))).toThrow(RtmpProtocolError);
    expect(() => decodeUserControl(Uint8Array.of(0, 0, 0, 0, 1))).toThrow(RtmpProtocolError);
    expect(() => decodeUserControl(Uint8Array.of(0, 3, 0, 0, 0, 1))).toThrow(RtmpProtocolError);
    expect(() => decodeUserControl(Uint8Array.of(0, 6, 0))).toThrow(RtmpProtocolError);
  });

  it('decodes any bytes to an event or an RtmpProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        try {
          const event = decodeUserControl(bytes);
          if (event.kind !== 'unknown')
            expect(encodeUserControl(event)).toEqual(
              bytes.subarray(0, encodeUserControl(event).length),
            );
        } catch (e) {
          expect(e).toBeInstanceOf(RtmpProtocolError);
        }
      }),
    );
  });
});
