/**
 * `/`: the live streams from `/api/streams`, refreshed every 2 s. A poll starts only after the
 * previous one finished (a slow server never piles up requests) and gives up after 5 s.
 */
import { parseRtmpPort, parseStreams } from './api-streams.js';
import { streamRow } from './dashboard-table.js';
import { byId } from './dom.js';

const POLL_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

const status = byId('status', HTMLParagraphElement);
const empty = byId('empty', HTMLDivElement);
const table = byId('streams', HTMLTableElement);
const rows = byId('stream-rows', HTMLTableSectionElement);
const hint = byId('publish-hint', HTMLElement);

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(path, {
    cache: 'no-store',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as unknown;
}

async function showPublishHint(): Promise<void> {
  try {
    const port = parseRtmpPort(await getJson('/api/server')) ?? 1935;
    hint.textContent = `ffmpeg -re -i input.mp4 -c copy -f flv rtmp://${location.hostname}:${port}/live/mystream`;
  } catch {
    // Keep the generic hint.
  }
}

async function refresh(): Promise<void> {
  try {
    const streams = parseStreams(await getJson('/api/streams'));
    rows.replaceChildren(...streams.map(streamRow));
    table.hidden = streams.length === 0;
    empty.hidden = streams.length > 0;
    status.textContent =
      streams.length === 0
        ? 'No live streams.'
        : `${streams.length} live stream${streams.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    // Keep the last table: a restarting server should not blank the page.
    status.textContent = `Cannot reach the server (${error instanceof Error ? error.message : String(error)}); retrying…`;
  }
}

async function poll(): Promise<void> {
  await refresh();
  setTimeout(() => void poll(), POLL_MS);
}

void showPublishHint();
void poll();
