/**
 * A page of the server's own origin (Chromium's local network access checks block pages from
 * elsewhere, even playwright-routed ones, from loopback scripts and WebSockets) that loads the server's `/tidecast-player.js` bundle (as a third
 * party would) and creates a player with listeners attached before `load()`, so no event is
 * missed. `samplePlayer` reads what the media element and the player report.
 */
import type { Browser, Page } from 'playwright-core';

export interface PlayerSample {
  currentTime: number;
  decodedFrames: number;
  droppedFrames: number;
  /** Chromium's decoded audio byte count: > 0 means audio really plays. */
  audioBytes: number;
  paused: boolean;
  videoWidth: number;
  buffered: [number, number][];
  errors: { code: string; fatal: boolean; message: string }[];
  events: Record<string, number>;
  stats: {
    latencyMs: number;
    bufferMs: number;
    reconnects: number;
    bitrateBps: number;
    stalls: number;
    bufferedSec: number;
    transmuxInWorker: boolean;
    quotaExceeded: number;
    evictions: number;
  };
  mediaError: string | null;
}

export async function openPlayerPage(
  browser: Browser,
  base: string,
  options: Record<string, unknown>,
): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  // A page of the server itself (embed.html with no src plays nothing), then the bundle.
  await page.goto(`${base}/embed.html`);
  await page.addScriptTag({ url: '/tidecast-player.js' });
  await page.evaluate((opts) => {
    const w = window as unknown as Record<string, unknown>;
    const api = w['Tidecast'] as {
      createPlayer(
        v: HTMLVideoElement,
        o: unknown,
      ): {
        on(n: string, l: (e: unknown) => void): void;
        load(): void;
      };
    };
    document.body.replaceChildren();
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.body.append(video);
    const player = api.createPlayer(video, opts);
    const errors: unknown[] = [];
    const events: Record<string, number> = {};
    for (const name of ['mediainfo', 'error', 'reconnect', 'stall', 'latency', 'firstframe']) {
      player.on(name, (e) => {
        events[name] = (events[name] ?? 0) + 1;
        if (name === 'error') {
          const err = e as { code: string; fatal: boolean; message: string };
          errors.push({ code: err.code, fatal: err.fatal, message: err.message });
        }
      });
    }
    w['__player'] = player;
    w['__errors'] = errors;
    w['__events'] = events;
    player.load();
  }, options);
  return page;
}

export function samplePlayer(page: Page): Promise<PlayerSample> {
  return page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const video = document.querySelector('video') as HTMLVideoElement & {
      webkitAudioDecodedByteCount?: number;
    };
    const quality = video.getVideoPlaybackQuality();
    const buffered: [number, number][] = [];
    for (let i = 0; i < video.buffered.length; i++) {
      buffered.push([video.buffered.start(i), video.buffered.end(i)]);
    }
    const player = w['__player'] as { getStats(): PlayerSample['stats'] };
    return {
      currentTime: video.currentTime,
      decodedFrames: quality.totalVideoFrames,
      droppedFrames: quality.droppedVideoFrames,
      audioBytes: video.webkitAudioDecodedByteCount ?? 0,
      paused: video.paused,
      videoWidth: video.videoWidth,
      buffered,
      errors: w['__errors'] as PlayerSample['errors'],
      events: w['__events'] as Record<string, number>,
      stats: player.getStats(),
      mediaError: video.error?.message ?? null,
    };
  });
}
