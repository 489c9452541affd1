import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeAmf0, readAmf0Values, amf0Properties } from '@tidecast/media';
import { MessageType } from './rtmp-message.js';
import { RtmpClientSession } from './rtmp-client-session.js';
import { RtmpServerSession } from './rtmp-session.js';
import { Pair, concat, decodeAll, nth } from './test-support/rtmp-pair.js';

describe('RtmpServerSession connect', () => {
  it('answers connect with window ack size, peer bandwidth, chunk size 4096, _result (bytes)', () => {
    const server = new RtmpServerSession();
    const client = new RtmpClientSession();
    server.receive(concat(client.takeOutput()));
    client.receive(concat(server.takeOutput()));
    client.connect('live', 'rtmp://h/live');
    const events = server.receive(concat(client.takeOutput()));
    expect(events).toEqual([
      { type: 'connect', app: 'live', tcUrl: 'rtmp://h/live', objectEncoding: 0, query: {} },
    ]);
    const reply = concat(server.takeOutput());
    // fmt 0, csid 2, ts 0, length 4, type 5, stream 0, 2500000 (RTMP 5.4.4)
    expect([...reply.subarray(0, 16)]).toEqual([
      0x02, 0, 0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 0x00, 0x26, 0x25, 0xa0,
    ]);
    // fmt 1 on csid 2 (same stream, new length/type): Set Peer Bandwidth 2500000, dynamic
    expect([...reply.subarray(16, 29)]).toEqual([
      0x42, 0, 0, 0, 0, 0, 5, 6, 0x00, 0x26, 0x25, 0xa0, 2,
    ]);
    // Set Chunk Size 4096
    expect([...reply.subarray(29, 41)]).toEqual([0x42, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0x10, 0]);
    // _result: fmt 0 on csid 3, type 20, stream 0
    expect(reply[41]).toBe(0x03);
    expect(reply[48]).toBe(20);
    const messages = decodeAll(reply);
    expect(messages.map((m) => m.typeId)).toEqual([5, 6, 1, 20]);
    const result = nth(messages, 3);
    const [name, txn, props, info] = readAmf0Values(result.payload);
    expect([name, txn]).toEqual(['_result', 1]);
    expect({ ...amf0Properties(props ?? null) }).toEqual({
      fmsVer: 'FMS/3,0,1,123',
      capabilities: 31,
    });
    expect({ ...amf0Properties(info ?? null) }).toEqual({
      level: 'status',
      code: 'NetConnection.Connect.Success',
      description: 'Connection succeeded.',
      objectEncoding: 0,
    });
  });

  it('accepts connect sent as an AMF3 command (type 17, leading 0x00)', () => {
    const p = new Pair(3);
    p.pump();
    const body = encodeAmf0('connect', 1, { app: 'live?token=abc', objectEncoding: 3 });
    p.client.sendMessage({
      typeId: MessageType.CommandAMF3,
      streamId: 0,
      timestamp: 0,
      payload: concat([Uint8Array.of(0), body]),
    });
    p.pump();
    expect(p.serverEvents[0]).toEqual({
      type: 'connect',
      app: 'live',
      tcUrl: '',
      objectEncoding: 3,
      query: { token: 'abc' },
    });
    const connected = p.clientEvents.find((e) => e.type === 'result' || e.type === 'connected');
    expect(connected?.type).toBe('result'); // raw call: client did not track it as connect
    if (connected?.type === 'result') expect(connected.ok).toBe(true);
  });

  it('answers commands before connect and a second connect with _error', () => {
    const p = new Pair(4);
    p.client.createStream();
    p.pump();
    p.connected();
    p.client.connect('again', 'rtmp://h/again');
    p.pump();
    const errors = p.clientEvents.filter((e) => e.type === 'result' && !e.ok);
    expect(errors).toHaveLength(2);
    expect(p.serverTypes()).toEqual(['connect']);
  });
});

describe('RtmpServerSession publish', () => {
  it('publishes through random splits: events, status and media with timestamps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const p = new Pair(seed).connected();
        p.client.publish('cam?key=s3cret');
        p.pump();
        expect(p.serverTypes()).toEqual(['connect', 'publish']);
        expect(p.serverEvents[1]).toEqual({
          type: 'publish',
          streamId: 1,
          app: 'live',
          name: 'cam',
          query: { key: 's3cret' },
          publishType: 'live',
        });
        expect(p.statusCodes()).toEqual(['NetStream.Publish.Start', 'NetStream.Publish.Start']);
        const big = Uint8Array.from({ length: 9000 }, (_, i) => i % 251);
        p.client.sendMetadata({ width: 160, height: 120 });
        p.client.sendMedia(MessageType.Video, 0, big);
        p.client.sendMedia(MessageType.Audio, 23, Uint8Array.of(0xaf, 1, 2));
        p.client.sendMedia(MessageType.Video, 66, big.subarray(5, 300));
        p.pump();
        const media = p.serverEvents.flatMap((e) => (e.type === 'media' ? [e.message] : []));
        expect(media.map((m) => [m.typeId, m.timestamp, m.payload.length])).toEqual([
          [18, 0, nth(media, 0).payload.length],
          [9, 0, 9000],
          [8, 23, 3],
          [9, 66, 295],
        ]);
        expect(readAmf0Values(nth(media, 0).payload)[0]).toBe('onMetaData'); // @setDataFrame gone
        expect(nth(media, 1).payload).toEqual(big);
      }),
      { numRuns: 25 },
    );
  });

  it('rejectPublish sends NetStream.Publish.BadName and drops media', () => {
    const p = new Pair(5, (server, event) => {
      if (event.type === 'publish')
        server.rejectPublish(event.streamId, 'NetStream.Publish.BadName', 'taken');
    }).connected();
    p.client.publish('x');
    p.pump();
    p.client.sendMedia(MessageType.Video, 0, Uint8Array.of(0x17, 0));
    p.pump();
    const bad = p.clientEvents.find((e) => e.type === 'status' && e.streamId === 1);
    expect(bad?.type === 'status' && [bad.info.level, bad.info.code, bad.info.description]).toEqual(
      ['error', 'NetStream.Publish.BadName', 'taken'],
    );
    expect(p.serverTypes()).toEqual(['connect', 'publish']);
  });

  it('extends timestamps across the 32-bit rollover', () => {
    const p = new Pair(6).connected();
    p.client.publish('x');
    p.pump();
    const times = [2 ** 32 - 40, 2 ** 32 - 7, 2 ** 32 + 20, 2 ** 32 + 53, 2 ** 33 + 1];
    for (const t of times) p.client.sendMedia(MessageType.Video, t, Uint8Array.of(0x27, 1));
    p.pump();
    const got = p.serverEvents.flatMap((e) => (e.type === 'media' ? [e.message.timestamp] : []));
    // the jump of 2^32 + 2^32 - 52 ms in the last step is seen modulo 2^32 (as any peer would)
    expect(got).toEqual([2 ** 32 - 40, 2 ** 32 - 7, 2 ** 32 + 20, 2 ** 32 + 53, 2 ** 32 + 1]);
  });

  it('splits aggregate messages into their sub-messages', () => {
    const p = new Pair(7).connected();
    p.client.publish('x');
    p.pump();
    const sub = (type: number, ts: number, body: number[]) => {
      const out = new Uint8Array(11 + body.length + 4);
      out[0] = type;
      out[3] = body.length;
      out[4] = Math.floor(ts / 65536) % 256;
      out[5] = Math.floor(ts / 256) % 256;
      out[6] = ts % 256;
      out.set(body, 11);
      out[11 + body.length + 3] = 11 + body.length;
      return out;
    };
    const payload = concat([sub(9, 1000, [0x17, 1, 2]), sub(8, 1010, [0xaf, 1])]);
    p.client.sendMessage({ typeId: MessageType.Aggregate, streamId: 1, timestamp: 50, payload });
    p.pump();
    const media = p.serverEvents.flatMap((e) => (e.type === 'media' ? [e.message] : []));
    expect(media.map((m) => [m.typeId, m.timestamp, [...m.payload]])).toEqual([
      [9, 50, [0x17, 1, 2]],
      [8, 60, [0xaf, 1]],
    ]);
  });

  it('FCUnpublish, closeStream and deleteStream end a publish once', () => {
    const p = new Pair(8).connected();
    p.client.publish('x');
    p.pump();
    p.client.close('x'); // FCUnpublish + deleteStream
    p.pump();
    expect(p.serverTypes()).toEqual(['connect', 'publish', 'unpublish']);
    expect(p.statusCodes()).toContain('NetStream.Unpublish.Success');

    const q = new Pair(9).connected();
    q.client.publish('y');
    q.pump();
    q.client.call('closeStream', null, [], 1);
    q.client.call('deleteStream', null, [1]);
    q.pump();
    expect(q.serverTypes()).toEqual(['connect', 'publish', 'unpublish']);
  });

  it('close() reports the active publish, then close', () => {
    const p = new Pair(10).connected();
    p.client.publish('x');
    p.pump();
    expect(p.server.close()).toEqual([{ type: 'unpublish', streamId: 1 }, { type: 'close' }]);
    expect(p.server.close()).toEqual([]);
    expect(p.server.receive(Uint8Array.of(1, 2, 3))).toEqual([]);
  });
});
