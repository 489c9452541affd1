import { describe, it, expect } from 'vitest';
import type { RtmpClientEvent } from './rtmp-client-session.js';
import type { RtmpServerSession } from './rtmp-session.js';
import type { RtmpSessionEvent } from './rtmp-session.js';
import { Pair } from './test-support/rtmp-pair.js';

/** Status codes and user-control kinds in arrival order, e.g. 'stream-begin'. */
function replies(events: RtmpClientEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'status') return [e.info.code];
    if (e.type === 'user-control') return [e.event.kind];
    return [];
  });
}

function playing(seed: number): Pair {
  const p = new Pair(seed).connected();
  p.client.play('cam');
  p.pump();
  return p;
}

describe('RtmpServerSession pause (RTMP 7.2.2.8)', () => {
  it('pause: Pause.Notify and one event; unpause: StreamBegin then Unpause.Notify', () => {
    const p = playing(21);
    const before = p.clientEvents.length;
    p.client.call('pause', null, [true, 500], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual(['NetStream.Pause.Notify']);
    const mid = p.clientEvents.length;
    p.client.call('pause', null, [false, 900], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(mid))).toEqual([
      'stream-begin',
      'NetStream.Unpause.Notify',
    ]);
    const begin = p.clientEvents
      .slice(mid)
      .find((e) => e.type === 'user-control' && e.event.kind === 'stream-begin');
    expect(begin?.type === 'user-control' && begin.event).toEqual({
      kind: 'stream-begin',
      streamId: 1,
    });
    expect(p.serverEvents.filter((e) => e.type === 'pause')).toEqual([
      { type: 'pause', streamId: 1, paused: true, timeMs: 500 },
      { type: 'pause', streamId: 1, paused: false, timeMs: 900 },
    ]);
  });

  it('a repeated pause or unpause is confirmed again but reaches the glue once', () => {
    const p = playing(22);
    p.client.call('pause', null, [true, 0], 1);
    p.client.call('pause', null, [true, 0], 1);
    p.client.call('pause', null, [false, 0], 1);
    p.client.call('pause', null, [false, 0], 1);
    p.pump();
    expect(p.serverEvents.filter((e) => e.type === 'pause').map((e) => e.type)).toHaveLength(2);
    expect(p.statusCodes().slice(2)).toEqual([
      'NetStream.Pause.Notify',
      'NetStream.Pause.Notify',
      'NetStream.Unpause.Notify',
      'NetStream.Unpause.Notify',
    ]);
  });

  it('pause on a stream that is not playing gets _error, not a disconnect', () => {
    const p = new Pair(23).connected();
    p.client.createStream();
    p.pump();
    p.client.call('pause', null, [true, 0], 1);
    p.client.call('pause', null, [false, 0], 7);
    p.pump();
    expect(p.clientEvents.filter((e) => e.type === 'result' && !e.ok)).toHaveLength(2);
    expect(p.serverEvents.some((e) => e.type === 'pause')).toBe(false);
    expect(p.server.isFailed).toBe(false);
  });

  it('a new play after closeStream starts unpaused', () => {
    const p = playing(24);
    p.client.call('pause', null, [true, 0], 1);
    p.client.call('closeStream', null, [], 1);
    p.client.call('play', null, ['cam'], 1);
    p.pump();
    // The new play is not paused, so unpausing it changes nothing the glue must hear.
    p.client.call('pause', null, [false, 0], 1);
    p.pump();
    expect(p.serverTypes().slice(1)).toEqual(['play', 'pause', 'stop-play', 'play']);
  });
});

describe('RtmpServerSession pauseRaw and stopPlay', () => {
  it('pauseRaw (Flash NetStream) is handled exactly like pause', () => {
    const p = playing(28);
    const before = p.clientEvents.length;
    p.client.call('pauseRaw', null, [true, 250], 1);
    p.client.call('pauseRaw', null, [false, 300], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual([
      'NetStream.Pause.Notify',
      'stream-begin',
      'NetStream.Unpause.Notify',
    ]);
    expect(p.serverEvents.filter((e) => e.type === 'pause')).toEqual([
      { type: 'pause', streamId: 1, paused: true, timeMs: 250 },
      { type: 'pause', streamId: 1, paused: false, timeMs: 300 },
    ]);
    expect(p.clientEvents.some((e) => e.type === 'result' && !e.ok)).toBe(false);
  });

  it('stopPlay: Play.Stop then StreamEOF; the stream is idle afterwards', () => {
    const p = playing(29);
    p.client.call('pause', null, [true, 0], 1);
    p.pump();
    const before = p.clientEvents.length;
    expect(p.server.stopPlay(1, 'paused too long')).toBe(true);
    expect(p.server.stopPlay(1, 'again')).toBe(false);
    expect(p.server.stopPlay(2, 'no such stream')).toBe(false);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual(['NetStream.Play.Stop', 'stream-eof']);
    const stop = p.clientEvents.find(
      (e) => e.type === 'status' && e.info.code === 'NetStream.Play.Stop',
    );
    expect(stop?.type === 'status' && stop.info.description).toBe('paused too long');
    p.client.call('pause', null, [false, 0], 1);
    p.pump();
    expect(p.clientEvents.filter((e) => e.type === 'result' && !e.ok)).toHaveLength(1);
  });
});

describe('RtmpServerSession play held by the glue', () => {
  it('stays play-pending until acceptPlay; closeStream meanwhile reports stop-play', () => {
    let held: RtmpServerSession | undefined;
    const hold = (server: RtmpServerSession, event: RtmpSessionEvent): void => {
      if (event.type === 'play') held = server;
    };
    const p = new Pair(25, hold).connected();
    p.client.play('later');
    p.pump();
    expect(p.statusCodes()).toEqual([]);
    // The glue may decide much later, e.g. when the publisher arrives.
    expect(held?.acceptPlay(1)).toBe(true);
    p.pump();
    expect(p.statusCodes()).toEqual(['NetStream.Play.Reset', 'NetStream.Play.Start']);

    const q = new Pair(26, () => undefined).connected();
    q.client.play('later');
    q.pump();
    q.client.call('closeStream', null, [], 1);
    q.pump();
    expect(q.serverTypes().slice(1)).toEqual(['play', 'stop-play']);
    expect(q.server.acceptPlay(1)).toBe(false);
    expect(q.server.rejectPlay(1, 'NetStream.Play.StreamNotFound', 'x')).toBe(false);
  });

  it('close() reports stop-play for a held play', () => {
    const p = new Pair(27, () => undefined).connected();
    p.client.play('later');
    p.pump();
    expect(p.server.close().map((e) => e.type)).toEqual(['stop-play', 'close']);
  });
});

describe('RtmpServerSession receiveAudio / receiveVideo (RTMP 7.2.2.4-5)', () => {
  it('false: an event for the glue and no reply; true: Seek.Notify and Play.Start', () => {
    const p = playing(31);
    const before = p.clientEvents.length;
    p.client.call('receiveVideo', null, [false], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual([]);
    p.client.call('receiveVideo', null, [true], 1);
    p.client.call('receiveAudio', null, [false], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual([
      'NetStream.Seek.Notify',
      'NetStream.Play.Start',
    ]);
    expect(p.serverEvents.filter((e) => e.type === 'receive')).toEqual([
      { type: 'receive', streamId: 1, kind: 'video', enabled: false },
      { type: 'receive', streamId: 1, kind: 'video', enabled: true },
      { type: 'receive', streamId: 1, kind: 'audio', enabled: false },
    ]);
    expect(p.clientEvents.some((e) => e.type === 'result' && !e.ok)).toBe(false);
  });

  it('before play it is remembered by the glue and answered with nothing', () => {
    const p = new Pair(32).connected();
    p.client.createStream();
    p.pump();
    const before = p.clientEvents.length;
    p.client.call('receiveAudio', null, [true], 1);
    p.pump();
    expect(replies(p.clientEvents.slice(before))).toEqual([]);
    expect(p.serverEvents.filter((e) => e.type === 'receive')).toEqual([
      { type: 'receive', streamId: 1, kind: 'audio', enabled: true },
    ]);
    // On a message stream that was never created: ignored, not an error.
    p.client.call('receiveVideo', null, [false], 7);
    p.pump();
    expect(p.serverEvents.filter((e) => e.type === 'receive')).toHaveLength(1);
    expect(p.clientEvents.some((e) => e.type === 'result' && !e.ok)).toBe(false);
  });
});
