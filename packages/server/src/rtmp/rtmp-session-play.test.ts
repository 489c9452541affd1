import { describe, it, expect } from 'vitest';
import { readAmf0Values, amf0Properties } from '@tidecast/media';
import { ChunkWriter } from './chunk-writer.js';
import { MessageType } from './rtmp-message.js';
import { RTMP_PLAY_STREAM_ID, RtmpServerSession } from './rtmp-session.js';
import { Pair, concat, decodeAll, nth } from './test-support/rtmp-pair.js';

describe('RtmpServerSession play', () => {
  it('acceptPlay: StreamBegin, Play.Reset, Play.Start, |RtmpSampleAccess, then raw media', () => {
    const p = new Pair(11).connected();
    p.client.play('cam?t=1');
    p.pump();
    expect(p.serverEvents[1]).toEqual({
      type: 'play',
      streamId: 1,
      app: 'live',
      name: 'cam',
      query: { t: '1' },
      start: -2,
      duration: -1,
      reset: true,
    });
    expect(
      p.clientEvents.some((e) => e.type === 'user-control' && e.event.kind === 'stream-begin'),
    ).toBe(true);
    expect(p.statusCodes()).toEqual(['NetStream.Play.Reset', 'NetStream.Play.Start']);
    const access = p.clientEvents.find((e) => e.type === 'media');
    expect(access?.type === 'media' && readAmf0Values(access.message.payload)).toEqual([
      '|RtmpSampleAccess',
      true,
      true,
    ]);
    // What hub/rtmp-packager does: fmt 0 per message, chunk size 4096, stream id 1.
    const packager = new ChunkWriter({ chunkSize: 4096, compress: false });
    const frame = Uint8Array.from({ length: 10000 }, (_, i) => i % 7);
    p.server.writeRaw(
      packager.write(6, {
        typeId: 9,
        streamId: RTMP_PLAY_STREAM_ID,
        timestamp: 40,
        payload: frame,
      }),
    );
    p.server.writeRaw(
      packager.write(4, { typeId: 8, streamId: 1, timestamp: 41, payload: Uint8Array.of(0xaf, 1) }),
    );
    p.pump();
    const media = p.clientEvents.flatMap((e) => (e.type === 'media' ? [e.message] : []));
    expect(
      media.slice(1).map((m) => [m.typeId, m.streamId, m.timestamp, m.payload.length]),
    ).toEqual([
      [9, 1, 40, 10000],
      [8, 1, 41, 2],
    ]);
  });

  it('rejectPlay sends the error status; pause and unpause confirm; deleteStream stops play', () => {
    const r = new Pair(12, (server, event) => {
      if (event.type === 'play')
        server.rejectPlay(event.streamId, 'NetStream.Play.StreamNotFound', 'no');
    }).connected();
    r.client.play('none');
    r.pump();
    expect(r.statusCodes()).toEqual(['NetStream.Play.StreamNotFound']);

    const p = new Pair(13).connected();
    p.client.play('cam');
    p.pump();
    p.client.call('pause', null, [true, 1234], 1);
    p.client.call('pause', null, [false, 1234], 1);
    p.client.call('play', null, ['again'], 1); // already playing: refused, not a disconnect
    p.client.call('deleteStream', null, [1]);
    p.pump();
    expect(p.serverEvents.slice(2)).toEqual([
      { type: 'pause', streamId: 1, paused: true, timeMs: 1234 },
      { type: 'pause', streamId: 1, paused: false, timeMs: 1234 },
      { type: 'stop-play', streamId: 1 },
    ]);
    expect(p.statusCodes().slice(2)).toEqual([
      'NetStream.Pause.Notify',
      'NetStream.Unpause.Notify',
    ]);
    expect(p.clientEvents.filter((e) => e.type === 'result' && !e.ok)).toHaveLength(1);
  });

  it('sendStreamEof sends UnpublishNotify and StreamEOF', () => {
    const p = new Pair(14).connected();
    p.client.play('cam');
    p.pump();
    expect(p.server.sendStreamEof(1)).toBe(true);
    expect(p.server.sendStreamEof(2)).toBe(false);
    p.pump();
    expect(p.statusCodes().at(-1)).toBe('NetStream.Play.UnpublishNotify');
    const last = p.clientEvents.at(-1);
    expect(last?.type === 'user-control' && last.event).toEqual({
      kind: 'stream-eof',
      streamId: 1,
    });
  });
});

describe('RtmpServerSession other commands and control', () => {
  it('answers releaseStream, getStreamLength; unknown commands get _error and the session goes on', () => {
    const p = new Pair(15).connected();
    const release = p.client.call('releaseStream', null, ['x']);
    const length = p.client.call('getStreamLength', null, ['x']);
    const unknown = p.client.call('fooBar', null, [1, 'two']);
    p.pump();
    const results = p.clientEvents.flatMap((e) => (e.type === 'result' ? [e] : []));
    expect(results.map((r) => [r.transactionId, r.ok])).toEqual([
      [release, true],
      [length, true],
      [unknown, false],
    ]);
    expect(nth(results, 1).command.args).toEqual([0]);
    const info = amf0Properties(nth(results, 2).command.args[0] ?? null);
    expect(info?.['code']).toBe('NetConnection.Call.Failed');
    expect(info?.['level']).toBe('error');
    p.client.createStream();
    p.pump();
    expect(p.clientEvents.at(-1)).toMatchObject({ type: 'stream-created', streamId: 1 });
  });

  it('answers FCSubscribe / FCUnsubscribe (librtmp live play) with onFCSubscribe / onFCUnsubscribe', () => {
    const p = new Pair(16).connected();
    p.client.call('FCSubscribe', null, ['cam']);
    p.client.call('FCUnsubscribe', null, ['cam']);
    p.pump();
    const replies = p.clientEvents.flatMap((e) =>
      e.type === 'status' || e.type === 'result' ? [e] : [],
    );
    expect(
      replies.map((e) =>
        e.type === 'status' ? [e.command, e.streamId, e.info.code, e.info.description] : e,
      ),
    ).toEqual([
      ['onFCSubscribe', 0, 'NetStream.Play.Start', 'cam'],
      ['onFCUnsubscribe', 0, 'NetStream.Play.Stop', 'cam'],
    ]);
  });

  it('caps createStream per connection', () => {
    const p = new Pair(16).connected();
    for (let i = 0; i < 9; i++) p.client.createStream();
    p.pump();
    expect(p.clientEvents.filter((e) => e.type === 'stream-created')).toHaveLength(8);
    expect(p.clientEvents.filter((e) => e.type === 'result' && !e.ok)).toHaveLength(1);
  });

  it('answers a ping request and acknowledges per window', () => {
    const p = new Pair(17).connected();
    p.client.publish('x');
    p.pump();
    p.client.sendUserControl({ kind: 'ping-request', timestamp: 777 });
    p.client.sendMessage(
      { typeId: 5, streamId: 0, timestamp: 0, payload: Uint8Array.of(0, 0, 0x10, 0) },
      2,
    );
    p.pump();
    p.client.sendMedia(MessageType.Video, 0, new Uint8Array(5000));
    const wire = concat(p.client.takeOutput());
    p.server.receive(wire);
    const acks = decodeAll(concat(p.server.takeOutput()), 4096).filter((m) => m.typeId === 3);
    expect(acks).toHaveLength(1);
    const seq = new DataView(
      nth(acks, 0).payload.buffer,
      nth(acks, 0).payload.byteOffset,
    ).getUint32(0);
    expect(seq).toBeGreaterThan(3073 + 5000); // handshake + everything so far
    const pong = p.clientEvents.find(
      (e) => e.type === 'user-control' && e.event.kind === 'ping-response',
    );
    expect(pong?.type === 'user-control' && pong.event).toEqual({
      kind: 'ping-response',
      timestamp: 777,
    });
  });

  it('turns malformed input into one error event and goes silent', () => {
    const p = new Pair(18).connected();
    const writer = new ChunkWriter({ chunkSize: 4096 });
    // a command whose AMF0 string length runs past the body
    const bad = writer.write(3, {
      typeId: 20,
      streamId: 0,
      timestamp: 0,
      payload: Uint8Array.of(2, 0, 50, 65),
    });
    const events = p.server.receive(bad);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('error');
    if (events[0]?.type === 'error') expect(events[0].error.code).toBe('BAD_AMF');
    expect(p.server.takeOutput()).toEqual([]);
    expect(p.server.receive(bad)).toEqual([]);
    expect(p.server.isFailed).toBe(true);
  });

  it('rejects a bad handshake version with an error event', () => {
    const server = new RtmpServerSession();
    const events = server.receive(Uint8Array.of(6, 1, 2, 3));
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(server.takeOutput()).toEqual([]);
  });
});
