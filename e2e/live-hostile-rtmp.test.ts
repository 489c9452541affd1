/**
 * Acceptance (issue 3), hostile RTMP input. Each attack runs while `live/healthy` streams to
 * an HTTP-FLV and a WS-FLV viewer that joined before its first frame: they must still hold
 * every frame, and afterwards the server must answer the API and serve a new publisher to a
 * new viewer. The attacking connection may be closed; nothing else may notice.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageType, controlMessage } from '../packages/server/src/rtmp/rtmp-message.js';
import { startHealthyStream } from './support/healthy-stream.js';
import { makeHealthyClip, startHostileBench } from './support/hostile-setup.js';
import type { HostileBench } from './support/hostile-setup.js';
import { sleep, waitFor } from './support/live-server.js';
import { FlvViewer } from './support/live-viewers.js';
import { padAvcFrame } from './support/media-clip.js';
import type { ClipTag } from './support/media-clip.js';
import { PacedPublisher } from './support/paced-publisher.js';
import { chunkHeader0, noise, partialMessage } from './support/rtmp-raw.js';
import { RtmpTestClient, closesWithin, handshakenSocket } from './support/rtmp-test-client.js';

let tags: ClipTag[] = [];
let cleanup: () => Promise<void> = async () => undefined;
let bench: HostileBench;

beforeAll(async () => {
  ({ tags, cleanup } = await makeHealthyClip());
});
afterAll(() => cleanup());
beforeEach(async () => {
  bench = await startHostileBench(tags);
});
afterEach(async () => {
  await bench.stop();
});

const u32 = (n: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};

/** The first real keyframe of the clip (FLV video tag body). */
function keyframeBody(): Uint8Array {
  const tag = tags.find((t) => t.tagType === 9 && t.body[0] === 0x17 && t.body[1] === 1);
  if (tag === undefined) throw new Error('clip has no keyframe');
  return tag.body;
}

describe('hostile RTMP input: the server stays up and the healthy stream loses nothing', () => {
  it('random bytes after a valid handshake: each such connection is closed', async () => {
    const { live } = bench;
    let open = 0;
    for (let round = 0; round < 5; round++) {
      const sockets = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const socket = await handshakenSocket(live.ports.rtmpPort);
          socket.write(noise(round * 100 + i + 1, 64 * 1024));
          return socket;
        }),
      );
      const closed = await Promise.all(sockets.map((s) => closesWithin(s, 5_000)));
      for (const s of sockets) s.destroy();
      open += closed.filter((c) => !c).length;
      await sleep(200);
    }
    expect(open, 'connections the server left open').toBe(0);
    expect(await bench.afterAttack('random bytes')).toEqual([]);
  });

  it('SetChunkSize 2^31-1 (and 0, and the top bit set) closes only that connection', async () => {
    const { live } = bench;
    const results: Record<string, boolean> = {};
    for (const size of [0x7fffffff, 0, 0x80000000, 0xffffffff]) {
      const client = await RtmpTestClient.publish(live.ports.rtmpPort, `live/cs${size}`);
      // Set Chunk Size (5.4.1) on chunk stream 2, then a video message that would use it.
      client.writeRaw(chunkHeader0(2, { timestamp: 0, length: 4, typeId: 1, streamId: 0 }));
      client.writeRaw(u32(size));
      client.sendTag({ tagType: 9, timestamp: 0, body: keyframeBody() }, 0);
      results[size.toString(16)] = await closesWithin(client.socket, 5_000);
      client.destroy();
      await waitFor(`live/cs${size} released`, () =>
        live.stats(`live/cs${size}`)?.publishing === true ? undefined : true,
      );
    }
    expect(results).toEqual({ '7fffffff': true, '0': true, '80000000': true, ffffffff: true });
    expect(await bench.afterAttack('chunk size')).toEqual([]);
  });

  it('messages declared near 16 MiB and partly sent: memory bounded, connection dropped cleanly', async () => {
    const { live } = bench;
    const key = 'live/big';
    const client = await RtmpTestClient.publish(live.ports.rtmpPort, key);
    const streamId = client.session.streamId;
    const before = process.memoryUsage();
    // One video message declared 16 MiB - 1 with 8 MiB of it sent (chunk size 4096, as the
    // client announced), then 50 more chunk streams each opening a 16 MiB message with 1 chunk.
    const big = padAvcFrame(keyframeBody(), 0xffffff);
    const header = { timestamp: 0, length: 0xffffff, typeId: 9, streamId };
    client.writeRaw(partialMessage(6, header, big, 4096, 8 * 1024 * 1024));
    for (let csid = 10; csid < 60; csid++) {
      client.writeRaw(partialMessage(csid, header, big, 4096, 4096));
    }
    await new Promise<void>((resolve) => client.socket.write(new Uint8Array(0), () => resolve()));
    await sleep(1_000);
    const grown = process.memoryUsage();
    // 8 MiB arrived: the chunk reader holds at most twice that (capacity doubling) plus
    // 50 x 64 KiB first allocations; 64 MiB leaves room for socket buffers and GC lag.
    expect(grown.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(grown.rss - before.rss).toBeLessThan(96 * 1024 * 1024);
    client.socket.end();
    expect(await closesWithin(client.socket, 5_000)).toBe(true);
    await waitFor('publisher released', () =>
      live.stats(key)?.publishing === true ? undefined : true,
    );
    // The key is free again for an honest publisher.
    const again = await RtmpTestClient.publish(live.ports.rtmpPort, key);
    await again.end('big');
    expect(await bench.afterAttack('16 MiB messages')).toEqual([]);
  });

  it('unknown message types between valid media: the stream keeps every frame', async () => {
    const { live } = bench;
    let errors = 0;
    const odd = await startHealthyStream(live, 'live/odd', tags, {
      loop: false,
      maxTags: 60,
      viewers: ['http', 'ws'],
      beforeTag: (i, client) => {
        const junk = noise(i + 100, 40 + (i % 7) * 30);
        const id = client.session.streamId;
        const type = [30, 99, 0, 7, 255, 16, 19, 15][i % 8] ?? 30;
        client.sendMessage(
          { typeId: type, streamId: i % 2 === 0 ? id : 0, timestamp: i, payload: junk },
          [3, 6, 7, 40][i % 4] ?? 3,
        );
        if (i % 10 === 5) {
          // Unknown AMF0 command: answered with _error, not a disconnect.
          client.session.call('tidecastNoSuchCall', null, [i]);
          // Unknown user control event and an Abort for a chunk stream with nothing pending.
          client.sendMessage(
            controlMessage(MessageType.UserControl, Uint8Array.of(0, 99, 1, 2, 3, 4)),
            2,
          );
          client.sendMessage(controlMessage(MessageType.Abort, u32(40)), 2);
          errors++;
        }
      },
    });
    await odd.publisher.done;
    expect(await odd.check(), 'live/odd viewers').toEqual([]);
    expect(odd.publisher.count('video')).toBeGreaterThan(20);
    const refused = odd.publisher.client.events.filter(
      (e) => e.type === 'result' && !e.ok && e.command.name === '_error',
    );
    expect(refused.length).toBe(errors);
    expect(odd.publisher.client.socket.destroyed).toBe(false);
    await odd.stop();
    expect(await bench.afterAttack('unknown types')).toEqual([]);
  });

  it('a publisher that stops mid-chunk, stays silent, then closes', async () => {
    const { live } = bench;
    const key = 'live/stall';
    const client = await RtmpTestClient.publish(live.ports.rtmpPort, key);
    const viewer = new FlvViewer(live.httpUrl(key, 'flv'));
    await viewer.raw.opened;
    await waitFor('viewer', () => (live.stats(key)?.viewerCount === 1 ? true : undefined));
    const pub = new PacedPublisher(client, tags, { maxTags: 40 });
    pub.start();
    await pub.done;
    // Half of a 20 KB video message: its header, one 4096-byte chunk, then 2000 bytes of the
    // second chunk, and silence.
    const frame = padAvcFrame(keyframeBody(), 20_000);
    const last = pub.sent[pub.sent.length - 1]?.dts ?? 0;
    const header = {
      timestamp: last + 40,
      length: frame.length,
      typeId: 9,
      streamId: client.session.streamId,
    };
    client.writeRaw(partialMessage(6, header, frame, 4096, 6096));
    await sleep(2_000);
    expect(viewer.frames.length, 'stalled stream: every complete frame arrived').toBe(
      pub.sent.length,
    );
    expect(live.stats(key)?.publishing).toBe(true);
    expect(await bench.healthy.check()).toEqual([]);
    client.socket.end();
    expect(await closesWithin(client.socket, 5_000)).toBe(true);
    // No publisher: grace period (1 s), then the viewer gets a clean end of stream.
    expect(await viewer.raw.closed).toMatchObject({ how: 'end' });
    expect(viewer.problems).toEqual([]);
    expect(await bench.afterAttack('mid-chunk stall')).toEqual([]);
  });
});
