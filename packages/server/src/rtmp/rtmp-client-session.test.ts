import { describe, it, expect } from 'vitest';
import { encodeAmf0 } from '@tidecast/media';
import { ChunkReader } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { RtmpClientSession } from './rtmp-client-session.js';
import { RtmpServerHandshake } from './rtmp-handshake.js';
import { decodeUserControl, encodeUserControl, MessageType } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A hand-driven server end: handshake, then raw chunk streams both ways. */
function harness() {
  const client = new RtmpClientSession();
  const handshake = new RtmpServerHandshake();
  const reader = new ChunkReader();
  const writer = new ChunkWriter();
  const hs = handshake.receive(concat(client.takeOutput()));
  expect(client.receive(concat(hs.output))).toEqual([]);
  const up = (): RtmpMessage[] => {
    const bytes = concat(client.takeOutput());
    const r = handshake.receive(bytes);
    return reader.push(r.rest);
  };
  const down = (csid: number, m: RtmpMessage) => client.receive(writer.write(csid, m));
  return { client, up, down };
}

describe('RtmpClientSession', () => {
  it('holds commands until the handshake ends, then sends SetChunkSize 4096 first', () => {
    const client = new RtmpClientSession();
    client.connect('live', 'rtmp://h/live');
    const c0c1 = concat(client.takeOutput());
    expect(c0c1.length).toBe(1537);
    const handshake = new RtmpServerHandshake();
    client.receive(concat(handshake.receive(c0c1).output));
    const r = handshake.receive(concat(client.takeOutput()));
    expect(r.done).toBe(true);
    const messages = new ChunkReader().push(r.rest);
    expect(messages.map((m) => m.typeId)).toEqual([
      MessageType.SetChunkSize,
      MessageType.CommandAMF0,
    ]);
    expect([...(messages[0]?.payload ?? [])]).toEqual([0, 0, 0x10, 0]);
    const connect = messages[1]?.payload ?? new Uint8Array(0);
    expect(connect.subarray(0, 10)).toEqual(encodeAmf0('connect').subarray(0, 10));
  });

  it('answers ping requests and reports user control events', () => {
    const { client, up, down } = harness();
    up();
    const events = down(2, {
      typeId: MessageType.UserControl,
      streamId: 0,
      timestamp: 0,
      payload: encodeUserControl({ kind: 'ping-request', timestamp: 99 }),
    });
    expect(events).toEqual([
      { type: 'user-control', event: { kind: 'ping-request', timestamp: 99 } },
    ]);
    const sent = up();
    expect(sent.map((m) => decodeUserControl(m.payload))).toEqual([
      { kind: 'ping-response', timestamp: 99 },
    ]);
    expect(client.streamId).toBe(0);
  });

  it('reports connect failure as a failed result and wraps media timestamps to 32 bits', () => {
    const { client, up, down } = harness();
    const txn = client.connect('live', 'rtmp://h/live');
    up();
    const events = down(3, {
      typeId: 20,
      streamId: 0,
      timestamp: 0,
      payload: encodeAmf0('_error', txn, null, {
        level: 'error',
        code: 'NetConnection.Connect.Rejected',
      }),
    });
    expect(events).toMatchObject([{ type: 'result', ok: false, transactionId: txn }]);
    client.sendMedia(MessageType.Video, 2 ** 32 + 5, Uint8Array.of(0x17));
    const [video] = up();
    expect([video?.typeId, video?.timestamp]).toEqual([9, 5]);
  });

  it('emits one error event for a malformed server message and goes quiet', () => {
    const { client, down } = harness();
    const events = down(3, {
      typeId: 20,
      streamId: 0,
      timestamp: 0,
      payload: Uint8Array.of(2, 0, 40),
    });
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(client.takeOutput()).toEqual([]);
    expect(client.receive(Uint8Array.of(1))).toEqual([]);
  });
});
