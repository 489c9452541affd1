/** One table row per live stream (text nodes only: stream names come from publishers). */
import { PROTOCOL_LABELS } from './api-streams.js';
import type { DashboardStream } from './api-streams.js';
import { h } from './dom.js';
import { formatBitrate, formatDuration, formatFps } from './format.js';
import { watchHref } from './stream-params.js';

function videoText(s: DashboardStream): string {
  if (s.video === null) return 'no video';
  const size = s.video.width > 0 ? ` ${s.video.width}×${s.video.height}` : '';
  const fps = formatFps(s.video.fps);
  return `${s.video.codec}${size}${fps === '' ? '' : ` ${fps}`}`;
}

function audioText(s: DashboardStream): string {
  if (s.audio === null) return 'no audio';
  const rate = s.audio.sampleRate > 0 ? ` ${(s.audio.sampleRate / 1000).toFixed(1)} kHz` : '';
  const ch = s.audio.channels > 0 ? ` ${s.audio.channels} ch` : '';
  return `${s.audio.codec}${rate}${ch}`;
}

/** `3` plus the non-zero protocols, e.g. `HTTP-FLV 2 · WS-fMP4 1`. */
export function viewersText(s: DashboardStream): { total: string; detail: string } {
  const detail = Object.entries(s.viewers)
    .filter(([, n]) => n > 0)
    .map(([p, n]) => `${PROTOCOL_LABELS[p] ?? p} ${n}`)
    .join(' · ');
  return { total: String(s.viewersTotal), detail };
}

export function streamRow(s: DashboardStream): HTMLTableRowElement {
  const viewers = viewersText(s);
  const badge = s.live
    ? h('span', { class: 'badge', title: 'publisher connected' }, 'LIVE')
    : h('span', { class: 'badge waiting', title: 'waiting for the publisher to return' }, 'WAIT');
  return h(
    'tr',
    { 'data-stream': s.key },
    h('td', {}, h('span', { class: 'key' }, s.key), badge),
    h('td', {}, videoText(s)),
    h('td', {}, audioText(s)),
    h('td', { class: 'num' }, formatBitrate(s.bitrateIn)),
    h(
      'td',
      {},
      h('strong', {}, viewers.total),
      ' ',
      h('span', { class: 'viewers' }, viewers.detail),
    ),
    h('td', { class: 'num' }, formatDuration(s.uptimeMs)),
    h('td', {}, h('a', { href: watchHref(s), class: 'watch' }, 'Watch')),
  );
}
