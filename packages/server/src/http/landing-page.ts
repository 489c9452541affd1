/**
 * The page at `/`: every live stream with its URLs, and a muted `<video>` playing the first
 * few streams over live fMP4. Browsers play fragmented MP4 from a plain `src`, so this needs no
 * script at all; the MSE player and dashboard of apps/web replace it in the player milestone.
 */
import type { ApiServer, ApiStream } from './api.js';

/** More previews than this would open as many long-lived downloads per page view. */
const MAX_PREVIEWS = 4;

export function renderLandingPage(
  streams: readonly ApiStream[],
  server: ApiServer,
  host: string,
): string {
  const items = streams.map((s, i) => renderStream(s, i < MAX_PREVIEWS, server, host)).join('\n');
  const empty = `<p>No live streams yet. Publish one: <code>ffmpeg -re -i input.mp4 -c copy -f flv rtmp://${escapeHtml(hostname(host))}:${server.rtmpPort}/live/mystream</code></p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tidecast</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2433; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
section { border-top: 1px solid #d5dbe5; padding: 1rem 0; }
video { width: 100%; max-width: 40rem; background: #000; display: block; margin: 0.5rem 0; }
code { background: #eef1f6; padding: 0 0.25rem; border-radius: 3px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0; }
dt { color: #5a6478; }
</style>
</head>
<body>
<h1>Tidecast</h1>
<p>${streams.length} live stream${streams.length === 1 ? '' : 's'} &middot; <a href="/api/streams">/api/streams</a> &middot; <a href="/api/server">/api/server</a> &middot; <a href="/metrics">/metrics</a></p>
${streams.length === 0 ? empty : items}
</body>
</html>
`;
}

function renderStream(s: ApiStream, preview: boolean, server: ApiServer, host: string): string {
  const path = `/${encodeURIComponent(s.app)}/${encodeURIComponent(s.stream)}`;
  const name = escapeHtml(s.key);
  const video =
    s.video === null
      ? 'no video'
      : `${escapeHtml(s.video.codecString)} ${s.video.width}x${s.video.height}`;
  const audio =
    s.audio === null ? 'no audio' : `${escapeHtml(s.audio.codecString)} ${s.audio.sampleRate} Hz`;
  const h = escapeHtml(host);
  const rtmp = `rtmp://${escapeHtml(hostname(host))}:${server.rtmpPort}${path}`;
  return `<section>
<h2>${name}</h2>
${preview ? `<video src="${path}.mp4" muted autoplay playsinline controls></video>` : ''}
<dl>
<dt>tracks</dt><dd>${video}, ${audio}</dd>
<dt>viewers</dt><dd>${s.viewers.total}</dd>
<dt>HTTP-FLV</dt><dd><code>http://${h}${path}.flv</code></dd>
<dt>WS-FLV</dt><dd><code>ws://${h}${path}.flv</code></dd>
<dt>fMP4</dt><dd><code>http://${h}${path}.mp4</code> &middot; <code>ws://${h}${path}.mp4</code></dd>
<dt>RTMP</dt><dd><code>${rtmp}</code></dd>
</dl>
</section>`;
}

/** The Host header without its port (it names the HTTP port, not the RTMP one). */
function hostname(host: string): string {
  return host.replace(/:\d+$/, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
