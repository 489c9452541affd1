/**
 * A well-behaved stream running beside a hostile test: an in-process publisher pacing a clip in
 * real time and an FLV viewer that joined before the first frame, so the viewer must hold
 * every frame the publisher sent, whatever else the server is going through.
 */
import { apiServer, waitFor } from './live-server.js';
import type { LiveServer } from './live-server.js';
import { frameDifferences, ofKind } from './live-timeline.js';
import type { ClipTag } from './media-clip.js';
import { PacedPublisher } from './paced-publisher.js';
import type { PacedOptions } from './paced-publisher.js';
import { RtmpTestClient } from './rtmp-test-client.js';
import { FlvViewer } from './live-viewers.js';

export interface HealthyStream {
  readonly key: string;
  readonly publisher: PacedPublisher;
  readonly viewers: FlvViewer[];
  /**
   * Waits (up to `timeoutMs`) until every viewer has every frame sent so far, then lists any
   * difference between what each viewer got and what was sent (empty = all good).
   */
  check(timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

export interface HealthyOptions extends PacedOptions {
  /** Viewer URLs kinds to attach before the first frame (default one HTTP-FLV viewer). */
  viewers?: ('http' | 'ws')[];
}

export async function startHealthyStream(
  live: LiveServer,
  key: string,
  tags: readonly ClipTag[],
  options: HealthyOptions = {},
): Promise<HealthyStream> {
  const client = await RtmpTestClient.publish(live.ports.rtmpPort, key);
  const kinds = options.viewers ?? ['http'];
  const viewers = kinds.map(
    (k) => new FlvViewer(k === 'http' ? live.httpUrl(key, 'flv') : live.wsUrl(key, 'flv')),
  );
  await Promise.all(viewers.map((v) => v.raw.opened));
  await waitFor(`${viewers.length} viewers of ${key}`, () => {
    const n = live.stats(key)?.viewerCount ?? 0;
    return n >= viewers.length ? true : undefined;
  });
  const publisher = new PacedPublisher(client, tags, { loop: true, ...options });
  publisher.start();
  return {
    key,
    publisher,
    viewers,
    async check(timeoutMs = 10_000): Promise<string[]> {
      const sent = publisher.sent.slice();
      const problems: string[] = [];
      for (const [i, viewer] of viewers.entries()) {
        const name = `${key} viewer ${i} (${viewer.raw.url.split(':')[0] ?? ''})`;
        const want = { video: ofKind(sent, 'video').length, audio: ofKind(sent, 'audio').length };
        const caughtUp = (): boolean =>
          viewer.count('video') >= want.video && viewer.count('audio') >= want.audio;
        // A viewer that lost frames never catches up: the comparison below says which.
        await waitFor(
          `${name} to catch up`,
          () => (caughtUp() ? true : undefined),
          timeoutMs,
        ).catch(() => undefined);
        for (const kind of ['video', 'audio'] as const) {
          const expected = ofKind(sent, kind);
          const got = viewer.of(kind).slice(0, expected.length);
          for (const p of frameDifferences(got, expected)) problems.push(`${name} ${kind}: ${p}`);
        }
        problems.push(...viewer.problems.map((p) => `${name}: ${p}`));
      }
      return problems;
    },
    async stop(): Promise<void> {
      publisher.stop();
      for (const v of viewers) v.raw.abort();
      await client.end(key.split('/')[1]);
    },
  };
}

/**
 * The server still does its job after an attack: `GET /api/server` answers, and a new
 * publisher on a fresh key reaches a new viewer with every frame. Returns problems (empty = ok).
 */
export async function checkServerServes(
  live: LiveServer,
  key: string,
  tags: readonly ClipTag[],
): Promise<string[]> {
  await apiServer(live);
  const probe = await startHealthyStream(live, key, tags, { loop: false, maxTags: 20 });
  await probe.publisher.done;
  const problems = await probe.check();
  if (probe.publisher.sent.length < 15) problems.push(`only ${probe.publisher.sent.length} sent`);
  await probe.stop();
  return problems;
}
