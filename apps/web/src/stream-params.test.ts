import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findProtocol,
  mediaUrl,
  parseEmbedParams,
  parseStreamParam,
  watchHref,
} from './stream-params.js';

describe('parseStreamParam', () => {
  it('accepts APP/STREAM with the server alphabet', () => {
    expect(parseStreamParam('live/cam-1.hd_2')).toEqual({ app: 'live', stream: 'cam-1.hd_2' });
  });

  it('refuses missing, malformed and hostile values with a message', () => {
    for (const bad of [
      null,
      '',
      'live',
      'a/b/c',
      'live/',
      '/x',
      '../x',
      'live/..',
      'live/a b',
      'live/<script>',
      'live/%2e',
    ]) {
      expect(typeof parseStreamParam(bad)).toBe('string');
    }
  });

  it('only ever yields names the server would route', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = parseStreamParam(s);
        if (typeof r !== 'string') {
          expect(`${r.app}/${r.stream}`).toBe(s);
          expect(r.app).toMatch(/^[A-Za-z0-9._-]+$/);
          expect(['.', '..']).not.toContain(r.stream);
        }
      }),
    );
  });
});

describe('mediaUrl', () => {
  const target = { app: 'live', stream: 'cam' };
  it('builds the four protocol URLs on the page host', () => {
    const page = { protocol: 'http:', host: 'example.com:8000' };
    expect(mediaUrl(page, target, findProtocol('http-flv'))).toBe(
      'http://example.com:8000/live/cam.flv',
    );
    expect(mediaUrl(page, target, findProtocol('ws-flv'))).toBe(
      'ws://example.com:8000/live/cam.flv',
    );
    expect(mediaUrl(page, target, findProtocol('http-fmp4'))).toBe(
      'http://example.com:8000/live/cam.mp4',
    );
    expect(mediaUrl(page, target, findProtocol('ws-fmp4'))).toBe(
      'ws://example.com:8000/live/cam.mp4',
    );
    expect(mediaUrl(page, target, findProtocol('ll-hls'))).toBe(
      'http://example.com:8000/live/cam.m3u8',
    );
    expect(mediaUrl(page, target, findProtocol('hls-ts'))).toBe(
      'http://example.com:8000/live/cam.ts.m3u8',
    );
  });

  it('uses TLS schemes on an https page and falls back to HTTP-FLV for unknown protocols', () => {
    const page = { protocol: 'https:', host: 'h' };
    expect(mediaUrl(page, target, findProtocol('ws-fmp4'))).toBe('wss://h/live/cam.mp4');
    expect(mediaUrl(page, target, findProtocol('nope'))).toBe('https://h/live/cam.flv');
    expect(findProtocol(null).id).toBe('http-flv');
  });

  it('links the watch page with a readable key', () => {
    expect(watchHref(target)).toBe('/watch.html?stream=live/cam');
    expect(watchHref(target, 'ws-fmp4')).toBe('/watch.html?stream=live/cam&protocol=ws-fmp4');
  });
});

describe('parseEmbedParams', () => {
  const page = 'http://host:8000/embed.html';
  it('resolves src against the page and reads the options', () => {
    expect(parseEmbedParams('?src=/live/a.flv', page)).toEqual({
      url: 'http://host:8000/live/a.flv',
    });
    expect(
      parseEmbedParams(
        `?src=${encodeURIComponent('ws://x/live/a.mp4')}&type=fmp4&latency=250&worker=0`,
        page,
      ),
    ).toEqual({ url: 'ws://x/live/a.mp4', type: 'fmp4', targetLatencyMs: 250, worker: false });
  });

  it('refuses other schemes and bad options', () => {
    expect(parseEmbedParams('', page)).toMatch(/No source/);
    expect(parseEmbedParams('?src=javascript:alert(1)', page)).toMatch(/http/);
    expect(parseEmbedParams('?src=file:///etc/passwd', page)).toMatch(/http/);
    expect(parseEmbedParams('?src=/a.flv&type=dash', page)).toMatch(
      /type must be flv, fmp4 or hls/,
    );
    expect(parseEmbedParams('?src=/a.m3u8&type=hls', page)).toMatchObject({ type: 'hls' });
    expect(parseEmbedParams('?src=/a.flv&latency=-5', page)).toMatch(/latency/);
    expect(parseEmbedParams('?src=/a.flv&worker=yes', page)).toMatch(/worker/);
  });
});
