/**
 * The Tidecast player in real Chromium against the real server, ffmpeg publishing: every
 * protocol plays (frames decoded, time advancing, audio decoded, no error events), and the
 * player recovers by itself from a publisher restart and from a dropped connection.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startLivePublisher } from './support/live-publisher.js';
import type { LivePublisher } from './support/live-publisher.js';
import { sleep, startLiveServer, waitForTracks } from './support/live-server.js';
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

async function server(overrides: Record<string, unknown> = {}): Promise<LiveServer> {
  const live = await startLiveServer({ logLevel: 'silent', ...overrides });
  cleanups.push(() => live.stop());
  return live;
}

function publish(live: LiveServer, key: string, seconds = 120): LivePublisher {
  const publisher = startLivePublisher(live.rtmpUrl(key), { seconds });
  cleanups.push(() => publisher.stop());
  return publisher;
}

async function player(base: string, options: Record<string, unknown>): Promise<Page> {
  const page = await openPlayerPage(browser, base, options);
  cleanups.push(() => page.close());
  return page;
}

/** Waits until the player decodes more than `frames` frames and returns that sample. */
async function framesAbove(page: Page, frames: number, timeoutMs = 15_000): Promise<PlayerSample> {
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

/** Once frames are being decoded again, plays for `ms` and checks it really advanced (video, time and audio). */
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

describe('Tidecast player in Chromium', () => {
  for (const [name, url] of [
    ['HTTP-FLV', (l: LiveServer) => l.httpUrl('live/p', 'flv')],
    ['WS-FLV', (l: LiveServer) => l.wsUrl('live/p', 'flv')],
    ['HTTP fMP4', (l: LiveServer) => l.httpUrl('live/p', 'mp4')],
    ['WS fMP4', (l: LiveServer) => l.wsUrl('live/p', 'mp4')],
  ] as const) {
    it(`plays ${name}: frames, time and audio advance, no error events`, async () => {
      const live = await server();
      publish(live, 'live/p');
      await waitForTracks(live, 'live/p', { video: true, audio: true });
      const page = await player(live.base, { url: url(live) });
      const sample = await expectPlaying(page, 3000);
      expect(sample.errors).toEqual([]);
      expect(sample.events['mediainfo']).toBeGreaterThanOrEqual(1);
      expect(sample.events['firstframe']).toBe(1);
      expect(sample.paused).toBe(false);
      expect(sample.stats.transmuxInWorker).toBe(true);
    });
  }

  it('evicts the back buffer and survives QuotaExceededError (evict behind the playhead, retry)', async () => {
    const live = await server();
    publish(live, 'live/q');
    await waitForTracks(live, 'live/q', { video: true, audio: true });
    // Back buffer of 2 s: what is behind the playhead keeps being removed.
    const evicting = await player(live.base, {
      url: live.httpUrl('live/q', 'flv'),
      backBufferSec: 2,
    });
    // The SourceBuffer reports "full" past 600 kB (about 5 s of this ~1 Mb/s stream):
    // QuotaExceededError on appends, answered by evicting behind the playhead and retrying.
    const quota = await player(live.base, {
      url: live.wsUrl('live/q', 'flv'),
      backBufferSec: 60,
      maxBufferBytes: 600_000,
    });
    await sleep(5000);
    const [a, b] = [await expectPlaying(evicting, 3000), await expectPlaying(quota, 3000)];
    expect(a.stats.evictions).toBeGreaterThan(0);
    const [start] = a.buffered[0] ?? [0];
    expect(start).toBeGreaterThan(a.currentTime - 4);
    expect(b.stats.quotaExceeded).toBeGreaterThan(0);
    expect(b.stats.evictions).toBeGreaterThan(0);
    expect(b.stats.bufferedSec).toBeLessThan(7);
    for (const sample of [a, b]) expect(sample.errors.filter((e) => e.fatal)).toEqual([]);
  });

  it('continues through a publisher restart within the grace period and after it', async () => {
    const live = await server({ publisherGraceMs: 2000 });
    const first = publish(live, 'live/r');
    await waitForTracks(live, 'live/r', { video: true, audio: true });
    const page = await player(live.base, { url: live.httpUrl('live/r', 'flv') });
    await expectPlaying(page, 1500);
    // Within the grace period: the connection stays, the next frames continue the timeline.
    await first.stop();
    const second = publish(live, 'live/r');
    await sleep(1500);
    const within = await expectPlaying(page, 2000);
    expect(within.events['reconnect'] ?? 0).toBe(0);
    // Past it: the stream ends, the player retries until a new publisher is there.
    await second.stop();
    await sleep(3500);
    // A new publisher at another resolution: a new init segment on the same SourceBuffer.
    const third = startLivePublisher(live.rtmpUrl('live/r'), { size: '480x270' });
    cleanups.push(() => third.stop());
    await waitForTracks(live, 'live/r', { video: true, audio: true });
    await sleep(1000);
    const after = await expectPlaying(page, 2500);
    expect(after.events['reconnect']).toBeGreaterThanOrEqual(1);
    expect(after.events['mediainfo']).toBeGreaterThanOrEqual(2);
    expect(after.videoWidth).toBe(480);
    expect(after.errors.filter((e) => e.fatal)).toEqual([]);
  });

  it('jumps back to the live edge when a hidden tab becomes visible again', async () => {
    const live = await server();
    publish(live, 'live/h');
    await waitForTracks(live, 'live/h', { video: true, audio: true });
    const page = await player(live.base, { url: live.httpUrl('live/h', 'flv') });
    await expectPlaying(page, 1000);
    // What a background tab does to a muted video: it stops, and the live edge runs away.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
      document.querySelector('video')?.pause();
    });
    await sleep(3000);
    const behind = await samplePlayer(page);
    const edge = (s: PlayerSample): number => (s.buffered.at(-1)?.[1] ?? 0) - s.currentTime;
    expect(edge(behind)).toBeGreaterThan(1);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'visible',
      });
      document.dispatchEvent(new Event('visibilitychange'));
      void document.querySelector('video')?.play();
    });
    await sleep(1500);
    const back = await samplePlayer(page);
    expect(edge(back)).toBeLessThan(0.6);
    expect(back.paused).toBe(false);
  });

  it('reconnects by itself when the server drops the connection (server restart)', async () => {
    const live = await server();
    const publisher = publish(live, 'live/d');
    await waitForTracks(live, 'live/d', { video: true, audio: true });
    const page = await player(live.base, { url: live.wsUrl('live/d', 'flv') });
    await expectPlaying(page, 1500);
    await publisher.stop();
    await live.stop();
    await sleep(800);
    const again = await server({ httpPort: live.ports.httpPort, rtmpPort: live.ports.rtmpPort });
    publish(again, 'live/d');
    await waitForTracks(again, 'live/d', { video: true, audio: true });
    const after = await expectPlaying(page, 3000);
    expect(after.events['reconnect']).toBeGreaterThanOrEqual(1);
    expect(after.errors.filter((e) => e.fatal)).toEqual([]);
  });
});
