/**
 * Common frame of the hostile-input tests: a server with a healthy stream (`live/healthy`:
 * paced publisher, HTTP-FLV and WS-FLV viewers joined before the first frame) and the checks
 * made after every attack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerServes, startHealthyStream } from './healthy-stream.js';
import type { HealthyStream } from './healthy-stream.js';
import { startLiveServer, waitFor } from './live-server.js';
import type { LiveServer } from './live-server.js';
import { makeClip, readClipTags } from './media-clip.js';
import type { ClipTag } from './media-clip.js';

/** 2 s of 320x180 H.264 at 25 fps (1 s GOPs) + AAC: the clip every healthy publisher loops. */
export async function makeHealthyClip(): Promise<{
  tags: ClipTag[];
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'tidecast-hostile-'));
  const file = join(dir, 'healthy.flv');
  await makeClip(file, { video: true, audio: true, seconds: 2, fps: 25, gop: 25 });
  const tags = await readClipTags(file);
  return { tags, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface HostileBench {
  live: LiveServer;
  healthy: HealthyStream;
  /**
   * After an attack: the healthy viewers hold every frame sent so far, and the server still
   * answers the API and serves a new publisher to a new viewer. Returns problems (empty = ok).
   */
  afterAttack(label: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startHostileBench(
  tags: readonly ClipTag[],
  config: Record<string, unknown> = {},
): Promise<HostileBench> {
  // HLS off: these benches bound the memory hostile viewers can make the server hold, and HLS
  // keeps a fixed window of segments per stream (2 variants x (window + 2) segments) whatever
  // the viewers do, which would blur the per-viewer budgets. Its bound is tested on its own.
  const live = await startLiveServer({
    publisherGraceMs: 1_000,
    hls: { enabled: false },
    ...config,
  });
  const healthy = await startHealthyStream(live, 'live/healthy', tags, { viewers: ['http', 'ws'] });
  let checks = 0;
  return {
    live,
    healthy,
    async afterAttack(label: string): Promise<string[]> {
      // Let the healthy stream run at least a second (25 frames) in all.
      await waitFor('healthy frames', () =>
        healthy.publisher.count('video') >= 25 ? true : undefined,
      );
      const problems = (await healthy.check()).map((p) => `${label}: ${p}`);
      const serves = await checkServerServes(live, `check/after-${checks++}`, tags);
      problems.push(...serves.map((p) => `${label}: new publisher/viewer: ${p}`));
      return problems;
    },
    async stop(): Promise<void> {
      await healthy.stop().catch(() => undefined);
      await live.stop();
    },
  };
}
