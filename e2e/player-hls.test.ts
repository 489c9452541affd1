/**
 * HLS in real Chromium. (a) The Tidecast player plays what ffmpeg's own HLS muxer writes (TS and
 * fMP4 segments; VOD from the start, live near the edge), served from the page's own origin, and
 * turns a bad playlist or segment into a typed error without breaking. (b) hls.js, the reference
 * client, plays the server's LL-HLS (fMP4) and TS playlists. (c) The Tidecast player plays the
 * server's playlists while ffmpeg publishes, and keeps playing across a publisher restart.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startLiveHls, writeVodHls } from './support/hls-ffmpeg.js';
import type { HlsSegmentKind } from './support/hls-ffmpeg.js';
import { startHlsStaticServer } from './support/hls-static-server.js';
import type { HlsStaticServer } from './support/hls-static-server.js';
import { startLivePublisher } from './support/live-publisher.js';
import { sleep, startLiveServer, waitFor, waitForTracks } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';
import { openPlayerPage, samplePlayer } from './support/player-page.js';
import type { PlayerSample } from './support/player-page.js';

let browser: Browser;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tidecast-hls-e2e-'));
}

async function staticServer(dir: string): Promise<HlsStaticServer> {
  const server = await startHlsStaticServer(dir);
  cleanups.push(() => server.stop());
  return server;
}

async function player(base: string, options: Record<string, unknown>): Promise<Page> {
  const page = await openPlayerPage(browser, base, options);
  cleanups.push(() => page.close());
  return page;
}

async function framesAbove(page: Page, frames: number, timeoutMs = 20_000): Promise<PlayerSample> {
  let last: PlayerSample | undefined;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    last = await samplePlayer(page);
    if (last.errors.some((e) => e.fatal)) break;
    if (last.decodedFrames > frames) return last;
    await sleep(100);
  }
  throw new Error(`decoded frames stayed at ${last?.decodedFrames}: ${JSON.stringify(last)}`);
}

/** Plays for `ms` and checks video frames, media time and audio all advanced. */
async function expectPlaying(page: Page, ms: number): Promise<PlayerSample> {
  const start = await samplePlayer(page);
  const before = await framesAbove(page, start.decodedFrames + 10);
  await sleep(ms);
  const after = await samplePlayer(page);
  const seconds = ms / 1000;
  expect(after.mediaError).toBeNull();
  expect(after.decodedFrames - before.decodedFrames).toBeGreaterThan(25 * seconds * 0.7);
  expect(after.currentTime - before.currentTime).toBeGreaterThan(seconds * 0.7);
  expect(after.audioBytes).toBeGreaterThan(before.audioBytes);
  return after;
}

const KINDS: HlsSegmentKind[] = ['ts', 'fmp4'];

describe('Tidecast player: HLS written by ffmpeg', () => {
  for (const kind of KINDS) {
    it(`plays ${kind} VOD from the start, without latency control`, async () => {
      const dir = tempDir();
      writeVodHls(dir, kind, 8);
      const web = await staticServer(dir);
      const page = await player(web.base, { url: '/hls/index.m3u8' });
      const first = await framesAbove(page, 5);
      // It starts at the first segment (ffmpeg's TS timeline starts at 1.4 s).
      expect(first.buffered[0]?.[0] ?? 99).toBeLessThan(1.6);
      expect(first.currentTime).toBeLessThan(2.5);
      const sample = await expectPlaying(page, 3000);
      expect(sample.errors).toEqual([]);
      expect(sample.events['latency'] ?? 0).toBe(0);
      expect(web.requests).toContain(kind === 'ts' ? '/hls/seg007.ts' : '/hls/seg007.m4s');
      if (kind === 'fmp4')
        expect(web.requests.filter((r) => r === '/hls/init.mp4')).toHaveLength(1);
    });

    it(`plays live ${kind} HLS near the live edge`, async () => {
      const dir = tempDir();
      const writer = await startLiveHls(dir, kind);
      cleanups.push(() => writer.stop());
      const web = await staticServer(dir);
      await sleep(2500); // a few segments in the window
      const page = await player(web.base, { url: `${web.base}/hls/index.m3u8` });
      const sample = await expectPlaying(page, 4000);
      expect(sample.errors).toEqual([]);
      // About a segment (1 s) plus margin ahead, not the whole 6-segment window.
      expect(sample.stats.latencyMs).toBeLessThan(3500);
      expect(sample.events['firstframe']).toBe(1);
      expect(sample.stats.bitrateBps).toBeGreaterThan(0);
    });
  }

  it('turns a bad playlist into a non-fatal DEMUX error and retries, without page errors', async () => {
    const dir = tempDir();
    const web = await staticServer(dir);
    web.override('/hls/bad.m3u8', '#EXTM3U\n#EXTINF:abc,\nx.ts\n');
    const pageErrors: string[] = [];
    const page = await player(web.base, {
      url: '/hls/bad.m3u8',
      reconnect: { initialDelayMs: 100, maxDelayMs: 200 },
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const sample = await waitFor('a DEMUX error and a retry', async () => {
      const s = await samplePlayer(page);
      return (s.events['reconnect'] ?? 0) >= 2 ? s : undefined;
    });
    expect(sample.errors.length).toBeGreaterThanOrEqual(2);
    expect(sample.errors[0]).toMatchObject({ code: 'DEMUX', fatal: false });
    expect(pageErrors).toEqual([]);
  });

  it('turns a garbage segment into a typed DEMUX error, the media element unharmed', async () => {
    const dir = tempDir();
    writeVodHls(dir, 'ts', 4);
    const web = await staticServer(dir);
    web.override('/hls/seg000.ts', 'this is not a transport stream'.repeat(20));
    const page = await player(web.base, {
      url: '/hls/index.m3u8',
      reconnect: { initialDelayMs: 100, maxDelayMs: 200, maxAttempts: 2 },
    });
    const sample = await waitFor('the transmux error', async () => {
      const s = await samplePlayer(page);
      return s.errors.length > 0 ? s : undefined;
    });
    expect(sample.errors[0]?.code).toBe('DEMUX');
    expect(sample.mediaError).toBeNull();
  });
});

const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

async function server(overrides: Record<string, unknown> = {}): Promise<LiveServer> {
  const live = await startLiveServer({ logLevel: 'silent', ...overrides });
  cleanups.push(() => live.stop());
  return live;
}

function publish(live: LiveServer, key: string): { stop(): Promise<void> } {
  const publisher = startLivePublisher(live.rtmpUrl(key), { seconds: 120 });
  cleanups.push(() => publisher.stop());
  return publisher;
}

/** Waits until the server's playlist answers 200 with a few segments in it. */
async function waitForPlaylist(url: string, segments = 2): Promise<string> {
  return waitFor(
    `playlist ${url}`,
    async () => {
      const res = await fetch(url).catch(() => undefined);
      if (res?.status !== 200) return undefined;
      const text = await res.text();
      return (text.match(/#EXTINF/g) ?? []).length >= segments ? text : undefined;
    },
    20_000,
    200,
  );
}

/** hls.js in a page of the server's origin, attached to a muted video. */
async function hlsJsPage(base: string, src: string): Promise<Page> {
  const page = await browser.newPage();
  cleanups.push(() => page.close());
  await page.goto(`${base}/embed.html`);
  await page.addScriptTag({ path: HLS_JS });
  await page.evaluate((url) => {
    const w = window as unknown as Record<string, unknown>;
    const Hls = w['Hls'] as new (c: unknown) => {
      loadSource(u: string): void;
      attachMedia(v: HTMLVideoElement): void;
      on(n: string, l: (e: unknown, d: { fatal: boolean; details: string }) => void): void;
    };
    document.body.replaceChildren();
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    const errors: unknown[] = [];
    const hls = new Hls({ lowLatencyMode: true });
    hls.on('hlsError', (_e, d) => errors.push({ code: d.details, fatal: d.fatal, message: '' }));
    hls.loadSource(url);
    hls.attachMedia(video);
    w['__errors'] = errors;
    w['__events'] = {};
    w['__player'] = { getStats: () => ({}) };
  }, src);
  return page;
}

describe('server HLS', () => {
  for (const [name, path] of [
    ['LL-HLS (fMP4)', 'live/h.m3u8'],
    ['TS', 'live/h.ts.m3u8'],
  ] as const) {
    it(`hls.js plays the server's ${name} playlist`, async () => {
      const live = await server();
      publish(live, 'live/h');
      await waitForTracks(live, 'live/h', { video: true, audio: true });
      await waitForPlaylist(`${live.base}/${path}`);
      const page = await hlsJsPage(live.base, `/${path}`);
      const sample = await expectPlaying(page, 3000);
      expect(sample.errors.filter((e) => e.fatal)).toEqual([]);
    });

    it(`the Tidecast player plays the server's ${name} playlist`, async () => {
      const live = await server();
      publish(live, 'live/t');
      await waitForTracks(live, 'live/t', { video: true, audio: true });
      const url = `${live.base}/${path.replace('/h.', '/t.')}`;
      await waitForPlaylist(url);
      const page = await player(live.base, { url });
      const sample = await expectPlaying(page, 4000);
      expect(sample.errors).toEqual([]);
      expect(sample.stats.latencyMs).toBeLessThan(path.endsWith('.ts.m3u8') ? 4500 : 2500);
    });
  }

  for (const ext of ['m3u8', 'ts.m3u8'] as const) {
    it(`keeps playing .${ext} across a publisher restart`, async () => {
      const live = await server({ publisherGraceMs: 4000 });
      const first = publish(live, 'live/r');
      await waitForTracks(live, 'live/r', { video: true, audio: true });
      const url = `${live.base}/live/r.${ext}`;
      await waitForPlaylist(url);
      const page = await player(live.base, { url });
      await expectPlaying(page, 2000);
      await first.stop();
      publish(live, 'live/r');
      await sleep(1000);
      const after = await expectPlaying(page, 4000);
      // The restart is an EXT-X-DISCONTINUITY in the same playlist: no reconnect, a second
      // init segment, and the new timeline continues the buffered one without a gap.
      expect(await (await fetch(url)).text()).toContain('#EXT-X-DISCONTINUITY');
      expect(after.events['reconnect'] ?? 0).toBe(0);
      expect(after.events['mediainfo']).toBeGreaterThanOrEqual(2);
      expect(after.buffered).toHaveLength(1);
      expect(after.errors).toEqual([]);
      expect(after.mediaError).toBeNull();
    });
  }
});
