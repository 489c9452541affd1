/**
 * A tiny same-origin web server for HLS tests (Chromium blocks cross-origin loopback requests
 * from pages): `/embed.html` (an empty page), `/tidecast-player.js` (the built bundle) and the
 * files of a directory under `/hls/`, read at request time so a running ffmpeg's playlist is
 * always current. `override` replaces chosen paths with a status or a body (bad input tests).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(
  new URL('../../packages/player/dist/tidecast-player.js', import.meta.url),
);

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  js: 'text/javascript',
  html: 'text/html',
};

export interface HlsStaticServer {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Answer `path` (e.g. `/hls/s3.ts`) with this status or body from now on. */
  override(path: string, answer: number | string): void;
  stop(): Promise<void>;
}

export async function startHlsStaticServer(dir: string): Promise<HlsStaticServer> {
  const requests: string[] = [];
  const overrides = new Map<string, number | string>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const send = (status: number, body: string | Uint8Array, type = 'text/plain'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const override = overrides.get(path);
    if (typeof override === 'number') return send(override, 'overridden');
    if (typeof override === 'string') return send(200, override, TYPES['m3u8']);
    if (path === '/embed.html') return send(200, '<!doctype html><title>hls</title>', 'text/html');
    let file: string | undefined;
    if (path === '/tidecast-player.js') file = BUNDLE;
    else if (path.startsWith('/hls/')) {
      const rel = normalize(decodeURIComponent(path.slice('/hls/'.length)));
      if (!rel.startsWith('..')) file = join(dir, rel);
    }
    if (file === undefined) return send(404, 'not found');
    const type = TYPES[file.replace(/^.*\./, '')] ?? 'application/octet-stream';
    readFile(file).then(
      (bytes) => send(200, bytes, type),
      () => send(404, 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    override: (path, answer) => overrides.set(path, answer),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
