/**
 * RTMP play over real sockets: pause / unpause of a live stream (RTMP 7.2.2.8) with a raw
 * client, and players that wait for a stream that is not published yet (ffmpeg as the player).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../../../e2e/support/run-command.js';
import { sleep, until } from '../../../../e2e/support/wait-until.js';
import { RtmpTestClient, closesWithin } from '../../../../e2e/support/rtmp-test-client.js';
import type { RtmpClientEvent } from './rtmp-client-session.js';
import { StreamRegistry } from '../hub/stream-registry.js';
import { aacTrack, avcTrack, syntheticPackets } from '../hub/test-support/hub-fixtures.js';
import { silentLogger } from '../logger.js';
import { ViewerSet } from '../outputs/live-output.js';
import { createHubAdapter } from '../server-hub.js';
import type { TidecastServer } from '../server.js';
import { publishTestPattern, startTestServer } from '../test-support/test-server.js';
import { RtmpServer } from './rtmp-server.js';

const servers: TidecastServer[] = [];
const rtmpServers: RtmpServer[] = [];
const clients: RtmpTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(rtmpServers.splice(0).map((s) => s.close(100)));
});

const isStatus = (code: string) => (e: RtmpClientEvent) =>
  e.type === 'status' && e.info.code === code;

function videoAfter(client: RtmpTestClient, from: number): Uint8Array[] {
  return client.events
    .slice(from)
    .flatMap((e) => (e.type === 'media' && e.message.typeId === 9 ? [e.message.payload] : []));
}

function track(client: RtmpTestClient): RtmpTestClient {
  clients.push(client);
  return client;
}

/** A bare RtmpServer over a registry; `onPublish` as the composition root can wire it. */
async function bareServer(playWaitMs: number): Promise<{
  rtmp: RtmpServer;
  port: number;
  hub: ReturnType<typeof createHubAdapter>;
}> {
  const registry = new StreamRegistry({ reconnectGraceMs: 100 });
  const hub = {
    ...createHubAdapter(registry),
    onPublish: (listener: (key: string) => void) => registry.onPublish(listener),
  };
  const rtmp = new RtmpServer({
    hub,
    viewers: new ViewerSet(),
    logger: silentLogger(),
    playWaitMs,
  });
  rtmpServers.push(rtmp);
  const port = await rtmp.listen(0, '127.0.0.1');
  return { rtmp, port, hub };
}

describe('RTMP pause of a live stream (real sockets)', () => {
  it('pause stops delivery and leaves the hub; unpause restarts at sequence headers + keyframe', async () => {
    const { server, ports } = await startTestServer(servers);
    const key = 'live/pause';
    const publisher = publishTestPattern(ports.rtmpPort, key, 8).catch(() => undefined);
    await until('the stream', () => server.registry.get(key)?.state === 'live');
    const player = track(await RtmpTestClient.play(ports.rtmpPort, key));
    await until('video before pause', () => videoAfter(player, 0).length >= 10);
    const streamId = player.session.streamId;

    player.session.call('pause', null, [true, 1000], streamId);
    player.flush();
    await player.waitFor(isStatus('NetStream.Pause.Notify'), 'Pause.Notify');
    const pausedAt = player.events.findIndex(isStatus('NetStream.Pause.Notify'));
    await sleep(700);
    expect(player.events.slice(pausedAt).filter((e) => e.type === 'media')).toEqual([]);
    expect(server.registry.get(key)?.viewerCount).toBe(0);
    expect(server.registry.get(key)?.state).toBe('live');

    const resumeFrom = player.events.length;
    player.session.call('pause', null, [false, 1000], streamId);
    player.flush();
    await player.waitFor(isStatus('NetStream.Unpause.Notify'), 'Unpause.Notify');
    await until('video after unpause', () => videoAfter(player, resumeFrom).length >= 5);
    const after = player.events.slice(resumeFrom);
    const begin = after.findIndex(
      (e) => e.type === 'user-control' && e.event.kind === 'stream-begin',
    );
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(begin).toBeLessThan(after.findIndex(isStatus('NetStream.Unpause.Notify')));
    const [head, first] = videoAfter(player, resumeFrom);
    // FLV VIDEODATA (FLV spec v10.1 E.4.3.1): 0x17 = keyframe + AVC; AVCPacketType 0 / 1.
    expect([head?.[0], head?.[1]]).toEqual([0x17, 0]);
    expect([first?.[0], first?.[1]]).toEqual([0x17, 1]);
    expect(server.registry.get(key)?.viewerCount).toBe(1);
    player.destroy();
    await publisher;
  });
});

describe('RTMP player paused for too long (real sockets)', () => {
  it('gets Play.Stop and StreamEOF, its connection ends, other players keep playing', async () => {
    const { server, ports } = await startTestServer(servers, { rtmp: { pausedPlayMaxMs: 400 } });
    const key = 'live/paused-long';
    const publisher = publishTestPattern(ports.rtmpPort, key, 5).catch(() => undefined);
    await until('the stream', () => server.registry.get(key)?.state === 'live');
    const paused = track(await RtmpTestClient.play(ports.rtmpPort, key));
    const other = track(await RtmpTestClient.play(ports.rtmpPort, key));
    await until('video', () => videoAfter(paused, 0).length >= 5);

    // A short pause, well within the limit, then unpause: the timer must not fire later.
    const id = paused.session.streamId;
    paused.session.call('pause', null, [true, 0], id);
    paused.flush();
    await sleep(150);
    const resumeFrom = paused.events.length;
    paused.session.call('pause', null, [false, 0], id);
    paused.flush();
    await until('video after unpause', () => videoAfter(paused, resumeFrom).length >= 5);
    await sleep(500);
    expect(paused.events.some(isStatus('NetStream.Play.Stop'))).toBe(false);

    const pausedAt = Date.now();
    paused.session.call('pause', null, [true, 0], id);
    paused.flush();
    await paused.waitFor(isStatus('NetStream.Play.Stop'), 'Play.Stop', 5_000);
    const stoppedAfter = Date.now() - pausedAt;
    expect(stoppedAfter).toBeGreaterThanOrEqual(350);
    expect(await closesWithin(paused.socket, 2_000)).toBe(true);
    const tail = paused.events.slice(paused.events.findIndex(isStatus('NetStream.Play.Stop')));
    expect(tail.some((e) => e.type === 'user-control' && e.event.kind === 'stream-eof')).toBe(true);

    const otherFrom = other.events.length;
    await until(
      'the other player still gets video',
      () => videoAfter(other, otherFrom).length >= 10,
    );
    expect(server.registry.get(key)?.viewerCount).toBe(1);
    await publisher;
  });
});

describe('RTMP play of a stream that is not published yet (real sockets)', () => {
  it('ffmpeg started before the publisher gets frames once ffmpeg publishes', async () => {
    const { server, ports } = await startTestServer(servers);
    const key = 'live/early';
    const url = `rtmp://127.0.0.1:${ports.rtmpPort}/${key}`;
    const player = runCommand(
      'ffmpeg',
      ['-nostdin', '-v', 'error', '-i', url, '-t', '2', '-map', '0:v', '-f', 'framecrc', '-'],
      { timeoutMs: 40_000 },
    );
    await sleep(1500); // ffmpeg has connected and sent play by now; nothing is live
    expect(server.registry.get(key)).toBeUndefined();
    const publisher = publishTestPattern(ports.rtmpPort, key, 5);
    const played = await player;
    await publisher.catch(() => undefined);
    expect(played.exitCode, played.stderr).toBe(0);
    const frames = played.stdout.split('\n').filter((line) => line.startsWith('0,'));
    expect(frames.length).toBeGreaterThanOrEqual(40); // 2 s at 25 fps
  });

  it('one publisher (not RTMP: a hub publisher) starts every waiting player', async () => {
    const { rtmp, port, hub } = await bareServer(10_000);
    const key = 'live/later';
    const a = track(await RtmpTestClient.connect(port));
    const b = track(await RtmpTestClient.connect(port));
    for (const c of [a, b]) {
      c.session.play('later');
      c.flush();
    }
    await until('two waiting players', () => rtmp.waitingPlayers === 2);
    await sleep(200);
    expect(a.events.concat(b.events).some((e) => e.type === 'status')).toBe(false);

    const handle = hub.publish(key, 'synthetic', () => undefined);
    if (handle === 'busy') throw new Error('busy');
    handle.setTrack(avcTrack);
    handle.setTrack(aacTrack);
    for (const packet of syntheticPackets({ seconds: 1 })) handle.publish(packet);
    for (const c of [a, b]) {
      await c.waitFor(isStatus('NetStream.Play.Start'), 'Play.Start');
      await until('video', () => videoAfter(c, 0).length >= 20);
    }
    expect(rtmp.waitingPlayers).toBe(0);
    handle.release();
  });

  it('a player still waiting when the wait is over gets StreamNotFound and is closed', async () => {
    const { rtmp, port } = await bareServer(400);
    const client = track(await RtmpTestClient.connect(port));
    const started = Date.now();
    client.session.play('never');
    client.flush();
    const status = await client.waitFor((e) => e.type === 'status', 'a status');
    expect(status.type === 'status' && status.info.code).toBe('NetStream.Play.StreamNotFound');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(await closesWithin(client.socket, 2_000)).toBe(true);
    expect(rtmp.waitingPlayers).toBe(0);
  });

  it('playWaitMs 0 refuses at once and keeps the connection', async () => {
    const { rtmp, port } = await bareServer(0);
    const client = track(await RtmpTestClient.connect(port));
    const started = Date.now();
    client.session.play('none');
    client.flush();
    await client.waitFor(isStatus('NetStream.Play.StreamNotFound'), 'StreamNotFound');
    expect(Date.now() - started).toBeLessThan(300);
    expect(rtmp.waitingPlayers).toBe(0);
    expect(await closesWithin(client.socket, 300)).toBe(false);
  });

  it('a waiting player that leaves is forgotten', async () => {
    const { rtmp, port } = await bareServer(10_000);
    const client = track(await RtmpTestClient.connect(port));
    client.session.play('gone');
    client.flush();
    await until('waiting', () => rtmp.waitingPlayers === 1);
    client.session.call('closeStream', null, [], client.session.streamId);
    client.flush();
    await until('forgotten after closeStream', () => rtmp.waitingPlayers === 0);
    client.session.call('play', null, ['gone2'], client.session.streamId);
    client.flush();
    await until('waiting again', () => rtmp.waitingPlayers === 1);
    client.destroy();
    await until('forgotten after the socket closed', () => rtmp.waitingPlayers === 0);
  });
});
