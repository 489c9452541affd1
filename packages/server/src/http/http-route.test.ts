import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeRequest } from './http-route.js';

describe('routeRequest', () => {
  it('routes media, API and metrics paths', () => {
    expect(routeRequest('/live/cam1.flv?token=1')).toEqual({
      kind: 'media',
      format: 'flv',
      app: 'live',
      stream: 'cam1',
      key: 'live/cam1',
    });
    expect(routeRequest('/live/a.b.mp4')).toMatchObject({
      kind: 'media',
      format: 'mp4',
      stream: 'a.b',
    });
    expect(routeRequest('/api/streams')).toEqual({ kind: 'api-streams' });
    expect(routeRequest('/api/streams/live/x')).toEqual({
      kind: 'api-stream',
      app: 'live',
      stream: 'x',
      key: 'live/x',
    });
    expect(routeRequest('/api/server')).toEqual({ kind: 'api-server' });
    expect(routeRequest('/metrics')).toEqual({ kind: 'metrics' });
    expect(routeRequest('/')).toEqual({ kind: 'static', root: 'web', file: 'index.html' });
  });

  it('routes HLS playlists and files', () => {
    expect(routeRequest('/live/cam.m3u8?_HLS_msn=3')).toEqual({
      kind: 'hls-playlist',
      variant: 'cmaf',
      key: 'live/cam',
    });
    expect(routeRequest('/live/cam.ts.m3u8')).toEqual({
      kind: 'hls-playlist',
      variant: 'ts',
      key: 'live/cam',
    });
    expect(routeRequest('/live/a.b.m3u8')).toMatchObject({ key: 'live/a.b' });
    expect(routeRequest('/live/cam/hls/mwpu0abc/part-3-1.m4s')).toEqual({
      kind: 'hls-file',
      key: 'live/cam',
      epoch: 'mwpu0abc',
      file: 'part-3-1.m4s',
    });
    expect(routeRequest('/live/cam/hls/EPOCH/seg-1.ts')).toMatchObject({
      kind: 'bad',
      status: 404,
    });
    expect(routeRequest('/live/cam/hls/e1/.seg-1.ts')).toMatchObject({ kind: 'bad', status: 404 });
    expect(routeRequest('/live/c%20am/hls/e1/seg-1.ts')).toMatchObject({
      kind: 'bad',
      status: 400,
    });
    expect(routeRequest('/live/.m3u8')).toMatchObject({ kind: 'bad', status: 400 });
  });

  it('routes pages, assets and the player bundle without shadowing streams', () => {
    const web = (file: string) => ({ kind: 'static', root: 'web', file });
    expect(routeRequest('/watch.html?stream=live/x')).toEqual(web('watch.html'));
    expect(routeRequest('/embed.html')).toEqual(web('embed.html'));
    expect(routeRequest('/assets/watch.js.map')).toEqual(web('assets/watch.js.map'));
    expect(routeRequest('/tidecast-player.js')).toEqual({
      kind: 'static',
      root: 'player',
      file: 'tidecast-player.js',
    });
    expect(routeRequest('/assets/cam.flv')).toMatchObject({ kind: 'media', key: 'assets/cam' });
    for (const url of ['/assets/.env', '/.x.html', '/x.js', '/a/b.html', '/assets/a/b.js']) {
      expect(routeRequest(url)).toMatchObject({ kind: 'bad', status: 404 });
    }
  });

  it('turns odd targets into 400/404 with a reason', () => {
    const bad = (url: string | undefined): unknown => routeRequest(url);
    expect(bad('/live/%E0%A4%A.flv')).toMatchObject({
      kind: 'bad',
      status: 400,
      reason: /percent/,
    });
    expect(bad('/live/..%2F..%2Fetc.flv')).toMatchObject({ kind: 'bad', status: 400 });
    expect(bad('/../live/x.flv')).toMatchObject({
      kind: 'bad',
      status: 400,
      reason: /dot segments/,
    });
    expect(bad('/live/%2E%2E/x.flv')).toMatchObject({ kind: 'bad', status: 400 });
    expect(bad('/live/a%00b.flv')).toMatchObject({ kind: 'bad', status: 400, reason: /NUL/ });
    expect(bad(`/live/${'a'.repeat(5000)}.flv`)).toMatchObject({
      kind: 'bad',
      status: 400,
      reason: /longer/,
    });
    expect(bad('/live/sp ace.flv')).toMatchObject({ kind: 'bad', status: 400, reason: /invalid/ });
    expect(bad('/live/.flv')).toMatchObject({ kind: 'bad', status: 400 });
    expect(bad('http://evil/x')).toMatchObject({ kind: 'bad', status: 400 });
    expect(bad(undefined)).toMatchObject({ kind: 'bad', status: 400 });
    expect(bad('/live/x.ts')).toMatchObject({ kind: 'bad', status: 404 });
    expect(bad('/a/b/c.flv')).toMatchObject({ kind: 'bad', status: 404 });
    expect(bad('/api/nope')).toMatchObject({ kind: 'bad', status: 404 });
  });

  it('never throws and only yields valid names for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const route = routeRequest(`/${s}`);
        if (route.kind === 'media' || route.kind === 'api-stream') {
          expect(route.app).toMatch(/^[\w.-]+$/);
          expect(route.stream).toMatch(/^[\w.-]+$/);
          expect(route.app).not.toBe('..');
        }
        if (route.kind === 'static') {
          expect(route.file).toMatch(/^(assets\/)?[\w-][\w.-]*$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
