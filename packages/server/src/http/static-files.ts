/**
 * Static files: the built pages of apps/web (`/`, `/*.html`, `/assets/*`) and the player
 * bundle (`/tidecast-player.js(.map)`). The router already refused odd names; this file checks
 * again on the decoded path (no dot segments or dotfiles, no separators, and the real path —
 * symlinks followed — must stay inside its root), so a routing slip cannot leak a file.
 * Conditional GET per RFC 9110 13.1.2 (If-None-Match, weak comparison) and 15.4.5 (304).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CORS_HEADERS, sendError, sendMethodNotAllowed } from './http-respond.js';
import type { StaticRoot } from './http-route.js';

export interface StaticRoots {
  /** apps/web/dist: index.html, watch.html, embed.html, assets/. */
  web: string;
  /** packages/player/dist: tidecast-player.js and its source map. */
  player: string;
}

/**
 * The roots as laid out in the repository. This module runs from packages/server/src/http
 * (tsx, vitest) or packages/server/dist/http (compiled): both four levels below the root.
 */
export function defaultStaticRoots(): StaticRoots {
  const repo = fileURLToPath(new URL('../../../../', import.meta.url));
  return { web: join(repo, 'apps/web/dist'), player: join(repo, 'packages/player/dist') };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Pages revalidate every time (they name the scripts); assets may be reused for a minute. */
const HTML_CACHE = 'no-cache';
const ASSET_CACHE = 'public, max-age=60';

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** True when every `/`-separated segment is a plain, non-dot name. */
export function isSafeRelativePath(file: string): boolean {
  if (file.length === 0 || file.length > 512) return false;
  return file
    .split('/')
    .every((s) => s.length > 0 && !s.startsWith('.') && !/[\\:\0]/.test(s) && !s.includes('%'));
}

/** RFC 9110 13.1.2: If-None-Match uses the weak comparison; `*` matches any current file. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || bare(t) === bare(etag));
}

type Resolved = { ok: true; path: string; size: number; mtime: Date } | { ok: false };

async function resolveFile(root: string, file: string): Promise<Resolved> {
  if (!isSafeRelativePath(file)) return { ok: false };
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...file.split('/')));
    if (!real.startsWith(realRoot + sep)) return { ok: false };
    const info = await stat(real);
    if (!info.isFile()) return { ok: false };
    return { ok: true, path: real, size: info.size, mtime: info.mtime };
  } catch {
    return { ok: false };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendNotBuilt(req: IncomingMessage, res: ServerResponse): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tidecast: pages not built</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; margin: 3rem auto; max-width: 40rem">
<h1>The Tidecast web pages are not built</h1>
<p>Run <code>npm run build</code> in the repository, then reload this page.
The streams themselves work already: see <a href="/api/streams">/api/streams</a>.</p>
</body></html>
`;
  res.writeHead(503, {
    ...CORS_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Retry-After': '10',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/** Serves `file` from `roots[root]` (GET and HEAD; 304 on a matching If-None-Match). */
export async function serveStatic(
  roots: StaticRoots,
  root: StaticRoot,
  file: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(req, res, 'GET, HEAD');
  const base = roots[root];
  const found = await resolveFile(base, file);
  const html = file.endsWith('.html');
  if (!found.ok) {
    if (root === 'web' && html && !(await exists(join(base, 'index.html')))) {
      return sendNotBuilt(req, res);
    }
    return sendError(req, res, 404, 'not found', { path: `/${file}` });
  }
  const etag = `"${found.size.toString(36)}-${Math.floor(found.mtime.getTime()).toString(36)}"`;
  const headers: Record<string, string | number> = {
    ...CORS_HEADERS,
    ETag: etag,
    'Last-Modified': found.mtime.toUTCString(),
    'Cache-Control': html ? HTML_CACHE : ASSET_CACHE,
    'X-Content-Type-Options': 'nosniff',
  };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeFor(file),
    'Content-Length': found.size,
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(found.path), res);
  } catch {
    // The client went away or the file vanished mid-read: nothing more can be said on this response.
    res.destroy();
  }
}
