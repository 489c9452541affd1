/**
 * The pages the bench opens. Tidecast: the server's own /embed.html when it is there (else a
 * stand-in page that loads the built player the same way). mpegts.js: a page with its npm
 * bundle and its default live config. Both stand-in pages come from a small static server of
 * the bench's (the live server answers CORS, so the players fetch the stream cross-origin).
 * The in-page probe is page-probe.ts bundled by esbuild into one classic script.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

/** FLV bench: tidecast vs mpegts.js; HLS bench (hls-run.ts): tidecast vs hls.js per variant. */
export type PlayerName =
  'tidecast' | 'mpegts' | 'tidecast-llhls' | 'hlsjs-llhls' | 'tidecast-hls' | 'hlsjs-hls';

/** The page a player runs in on the bench's page server. */
export type PageName = 'tidecast' | 'mpegts' | 'hlsjs';

const MPEGTS_JS = new URL('../../node_modules/mpegts.js/dist/mpegts.js', import.meta.url);
const MPEGTS_PACKAGE = new URL('../../node_modules/mpegts.js/package.json', import.meta.url);
const HLS_JS = new URL('../../node_modules/hls.js/dist/hls.min.js', import.meta.url);
const HLS_PACKAGE = new URL('../../node_modules/hls.js/package.json', import.meta.url);
const TIDECAST_JS = new URL('../../packages/player/dist/tidecast-player.js', import.meta.url);

function page(scripts: string, start: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>latency bench</title></head>
<body style="margin:0;background:#000">
<video autoplay playsinline style="width:640px;height:360px"></video>
${scripts}
<script>
const url = new URLSearchParams(location.search).get('src');
const video = document.querySelector('video');
${start}
</script></body></html>`;
}

// mpegts.js as its README shows it for live FLV: nothing tuned.
const MPEGTS_PAGE = page(
  '<script src="/mpegts.js"></script>',
  `const player = mpegts.createPlayer({ type: 'flv', isLive: true, url });
player.attachMediaElement(video);
player.load();
Promise.resolve(player.play()).catch(() => {});
window.mpegtsPlayer = player;`,
);

// hls.js as its README shows it, plus lowLatencyMode (its default since 1.0, set for clarity):
// it uses EXT-X-PART, blocking reload and PART-HOLD-BACK when the playlist has them.
const HLSJS_PAGE = page(
  '<script src="/hls.js"></script>',
  `const hls = new Hls({ lowLatencyMode: true });
hls.loadSource(url);
hls.attachMedia(video);
hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
window.hlsPlayer = hls;`,
);

// Stand-in for /embed.html until it exists: the public API and nothing else.
const TIDECAST_PAGE = page(
  '<script src="/tidecast-player.js"></script>',
  `const player = Tidecast.createPlayer(video, { url });
player.load();
video.play().catch(() => {});
window.tidecastPlayer = player;`,
);

export function hlsjsVersion(): string {
  const pkg = JSON.parse(readFileSync(HLS_PACKAGE, 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

export function mpegtsVersion(): string {
  const pkg = JSON.parse(readFileSync(MPEGTS_PACKAGE, 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

/** The built classic-script player, or `override` (--tidecast-js, e.g. a development build). */
export function tidecastBundle(override?: string): string {
  return override ?? TIDECAST_JS.pathname;
}

export function tidecastBundleBuilt(override?: string): boolean {
  try {
    readFileSync(tidecastBundle(override));
    return true;
  } catch {
    return false;
  }
}

/** The probe as one classic script for addInitScript. */
export async function probeScript(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('./page-probe.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined || text.length === 0) throw new Error('probe bundle is empty');
  return text;
}

export interface PageServer {
  /** URL of a stand-in page for `player` playing `src`. */
  url(player: PageName, src: string): string;
  close(): Promise<void>;
}

export async function startPageServer(tidecastJs?: string): Promise<PageServer> {
  const routes: Record<string, () => [string, string | Buffer]> = {
    '/mpegts.html': () => ['text/html', MPEGTS_PAGE],
    '/tidecast.html': () => ['text/html', TIDECAST_PAGE],
    '/hlsjs.html': () => ['text/html', HLSJS_PAGE],
    '/mpegts.js': () => ['text/javascript', readFileSync(MPEGTS_JS)],
    '/hls.js': () => ['text/javascript', readFileSync(HLS_JS)],
    '/tidecast-player.js': () => ['text/javascript', readFileSync(tidecastBundle(tidecastJs))],
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    try {
      if (route === undefined) throw new Error('not found');
      const [type, body] = route();
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (player, src) =>
      `http://127.0.0.1:${String(port)}/${player}.html?src=${encodeURIComponent(src)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
