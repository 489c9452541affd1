/**
 * receiveAudio / receiveVideo (RTMP 7.2.2.4-5) over real sockets: a player that turns video or
 * audio off gets none of it from then on, gets video back starting at a keyframe, and another
 * player of the same stream keeps getting everything meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../../e2e/support/wait-until.js';
import { RtmpTestClient } from '../../../../e2e/support/rtmp-test-client.js';
import type { RtmpClientEvent } from './rtmp-client-session.js';
import type { TidecastServer } from '../server.js';
import { publishTestPattern, startTestServer } from '../test-support/test-server.js';

const servers: TidecastServer[] = [];
const clients: RtmpTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** Media messages of one RTMP type (8 audio, 9 video) among `events`. */
function media(events: readonly RtmpClientEvent[], typeId: number): Uint8Array[] {
  return events.flatMap((e) =>
    e.type === 'media' && e.message.typeId === typeId ? [e.message.payload] : [],
  );
}

/**
 * Sends `commands`, the last of them one the server answers (receiveX(true): Seek.Notify +
 * Play.Start), and resolves with the index of that Play.Start: everything after it in the
 * byte stream was sent after the server applied all of `commands`.
 */
async function apply(player: RtmpTestClient, commands: [string, boolean][]): Promise<number> {
  const from = player.events.length;
  for (const [name, flag] of commands) {
    player.session.call(name, null, [flag], player.session.streamId);
  }
  player.flush();
  const isStart = (e: RtmpClientEvent): boolean =>
    e.type === 'status' && e.info.code === 'NetStream.Play.Start';
  await until(`the answer to ${commands.map((c) => c[0]).join(', ')}`, () =>
    player.events.slice(from).some(isStart),
  );
  return from + player.events.slice(from).findIndex(isStart);
}

describe('RTMP receiveAudio / receiveVideo (real sockets)', () => {
  it('filters per player, resumes video at a keyframe, leaves other players alone', async () => {
    const { server, ports } = await startTestServer(servers);
    const key = 'live/receive';
    const publisher = publishTestPattern(ports.rtmpPort, key, 8).catch(() => undefined);
    await until('the stream', () => server.registry.get(key)?.state === 'live');
    const picky = await RtmpTestClient.play(ports.rtmpPort, key);
    const other = await RtmpTestClient.play(ports.rtmpPort, key);
    clients.push(picky, other);
    await until('media', () => media(picky.events, 9).length >= 5);

    // Video off: audio only (25 fps video, ~43 AAC frames/s at 44.1 kHz).
    const videoOff = await apply(picky, [
      ['receiveVideo', false],
      ['receiveAudio', true],
    ]);
    const otherAtVideoOff = media(other.events, 9).length;
    await until('audio without video', () => media(picky.events.slice(videoOff), 8).length >= 40);
    expect(media(picky.events.slice(videoOff), 9)).toEqual([]);
    // The other player got video all along (about a second of it).
    expect(media(other.events, 9).length - otherAtVideoOff).toBeGreaterThanOrEqual(15);

    // Video on again: the first video message is a keyframe (FLV VIDEODATA 0x17 = keyframe +
    // AVC, AVCPacketType 1 = NALUs; the sequence header is not sent again).
    const videoOn = await apply(picky, [['receiveVideo', true]]);
    await until('video again', () => media(picky.events.slice(videoOn), 9).length >= 10);
    const [first] = media(picky.events.slice(videoOn), 9);
    expect([first?.[0], first?.[1]]).toEqual([0x17, 1]);

    // Audio off: video only.
    const audioOff = await apply(picky, [
      ['receiveAudio', false],
      ['receiveVideo', true],
    ]);
    await until('video without audio', () => media(picky.events.slice(audioOff), 9).length >= 25);
    expect(media(picky.events.slice(audioOff), 8)).toEqual([]);
    expect(server.registry.get(key)?.viewerCount).toBe(2);
    // Nothing counted as dropped: the player chose it.
    expect(server.registry.get(key)?.stats().dropped.frames).toBe(0);
    picky.destroy();
    other.destroy();
    await publisher;
  });
});
