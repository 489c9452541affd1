import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TidecastServer } from '../server.js';
import { startTestServer } from '../test-support/test-server.js';
import { contentTypeFor, etagMatches, isSafeRelativePath } from './static-files.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Raw request: fetch() would normalize `..` and percent-escapes before they reach the server. */
function raw(
  base: string,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SECRET = 'TOP-SECRET-MARKER';
const webSource = fileURLToPath(new URL('../../../../apps/web/public/', import.meta.url));
const servers: TidecastServer[] = [];
let dir = '';
let web = '';
let player = '';
let base = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidecast-static-'));
  web = join(dir, 'web');
  player = join(dir, 'player');
  mkdirSync(join(web, 'assets'), { recursive: true });
  mkdirSync(player);
  // The real pages, as the build copies them; fake bundles stand in for esbuild's output.
  for (const page of ['index.html', 'watch.html', 'embed.html']) {
    copyFileSync(join(webSource, page), join(web, page));
  }
  copyFileSync(join(webSource, 'assets/style.css'), join(web, 'assets/style.css'));
  writeFileSync(join(web, 'assets/dashboard.js'), 'console.log("dashboard");\n');
  writeFileSync(join(web, 'assets/dashboard.js.map'), '{"version":3}');
  writeFileSync(join(web, 'assets/logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(web, 'assets/data.json'), '{}');
  writeFileSync(join(web, 'assets/.hidden'), SECRET);
  writeFileSync(join(web, '.env.html'), SECRET);
  writeFileSync(join(dir, 'package.json'), SECRET);
  symlinkSync(join(dir, 'package.json'), join(web, 'assets/escape.js'));
  mkdirSync(join(web, 'assets/folder.js'));
  writeFileSync(join(player, 'tidecast-player.js'), 'var Tidecast={};\n');
  writeFileSync(join(player, 'tidecast-player.js.map'), '{"version":3}');
  writeFileSync(join(player, 'secret.txt'), SECRET);
  base = (await startTestServer(servers, { webRoot: web, playerRoot: player })).base;
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves the dashboard at / with the page scripts', async () => {
    const r = await raw(base, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toContain('<script type="module" src="/assets/dashboard.js"></script>');
    expect(r.body).toContain('id="stream-rows"');
    expect((await raw(base, '/watch.html?stream=live/x&protocol=ws-flv')).body).toContain(
      '/assets/watch.js',
    );
    expect((await raw(base, '/embed.html?src=%2Flive%2Fx.flv')).body).toContain('/assets/embed.js');
  });

  it('sends the right content type and cache policy per file', async () => {
    const cases: Array<[string, string]> = [
      ['/assets/style.css', 'text/css; charset=utf-8'],
      ['/assets/dashboard.js', 'text/javascript; charset=utf-8'],
      ['/assets/dashboard.js.map', 'application/json; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/data.json', 'application/json; charset=utf-8'],
      ['/tidecast-player.js', 'text/javascript; charset=utf-8'],
      ['/tidecast-player.js.map', 'application/json; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const r = await raw(base, path);
      expect({ path, status: r.status, type: r.headers['content-type'] }).toEqual({
        path,
        status: 200,
        type,
      });
      expect(r.headers['cache-control']).toBe('public, max-age=60');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
    }
    expect((await raw(base, '/tidecast-player.js')).body).toBe('var Tidecast={};\n');
  });

  it('never leaks files outside the roots, dotfiles or symlink targets', async () => {
    const attempts = [
      '/assets/../../package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/%2e%2e/package.json',
      '/%2e%2e/',
      '/..%5c..%5cpackage.json',
      '/assets/.hidden',
      '/assets/%2ehidden',
      '/.env.html',
      '/assets/escape.js',
      '/assets/folder.js',
      '/assets/a%00.js',
      '/secret.txt',
      '/tidecast-player.js/../secret.txt',
      '/package.json',
      '//etc/passwd',
    ];
    for (const path of attempts) {
      const r = await raw(base, path);
      expect({ path, ok: r.status >= 400 && r.status < 500 }).toEqual({ path, ok: true });
      expect(r.body).not.toContain(SECRET);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('answers 304 to a matching If-None-Match and 200 otherwise', async () => {
    const first = await raw(base, '/assets/style.css');
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(first.headers['last-modified']).toBeTruthy();
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const r = await raw(base, '/assets/style.css', 'GET', { 'If-None-Match': header });
      expect(r.status).toBe(304);
      expect(r.body).toBe('');
      expect(r.headers.etag).toBe(etag);
    }
    const changed = await raw(base, '/assets/style.css', 'GET', { 'If-None-Match': '"other"' });
    expect(changed.status).toBe(200);
    expect(changed.body).toBe(first.body);
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const head = await raw(base, '/watch.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await raw(base, '/assets/style.css', method);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });

  it('gives a JSON 404 for missing files and keeps media, API and metrics routes', async () => {
    const missing = await raw(base, '/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'not found', path: '/assets/nope.js' });
    expect((await raw(base, '/nope.html')).status).toBe(404);
    // Two segments ending in .flv/.mp4 are streams, even under /assets.
    for (const path of ['/live/cam.flv', '/assets/cam.mp4']) {
      const r = await raw(base, path);
      expect(r.status).toBe(404);
      expect(JSON.parse(r.body)).toMatchObject({ error: /stream not found/ });
    }
    expect(JSON.parse((await raw(base, '/api/streams')).body)).toEqual({ streams: [] });
    expect((await raw(base, '/metrics')).body).toContain('tidecast_streams 0');
  });
});

describe('static files without a web build', () => {
  let bare = '';
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('answers the pages with a 503 that says how to build them', async () => {
    bare = (await startTestServer(servers, { webRoot: join(dir, 'missing'), playerRoot: player }))
      .base;
    for (const path of ['/', '/watch.html']) {
      const r = await raw(bare, path);
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('npm run build');
    }
    expect((await raw(bare, '/assets/dashboard.js')).status).toBe(404);
    expect((await raw(bare, '/tidecast-player.js')).status).toBe(200);
  });
});

describe('static file helpers', () => {
  it('compares entity tags weakly and rejects unsafe relative paths', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b" , "c"', '"a"')).toBe(false);
    for (const bad of ['', '../x', 'a/../b', '.x', 'a/.x', 'a//b', 'a\\b', 'c:x', 'a%2e', 'a\0b']) {
      expect(isSafeRelativePath(bad)).toBe(false);
    }
    expect(isSafeRelativePath('assets/watch.js')).toBe(true);
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
    expect(contentTypeFor('X.HTML')).toBe('text/html; charset=utf-8');
  });
});
