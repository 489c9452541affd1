/**
 * `/watch.html?stream=APP/STREAM[&protocol=http-flv|ws-flv|http-fmp4|ws-fmp4|ll-hls|hls-ts]`: the Tidecast
 * player on one live stream, a protocol switch (kept in the URL), a stats overlay and live
 * charts of latency, buffer and bitrate. The Player is exposed as `window.tidecastPlayer`.
 */
import { createPlayer } from '../../../packages/player/src/index.js';
import type { Player, PlayerStats } from '../../../packages/player/src/index.js';
import { exposePlayer } from './player-global.js';
import { byId, h, showProblem } from './dom.js';
import { SampleSeries, drawChart } from './live-chart.js';
import { overlayRows, renderOverlay } from './stats-overlay.js';
import { PROTOCOLS, findProtocol, mediaUrl, parseStreamParam, watchHref } from './stream-params.js';
import type { Protocol, StreamTarget } from './stream-params.js';

const SAMPLE_MS = 500;
const MAX_EVENTS = 50;

const video = byId('video', HTMLVideoElement);
const problem = byId('problem', HTMLParagraphElement);
const statsList = byId('stats', HTMLDListElement);
const eventsList = byId('events', HTMLOListElement);
const charts = [
  {
    canvas: byId('chart-latency', HTMLCanvasElement),
    series: new SampleSeries(),
    style: { color: '#c62828', unit: 'ms' },
  },
  {
    canvas: byId('chart-buffer', HTMLCanvasElement),
    series: new SampleSeries(),
    style: { color: '#0b6bcb', unit: 'ms' },
  },
  {
    canvas: byId('chart-bitrate', HTMLCanvasElement),
    series: new SampleSeries(),
    style: { color: '#2e7d32', unit: 'kbit/s' },
  },
] as const;

let player: Player | undefined;
let unsubscribe: Array<() => void> = [];
let lastStats: PlayerStats | undefined;
let firstFrameMs: number | undefined;
let lastError: string | undefined;

let lastEvent = { text: '', repeats: 0 };

/** Newest first; a repeat of the newest line updates its count instead of adding a line. */
function logEvent(text: string): void {
  const time = new Date().toLocaleTimeString();
  const newest = eventsList.firstElementChild;
  if (newest !== null && lastEvent.text === text) {
    lastEvent.repeats++;
    newest.textContent = `${time} ${text} (×${lastEvent.repeats})`;
    return;
  }
  lastEvent = { text, repeats: 1 };
  eventsList.prepend(h('li', {}, `${time} ${text}`));
  while (eventsList.children.length > MAX_EVENTS) eventsList.lastElementChild?.remove();
}

function stop(): void {
  for (const off of unsubscribe) off();
  unsubscribe = [];
  player?.destroy();
  player = undefined;
  exposePlayer(undefined);
}

function start(target: StreamTarget, protocol: Protocol): void {
  stop();
  lastStats = undefined;
  firstFrameMs = undefined;
  lastError = undefined;
  for (const c of charts) c.series.clear();
  const url = mediaUrl(location, target, protocol);
  byId('source-url', HTMLElement).textContent = url;
  byId('embed-link', HTMLAnchorElement).href =
    `/embed.html?src=${encodeURIComponent(url)}&type=${protocol.type}`;
  let p: Player;
  try {
    p = createPlayer(video, { url, type: protocol.type });
  } catch (error) {
    showProblem(problem, error instanceof Error ? error.message : String(error));
    return;
  }
  problem.hidden = true;
  unsubscribe = [
    p.on('stats', (s) => (lastStats = s)),
    p.on('mediainfo', (m) => logEvent(`media ${m.mimeType}`)),
    p.on('firstframe', (e) => {
      firstFrameMs = e.elapsedMs;
      logEvent(`first frame after ${Math.round(e.elapsedMs)} ms`);
    }),
    p.on('reconnect', (e) =>
      logEvent(`reconnect #${e.attempt} in ${Math.round(e.delayMs)} ms (${e.reason})`),
    ),
    p.on('stall', (e) =>
      logEvent(
        e.phase === 'start'
          ? 'stall'
          : `stall over after ${Math.round(e.durationMs ?? 0)} ms${e.recovery === undefined ? '' : ` (${e.recovery})`}`,
      ),
    ),
    p.on('latency', (e) => {
      if (e.action === 'seek')
        logEvent(`jumped to the live edge (latency ${Math.round(e.latencyMs)} ms)`);
    }),
    p.on('error', (e) => {
      lastError = `${e.code}${e.fatal ? ' (fatal)' : ''}: ${e.message}`;
      logEvent(`error ${lastError}`);
    }),
  ];
  player = p;
  exposePlayer(p);
  logEvent(`${protocol.label} ${url}`);
  p.load();
}

function sample(protocol: () => Protocol): void {
  const now = performance.now();
  const stats = player?.getStats() ?? lastStats;
  if (stats !== undefined) {
    lastStats = stats;
    charts[0].series.push(now, stats.latencyMs);
    charts[1].series.push(now, stats.bufferMs);
    charts[2].series.push(now, stats.bitrateBps / 1000);
  }
  renderOverlay(
    statsList,
    overlayRows({
      protocol: protocol().label,
      stats,
      media: player?.media,
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
      firstFrameMs,
      lastError,
    }),
  );
  for (const c of charts) drawChart(c.canvas, c.series, c.style, now);
}

function buildSwitch(current: Protocol, onChange: (p: Protocol) => void): void {
  const fieldset = byId('protocols', HTMLFieldSetElement);
  for (const p of PROTOCOLS) {
    const input = h('input', { type: 'radio', name: 'protocol', value: p.id });
    input.checked = p.id === current.id;
    input.addEventListener('change', () => {
      if (input.checked) onChange(p);
    });
    fieldset.append(h('label', {}, input, h('span', {}, p.label)));
  }
}

function main(): void {
  const params = new URLSearchParams(location.search);
  const target = parseStreamParam(params.get('stream'));
  if (typeof target === 'string') {
    showProblem(problem, target);
    return;
  }
  let protocol = findProtocol(params.get('protocol'));
  document.title = `${target.app}/${target.stream} · Tidecast`;
  byId('title', HTMLHeadingElement).textContent = `${target.app}/${target.stream}`;
  byId('player-area', HTMLDivElement).hidden = false;
  buildSwitch(protocol, (next) => {
    protocol = next;
    // Not URLSearchParams.toString(): it would escape the slash in `stream=APP/STREAM`.
    history.replaceState(null, '', watchHref(target, next.id));
    start(target, next);
  });
  start(target, protocol);
  setInterval(() => sample(() => protocol), SAMPLE_MS);
  window.addEventListener('pagehide', stop);
}

main();
