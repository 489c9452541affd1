/**
 * One player session: a fresh browser context and page, the probe installed before the page's
 * scripts, `seconds` of measuring after the first frame. Every second the bench drains the
 * probe; every 10 s it samples the page's live JS heap (CDP HeapProfiler.collectGarbage, then
 * Runtime.getHeapUsage: main thread only)
 * and the private resident memory of Chromium's renderer processes (which hold workers and MSE buffers).
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession } from 'playwright-core';
import type { PlayerName } from './bench-pages.js';
import { PROBE_GLOBAL } from './probe-types.js';
import type { ProbeBatch } from './probe-types.js';

const FIRST_FRAME_TIMEOUT_MS = 15_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SessionResult {
  player: PlayerName;
  /** Display epoch ms of each readable frame and its latency (ms), same order. */
  displayAt: number[];
  latencyMs: number[];
  frames: number;
  misread: number;
  firstFrameMs: number | null;
  /** [ms since first frame, MB] */
  heapMb: Array<[number, number]>;
  rendererMb: Array<[number, number]>;
  bufferedMaxSec: number;
  aheadMaxSec: number;
  unseenFrames: number;
  droppedFrames: number;
  /** getVideoPlaybackQuality().totalVideoFrames at the end: frames the decoder produced. */
  decodedFrames: number;
  /** Stalls after the first frame and their total duration (ProbeBatch). */
  stalls: number;
  stalledMs: number;
  /** Largest |page clock - wall clock| seen (ms): latencies are only as good as this. */
  clockSkewMs: number;
  errors: string[];
  failure: string | null;
}

/** Private resident memory (RssAnon: heaps, workers, media buffers; not the shared binary) summed over every renderer process (idle or spare renderers count too, a constant). */
async function rendererMb(browserCdp: CDPSession): Promise<number | null> {
  try {
    const info = (await browserCdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: Array<{ type: string; id: number }>;
    };
    let kb = 0;
    for (const process of info.processInfo.filter((p) => p.type === 'renderer')) {
      const status = readFileSync(`/proc/${String(process.id)}/status`, 'utf8');
      kb += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
    }
    return kb / 1024;
  } catch {
    return null;
  }
}

export async function runSession(
  browser: Browser,
  player: PlayerName,
  url: string,
  probe: string,
  seconds: number,
): Promise<SessionResult> {
  const result: SessionResult = {
    player,
    displayAt: [],
    latencyMs: [],
    frames: 0,
    misread: 0,
    firstFrameMs: null,
    heapMb: [],
    rendererMb: [],
    bufferedMaxSec: 0,
    aheadMaxSec: 0,
    unseenFrames: 0,
    droppedFrames: 0,
    decodedFrames: 0,
    stalls: 0,
    stalledMs: 0,
    clockSkewMs: 0,
    errors: [],
    failure: null,
  };
  const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
  const browserCdp = await browser.newBrowserCDPSession();
  try {
    await context.addInitScript({ content: probe });
    const page = await context.newPage();
    page.on('pageerror', (error) => result.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // Failed loads are reported with their URL by the response handler instead.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        result.errors.push(`console: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      const url = response.url();
      if (response.status() >= 400 && !url.endsWith('/favicon.ico')) {
        result.errors.push(`HTTP ${String(response.status())} ${url}`);
      }
    });
    const cdp = await context.newCDPSession(page);
    const opened = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    let firstFrameAt: number | null = null;
    let nextMemory = 0;
    while (firstFrameAt === null || Date.now() - firstFrameAt < seconds * 1000) {
      await sleep(1000);
      const batch = await page.evaluate<ProbeBatch>(`window.${PROBE_GLOBAL}.drain()`);
      result.errors.push(...batch.errors);
      for (let i = 0; i + 2 < batch.samples.length; i += 3) {
        const display = batch.samples[i] ?? 0;
        const capture = batch.samples[i + 1] ?? -1;
        result.frames++;
        if (capture < 0) {
          result.misread++;
          continue;
        }
        result.displayAt.push(display);
        result.latencyMs.push(display - capture);
      }
      result.bufferedMaxSec = Math.max(result.bufferedMaxSec, batch.bufferedSec);
      result.aheadMaxSec = Math.max(result.aheadMaxSec, batch.aheadSec);
      result.unseenFrames = batch.unseenFrames;
      result.droppedFrames = batch.droppedFrames;
      result.decodedFrames = batch.totalFrames;
      result.stalls = batch.stalls;
      result.stalledMs = batch.stalledMs;
      result.clockSkewMs = Math.max(result.clockSkewMs, Math.abs(batch.clockSkewMs));
      if (batch.firstFrameMs !== null && firstFrameAt === null) {
        result.firstFrameMs = batch.firstFrameMs;
        firstFrameAt = Date.now();
      }
      if (firstFrameAt === null) {
        if (Date.now() - opened > FIRST_FRAME_TIMEOUT_MS) {
          const why = result.errors.at(-1) ?? 'no error reported';
          result.failure = `no frame within ${String(FIRST_FRAME_TIMEOUT_MS / 1000)} s (${why})`;
          break;
        }
        continue;
      }
      const since = Date.now() - firstFrameAt;
      if (since >= nextMemory) {
        nextMemory = since + 10_000;
        // Live heap, not garbage waiting for a lazy GC: "bounded" is about what is retained.
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
        result.heapMb.push([since, heap.usedSize / 2 ** 20]);
        const rss = await rendererMb(browserCdp);
        if (rss !== null) result.rendererMb.push([since, rss]);
      }
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
  } finally {
    await browserCdp.detach().catch(() => undefined);
    await context.close().catch(() => undefined);
  }
  return result;
}
