/**
 * Acceptance (issue 3), the literal case: viewers that never read for 60 s, with the default
 * limits (4 MiB per-viewer queue, cut off after 10 s behind), on a ~13 Mbit/s stream. Over the
 * minute the stream produces ~100 MB; the server must hold a bounded amount of it, cut the
 * stalled viewers off, let go of their sockets, and keep every frame flowing to everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHealthyStream } from './support/healthy-stream.js';
import { makeHealthyClip, startHostileBench } from './support/hostile-setup.js';
import type { HostileBench } from './support/hostile-setup.js';
import { stalledHttpViewer } from './support/idle-clients.js';
import { sleep, waitFor } from './support/live-server.js';
import { serverEndsHeld } from './support/proc-sockets.js';
import type { ClipTag } from './support/media-clip.js';
import { RtmpTestClient } from './support/rtmp-test-client.js';

const MIB = 1024 * 1024;
const STALL_MS = 60_000;

let tags: ClipTag[] = [];
let cleanup: () => Promise<void> = async () => undefined;
let bench: HostileBench | undefined;

beforeAll(async () => {
  ({ tags, cleanup } = await makeHealthyClip());
});
afterAll(async () => {
  await bench?.stop();
  await cleanup();
});

function stalledWebSocket(url: string): Promise<{ ws: WebSocket; localPort: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let localPort = 0;
    ws.on('error', () => undefined);
    ws.once('upgrade', (res) => (localPort = res.socket.localPort ?? 0));
    ws.once('open', () => {
      ws.pause(); // stops reading the socket
      resolve({ ws, localPort });
    });
    ws.once('unexpected-response', () => reject(new Error(`${url}: no upgrade`)));
  });
}

describe('viewers that never read for 60 s (default limits)', () => {
  it(
    'are cut off, cost bounded memory, and hurt nobody',
    async () => {
      bench = await startHostileBench(tags);
      const { live, healthy, afterAttack } = bench;
      const key = 'live/fat';
      const fat = await startHealthyStream(live, key, tags, {
        padVideoTo: 64_000,
        viewers: ['http', 'ws'],
      });
      await sleep(1_000);
      const memBefore = process.memoryUsage();
      const producedBefore = fat.publisher.sent.reduce((n, f) => n + f.size, 0);
      const httpSlow = await stalledHttpViewer(live.ports.httpPort, `/${key}.flv`);
      const { ws: wsSlow, localPort: wsPort } = await stalledWebSocket(live.wsUrl(key, 'flv'));
      const rtmpSlow = await RtmpTestClient.play(live.ports.rtmpPort, key);
      rtmpSlow.socket.pause();
      const ports = {
        http: httpSlow.socket.localPort ?? -1,
        ws: wsPort,
        rtmp: rtmpSlow.socket.localPort ?? -1,
      };
      await waitFor('slow viewers', () => (live.stats(key)?.viewerCount === 5 ? true : undefined));

      let peakBuffers = 0;
      let peakRss = 0;
      const started = performance.now();
      while (performance.now() - started < STALL_MS) {
        await sleep(2_000);
        const m = process.memoryUsage();
        peakBuffers = Math.max(peakBuffers, m.arrayBuffers - memBefore.arrayBuffers);
        peakRss = Math.max(peakRss, m.rss - memBefore.rss);
      }
      const produced = fat.publisher.sent.reduce((n, f) => n + f.size, 0) - producedBefore;
      expect(produced, 'the stream really pushed ~100 MB meanwhile').toBeGreaterThan(60 * MIB);
      // 3 queues x 4 MiB, the GOP caches (1 s of ~1.6 MB/s per format) and socket buffers:
      // far below the 100 MB an unbounded server would hold per stalled viewer.
      expect(peakBuffers, 'peak buffer growth').toBeLessThan(48 * MIB);
      expect(peakRss, 'peak RSS growth').toBeLessThan(160 * MIB);
      const stats = live.stats(key);
      expect(stats?.slowDisconnects, 'stalled viewers cut off').toBe(3);
      expect(stats?.viewerCount).toBe(2);

      expect(await fat.check(), 'same-stream viewers').toEqual([]);
      expect(await healthy.check(), 'other-stream viewers').toEqual([]);
      expect(await afterAttack('60 s stall')).toEqual([]);
      // By now (50 s after the cut) the server has closed its end of every stalled connection
      // (ws gives a peer 30 s to answer its close frame).
      const held = {
        'HTTP-FLV': (await serverEndsHeld(live.ports.httpPort, [ports.http])).length,
        'WS-FLV': (await serverEndsHeld(live.ports.httpPort, [ports.ws])).length,
        RTMP: (await serverEndsHeld(live.ports.rtmpPort, [ports.rtmp])).length,
      };
      httpSlow.socket.destroy();
      wsSlow.terminate();
      rtmpSlow.destroy();
      await fat.stop();
      // Control: the probe does see the server's ends go once the clients close theirs.
      const gone = await waitFor('server ends closed', async () => {
        const http = await serverEndsHeld(live.ports.httpPort, [ports.http, ports.ws]);
        const rtmp = await serverEndsHeld(live.ports.rtmpPort, [ports.rtmp]);
        return http.length + rtmp.length === 0 ? true : undefined;
      }).catch(() => false);
      expect(gone).toBe(true);
      expect(held, 'server-side sockets still open to cut-off viewers').toEqual({
        'HTTP-FLV': 0,
        'WS-FLV': 0,
        RTMP: 0,
      });
    },
    STALL_MS + 60_000,
  );
});
