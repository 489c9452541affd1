import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlayerError } from '../errors.js';
import { HlsLoader, MAX_VOD_AHEAD_SEC } from './hls-loader.js';
import type { HlsLoaderHooks, HlsStreamInfo } from './hls-loader.js';
import { FakeLlServer } from './test-support/fake-ll-server.js';
import { VOD } from './test-support/playlists.js';

interface Run {
  data: string[];
  ended: Promise<'end' | PlayerError>;
  infos: HlsStreamInfo[];
  loader: HlsLoader;
}

function load(url: string, hooks: HlsLoaderHooks = {}): Run {
  const data: string[] = [];
  const infos: HlsStreamInfo[] = [];
  let done: (v: 'end' | PlayerError) => void = () => undefined;
  const ended = new Promise<'end' | PlayerError>((resolve) => (done = resolve));
  const loader = new HlsLoader(
    new URL(url),
    {
      onData: (bytes) => data.push(new TextDecoder().decode(bytes)),
      onEnd: () => done('end'),
      onError: (error) => done(error),
    },
    {
      ...hooks,
      onPlaylist: (info) => infos.push(info),
      onDiscontinuity: () => {
        data.push('|');
        hooks.onDiscontinuity?.();
      },
    },
  );
  loader.start();
  return { data, ended, infos, loader };
}

/** Serves fixed texts by file name; everything else is its own name. */
function staticFetch(
  files: Record<string, string | number>,
): (input: unknown) => Promise<Response> {
  return (input) => {
    const name = String(input).replace(/^.*\//, '').replace(/\?.*$/, '');
    const body = files[name];
    if (typeof body === 'number') return Promise.resolve(new Response('x', { status: body }));
    return Promise.resolve(new Response(body ?? `[${name}]`));
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('HlsLoader', () => {
  it('plays a VOD playlist from the start: the map once, then every segment, then ends', async () => {
    vi.stubGlobal('fetch', staticFetch({ 'v.m3u8': VOD }));
    const run = load('http://h.test/v.m3u8');
    expect(await run.ended).toBe('end');
    expect(run.data).toEqual(['[init.mp4]', '[a0.m4s]', '[a1.m4s]']);
    expect(run.infos).toEqual([{ live: false, lowLatency: false, targetLatencyMs: 1500 }]);
  });

  it('follows LL-HLS parts with blocking reloads and preload hints, across a discontinuity', async () => {
    const server = new FakeLlServer({ initialParts: 6, totalParts: 20, discontinuityAt: 3 });
    vi.stubGlobal('fetch', server.fetch);
    const run = load('http://h.test/live.m3u8');
    expect(await run.ended).toBe('end');
    const parts = (s: number): string[] => [0, 1, 2, 3].map((p) => `[p${s}.${p}.m4s]`);
    expect(run.data).toEqual([
      '[init1.mp4]',
      ...parts(1),
      ...parts(2),
      '|',
      '[init2.mp4]',
      ...parts(3),
      ...parts(4),
    ]);
    expect(run.infos[0]).toMatchObject({ live: true, lowLatency: true });
    const requests = server.requests;
    expect(requests.filter((r) => r.startsWith('init'))).toEqual(['init1.mp4', 'init2.mp4']);
    // p1.2 was the preload hint of the first playlist: loaded before any playlist listed it.
    expect(requests.indexOf('p1.2.m4s')).toBeGreaterThan(0);
    expect(requests.indexOf('p1.2.m4s')).toBeLessThan(
      requests.indexOf('live.m3u8?_HLS_msn=1&_HLS_part=3'),
    );
    expect(requests.some((r) => r.includes('_HLS_msn=1&_HLS_part=2'))).toBe(false);
    // After the last known part of a segment: the next part index (rfc8216bis 6.2.5.2).
    expect(requests).toContain('live.m3u8?_HLS_msn=1&_HLS_part=4');
  });

  it('retries a failing segment and goes on', async () => {
    const server = new FakeLlServer({
      initialParts: 4,
      totalParts: 8,
      failures: { 'p1.0.m4s': [503, 500] },
    });
    vi.stubGlobal('fetch', server.fetch);
    const run = load('http://h.test/live.m3u8');
    expect(await run.ended).toBe('end');
    expect(run.data).toContain('[p1.0.m4s]');
    expect(server.requests.filter((r) => r === 'p1.0.m4s').length).toBeGreaterThanOrEqual(3);
  });

  it('ends with a NETWORK PlayerError when the playlist keeps failing', async () => {
    vi.stubGlobal('fetch', staticFetch({ 'x.m3u8': 503 }));
    const run = load('http://h.test/x.m3u8');
    const result = await run.ended;
    expect(result).toBeInstanceOf(PlayerError);
    expect(result).toMatchObject({ code: 'NETWORK', fatal: false });
  });

  it('gives a DEMUX PlayerError for a playlist that is not one, and a 403 is not retried', async () => {
    vi.stubGlobal('fetch', staticFetch({ 'bad.m3u8': '<html>nope</html>', 'no.m3u8': 403 }));
    const bad = await load('http://h.test/bad.m3u8').ended;
    expect(bad).toBeInstanceOf(PlayerError);
    expect(bad).toMatchObject({ code: 'DEMUX' });
    const calls: string[] = [];
    vi.stubGlobal('fetch', (input: unknown) => {
      calls.push(String(input));
      return staticFetch({ 'no.m3u8': 403 })(input);
    });
    expect(await load('http://h.test/no.m3u8').ended).toMatchObject({ code: 'NETWORK' });
    expect(calls).toHaveLength(1);
  });

  it('picks the first variant the browser supports from a multivariant playlist', async () => {
    const multivariant = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=9000000,CODECS="hvc1.1.6.L93.B0,mp4a.40.2"',
      'hevc/v.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=1000000,CODECS="avc1.64001f,mp4a.40.2"',
      'avc/v.m3u8',
      '',
    ].join('\n');
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (input: unknown) => {
      fetched.push(String(input));
      return staticFetch({ 'm.m3u8': multivariant, 'v.m3u8': VOD })(input);
    });
    const run = load('http://h.test/m.m3u8', { isTypeSupported: (t) => !t.includes('hvc1') });
    expect(await run.ended).toBe('end');
    expect(fetched).toContain('http://h.test/avc/v.m3u8');
    expect(fetched).toContain('http://h.test/avc/a0.m4s');
  });

  it('VOD loads no further than MAX_VOD_AHEAD_SEC ahead of the playhead', async () => {
    vi.stubGlobal('fetch', staticFetch({ 'v.m3u8': VOD }));
    let ahead = MAX_VOD_AHEAD_SEC + 1;
    const run = load('http://h.test/v.m3u8', { bufferAheadSec: () => ahead });
    await new Promise((r) => setTimeout(r, 700));
    expect(run.data).toEqual([]);
    ahead = 0;
    expect(await run.ended).toBe('end');
    expect(run.data).toEqual(['[init.mp4]', '[a0.m4s]', '[a1.m4s]']);
  });

  it('treats an ended playlist as the end of a live session, not VOD to replay', async () => {
    vi.stubGlobal('fetch', staticFetch({ 'v.m3u8': VOD }));
    const run = load('http://h.test/v.m3u8', { liveOnly: true });
    expect(await run.ended).toBe('end');
    expect(run.data).toEqual([]);
  });

  it('says nothing after abort', async () => {
    const server = new FakeLlServer({ initialParts: 6, totalParts: 400 });
    vi.stubGlobal('fetch', server.fetch);
    const run = load('http://h.test/live.m3u8');
    run.loader.abort();
    const outcome = await Promise.race([
      run.ended,
      new Promise((r) => setTimeout(() => r('quiet'), 50)),
    ]);
    expect(outcome).toBe('quiet');
    expect(run.data).toEqual([]);
    expect(server.requests.length).toBeLessThanOrEqual(1);
  });
});
