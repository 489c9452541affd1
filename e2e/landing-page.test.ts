import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixture } from '../fixtures/fixtures.js';
import { configFromObject } from '../packages/server/src/config.js';
import { createServer } from '../packages/server/src/server.js';
import type { TidecastServer } from '../packages/server/src/server.js';
import { launchChromium } from './support/chromium.js';

/** fetch() may not set Host, so a raw request it is. */
function getWithHost(url: string, host: string): Promise<{ contentType: string; html: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let html = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (html += chunk));
      res.on('end', () => resolve({ contentType: res.headers['content-type'] ?? '', html }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The newcomer's path from the README: start the server with its demo stream, open `/` in a
 * browser, and live video plays at once (native <video> over live fMP4, no script).
 */
let browser: Browser;
let server: TidecastServer;
let base = '';

beforeAll(async () => {
  const clip = await ensureFixture('demo-loop.flv');
  server = createServer(
    configFromObject({
      host: '127.0.0.1',
      rtmpPort: 0,
      httpPort: 0,
      logLevel: 'silent',
      demo: { enabled: true, file: clip },
    }),
  );
  const ports = await server.start();
  base = `http://127.0.0.1:${ports.httpPort}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('landing page', () => {
  it('lists the demo stream and plays it live in Chromium', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The demo publisher starts with the server; give it a moment to register the stream.
    let html = '';
    for (let i = 0; i < 50 && !html.includes('live/demo'); i++) {
      html = await (await fetch(`${base}/`)).text();
      if (!html.includes('live/demo')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(html).toContain('<h2>live/demo</h2>');
    await page.goto(`${base}/`);
    const video = page.locator('video').first();
    await expect.poll(() => video.getAttribute('src')).toBe('/live/demo.mp4');
    const sample = () =>
      video.evaluate((v: HTMLVideoElement) => ({
        time: v.currentTime,
        frames: v.getVideoPlaybackQuality().totalVideoFrames,
        error: v.error?.message ?? null,
      }));
    await expect.poll(async () => (await sample()).frames, { timeout: 15_000 }).toBeGreaterThan(30);
    const first = await sample();
    await page.waitForTimeout(1500);
    const second = await sample();
    expect(second.error).toBeNull();
    expect(second.time).toBeGreaterThan(first.time + 0.5);
    expect(second.frames).toBeGreaterThan(first.frames + 15);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('escapes a hostile Host header instead of echoing it', async () => {
    const { contentType, html } = await getWithHost(`${base}/`, '"><script>x</script>');
    expect(contentType).toBe('text/html; charset=utf-8');
    expect(html).not.toContain('<script>');
    expect(html).toContain('http://localhost/live/demo.flv');
  });
});
