/**
 * The newcomer's path from the README: the server with its demo stream, `/` in a browser lists
 * it, its watch link plays it with the Tidecast player, and the protocol switch works.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixture } from '../fixtures/fixtures.js';
import { launchChromium } from './support/chromium.js';
import { sleep, startLiveServer, waitForTracks } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';

let browser: Browser;
let live: LiveServer;

beforeAll(async () => {
  const clip = await ensureFixture('demo-loop.flv');
  live = await startLiveServer({ logLevel: 'silent', demo: { enabled: true, file: clip } });
  browser = await launchChromium();
  await waitForTracks(live, 'live/demo', { video: true, audio: true });
});

afterAll(async () => {
  await browser?.close();
  await live?.stop();
});

function videoState(page: Page): Promise<{ frames: number; time: number; error: string | null }> {
  return page.locator('video').evaluate((v: HTMLVideoElement) => ({
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
    time: v.currentTime,
    error: v.error?.message ?? null,
  }));
}

async function expectAdvancing(page: Page): Promise<void> {
  await expect
    .poll(async () => (await videoState(page)).frames, { timeout: 15_000 })
    .toBeGreaterThan(10);
  const first = await videoState(page);
  await sleep(1500);
  const second = await videoState(page);
  expect(second.error).toBeNull();
  expect(second.frames).toBeGreaterThan(first.frames + 20);
  expect(second.time).toBeGreaterThan(first.time + 1);
}

describe('web pages', () => {
  it('dashboard lists the demo stream; its watch page plays it; the protocol switch works', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${live.base}/`);
    const row = page.locator('#stream-rows tr', { hasText: 'live/demo' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toMatch(/avc1/);
    await row.locator('a.watch').click();
    await page.waitForURL(/watch\.html\?stream=live%2Fdemo|watch\.html\?stream=live\/demo/);
    await expectAdvancing(page);
    // The overlay shows the player's stats.
    await expect.poll(() => page.locator('#stats').textContent()).toMatch(/\d/);
    await page.locator('input[name=protocol][value=ws-fmp4]').check();
    await expect.poll(() => page.url()).toMatch(/protocol=ws-fmp4/);
    await expect.poll(() => page.locator('#source-url').textContent()).toMatch(/^ws:.*\.mp4$/);
    await expectAdvancing(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(['ll-hls', 'hls-ts'])('watch page plays the stream over %s', async (protocol) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${live.base}/watch.html?stream=live/demo&protocol=${protocol}`);
    await expect.poll(() => page.locator('#source-url').textContent()).toMatch(/\.m3u8$/);
    await expectAdvancing(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embed page plays the URL it is given and exposes the player', async () => {
    const page = await browser.newPage();
    const src = encodeURIComponent(`${live.base}/live/demo.flv`);
    await page.goto(`${live.base}/embed.html?src=${src}`);
    await expectAdvancing(page);
    const stats = await page.evaluate(() => {
      const w = window as unknown as { tidecastPlayer?: { getStats(): { bytesReceived: number } } };
      return w.tidecastPlayer?.getStats();
    });
    expect(stats?.bytesReceived).toBeGreaterThan(10_000);
    await page.close();
  });
});
