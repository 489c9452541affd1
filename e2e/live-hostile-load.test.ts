/**
 * Acceptance (issue 3), clients that hold resources: a viewer that stops reading, and 1,000
 * idle connections on each port. As in live-hostile-rtmp.test.ts, `live/healthy` streams to
 * viewers that must hold every frame, and the server must still serve afterwards.
 *
 * Viewer limits are set small (256 KiB queue, 2 s behind) so the slow viewer is dealt with in
 * seconds; live-slow-viewer.test.ts runs the literal 60 s case with the default limits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHealthyStream } from './support/healthy-stream.js';
import { makeHealthyClip, startHostileBench } from './support/hostile-setup.js';
import type { HostileBench } from './support/hostile-setup.js';
import {
  ensureOpenFileLimit,
  openIdleConnections,
  stalledHttpViewer,
} from './support/idle-clients.js';
import { sleep, waitFor } from './support/live-server.js';
import { serverEndsHeld } from './support/proc-sockets.js';
import type { ClipTag } from './support/media-clip.js';
import { RtmpTestClient, closesWithin } from './support/rtmp-test-client.js';

let tags: ClipTag[] = [];
let cleanup: () => Promise<void> = async () => undefined;
const benches: HostileBench[] = [];

beforeAll(async () => {
  ({ tags, cleanup } = await makeHealthyClip());
});
afterAll(() => cleanup());
afterEach(async () => {
  await Promise.all(benches.splice(0).map((b) => b.stop()));
});

const SMALL_LIMITS = { viewer: { maxQueueBytes: 256 * 1024, maxLagMs: 2_000 } };
const MIB = 1024 * 1024;

async function bench(config: Record<string, unknown>): Promise<HostileBench> {
  const b = await startHostileBench(tags, config);
  benches.push(b);
  return b;
}

describe('clients that hold resources', () => {
  it('a viewer that never reads is cut off; co-viewers and other streams lose nothing', async () => {
    const { live, afterAttack } = await bench(SMALL_LIMITS);
    // ~64 KB video frames at 25 fps (~13 Mbit/s) fill socket buffers within seconds.
    const fat = await startHealthyStream(live, 'live/fat', tags, { padVideoTo: 64_000 });
    const memBefore = process.memoryUsage();
    // The healthy co-viewer lives in this process and keeps every byte it receives (for its
    // frame-by-frame check): that is test memory, not server memory, so it is subtracted.
    const coViewerBytes = (): number => fat.viewers.reduce((n, v) => n + v.raw.bytes, 0);
    const coViewerBefore = coViewerBytes();
    const slow = await stalledHttpViewer(live.ports.httpPort, '/live/fat.flv');
    const slowRtmp = await RtmpTestClient.play(live.ports.rtmpPort, 'live/fat');
    slowRtmp.socket.pause(); // an RTMP player that stops reading
    const ports = { http: slow.socket.localPort ?? -1, rtmp: slowRtmp.socket.localPort ?? -1 };
    await waitFor('slow viewers joined', () =>
      live.stats('live/fat')?.viewerCount === 3 ? true : undefined,
    );
    const sentAtJoin = fat.publisher.sent.reduce((n, f) => n + f.size, 0);

    await waitFor(
      'slow viewers cut off',
      () => (live.stats('live/fat')?.slowDisconnects === 2 ? true : undefined),
      30_000,
    );
    const stats = live.stats('live/fat');
    expect(stats?.viewerCount).toBe(1);
    expect(stats?.dropped.frames, 'frames dropped for the slow viewers').toBeGreaterThan(0);
    const memAfter = process.memoryUsage();
    const coViewerGrowth = coViewerBytes() - coViewerBefore;
    expect(
      memAfter.arrayBuffers - memBefore.arrayBuffers - coViewerGrowth,
      'buffers held beyond what the healthy co-viewer received',
    ).toBeLessThan(32 * MIB);
    // The server lets go of the sockets, not only of the queues: a never-reading peer must not
    // keep a file descriptor (and megabytes of kernel buffers) once it has been cut off.
    const heldEnds = async (): Promise<{ http: number; rtmp: number }> => ({
      http: (await serverEndsHeld(live.ports.httpPort, [ports.http])).length,
      rtmp: (await serverEndsHeld(live.ports.rtmpPort, [ports.rtmp])).length,
    });
    await waitFor(
      'server sockets released',
      async () => {
        const h = await heldEnds();
        return h.http + h.rtmp === 0 ? true : undefined;
      },
      5_000,
    ).catch(() => undefined);
    const held = await heldEnds();
    expect(await fat.check(), 'same-stream viewer').toEqual([]);
    expect(await afterAttack('slow viewer')).toEqual([]);

    const producedMeanwhile = fat.publisher.sent.reduce((n, f) => n + f.size, 0) - sentAtJoin;
    const got = await slow.resume(10_000);
    // What it gets once it reads again: what sat in socket buffers, then the end of the body.
    expect(got.ended, 'the response was ended').toBe(true);
    expect(got.bytes).toBeLessThan(producedMeanwhile + 64 * 1024);
    slow.socket.destroy();
    slowRtmp.destroy();
    await fat.stop();
    // Control: the probe does see the server's ends go once the clients close theirs.
    const gone = await waitFor('server ends closed', async () => {
      const h = await heldEnds();
      return h.http + h.rtmp === 0 ? true : undefined;
    }).catch(() => false);
    expect(gone).toBe(true);
    expect(held, 'server-side sockets still open to the cut-off viewers').toEqual({
      http: 0,
      rtmp: 0,
    });
  });

  it('a keyframe larger than the viewer budget still reaches a viewer that keeps up', async () => {
    const { live, afterAttack } = await bench(SMALL_LIMITS);
    // 300 KB keyframes (> the 256 KiB queue budget) once a second; the viewer reads at once.
    const big = await startHealthyStream(live, 'live/bigkey', tags, {
      padKeyframesTo: 300_000,
      viewers: ['http', 'ws'],
    });
    await sleep(2_500);
    expect(await big.check(), 'viewers of live/bigkey').toEqual([]);
    await big.stop();
    expect(await afterAttack('big keyframes')).toEqual([]);
  });

  it('RTMP clients that trickle the handshake byte by byte are dropped at the setup deadline', async () => {
    const { live, afterAttack } = await bench({});
    // C0, then one byte of C1 every 2 s: never idle for the 10 s setup timeout, never done.
    const sockets = await openIdleConnections(live.ports.rtmpPort, 20, () => Uint8Array.of(3));
    const timer = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(Uint8Array.of(0));
    }, 2_000);
    try {
      // "Handshake + connect + publish/play must be done within" setupTimeoutMs (10 s).
      const closed = await Promise.all(sockets.map((s) => closesWithin(s, 14_000)));
      expect(closed.filter((c) => !c).length, 'trickling connections still open after 14 s').toBe(
        0,
      );
    } finally {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    }
    expect(await afterAttack('handshake trickle')).toEqual([]);
  });

  it('1,000 idle connections to the RTMP port and 1,000 to HTTP', async () => {
    const count = 1_000;
    // Both ends of every connection live in this process: 4 descriptors per pair.
    const limit = await ensureOpenFileLimit(4 * count + 1_000);
    expect(limit, 'ulimit -n too low for this test').toBeGreaterThanOrEqual(4 * count + 1_000);
    const { live, healthy, afterAttack } = await bench({});
    const rssBefore = process.memoryUsage().rss;
    // Half send nothing; half start and stall: RTMP C0 only, HTTP headers never finished.
    const rtmp = await openIdleConnections(live.ports.rtmpPort, count, (i) =>
      i % 2 === 0 ? undefined : Uint8Array.of(3),
    );
    const http = await openIdleConnections(live.ports.httpPort, count, (i) =>
      i % 2 === 0 ? undefined : 'GET /live/healthy.flv HTTP/1.1\r\nHost: x\r\n',
    );
    const opened = performance.now();
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    // Measured ~20 MiB for the 2,000 pairs (both ends here); 100 MiB = 50 KiB a connection
    // would mean per-connection buffers allocated up front.
    expect(rssGrowth, 'RSS growth').toBeLessThan(100 * MIB);

    // While they are all open: the healthy stream flows and the server serves newcomers.
    expect(await afterAttack('while 2,000 idle connections are open')).toEqual([]);
    // RTMP connections that never finish the handshake are dropped by the setup timeout (10 s).
    await sleep(Math.max(0, 11_000 - (performance.now() - opened)));
    const rtmpClosed = await Promise.all(rtmp.map((s) => closesWithin(s, 1_000)));
    expect(rtmpClosed.filter((c) => !c).length, 'idle RTMP connections still open after 11 s').toBe(
      0,
    );
    for (const s of [...rtmp, ...http]) s.destroy();
    expect(await healthy.check()).toEqual([]);
    expect(await afterAttack('after the idle connections')).toEqual([]);
  });
});
