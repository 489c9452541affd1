import { describe, expect, it } from 'vitest';
import { PlayerError } from './errors.js';
import { guessType, resolvePlayerOptions } from './player-options.js';

const BASE = 'http://example.test/watch.html';

describe('player options', () => {
  it('guesses the container from the URL path', () => {
    expect(guessType(new URL('http://h/live/a.flv'))).toBe('flv');
    expect(guessType(new URL('ws://h/live/a.mp4'))).toBe('fmp4');
    expect(guessType(new URL('http://h/live/a.MP4?token=x.flv'))).toBe('fmp4');
    expect(guessType(new URL('http://h/live/a'))).toBe('flv');
    expect(guessType(new URL('http://h/live/a.m3u8?x=.mp4'))).toBe('hls');
    expect(guessType(new URL('http://h/live/a.ts.m3u8'))).toBe('hls');
    expect(guessType(new URL('http://h/live/a.TS'))).toBe('ts');
  });

  it('accepts hls over http(s) only', () => {
    const o = resolvePlayerOptions({ url: '/live/a.m3u8' }, BASE);
    expect(o.type).toBe('hls');
    expect(o.targetLatencyMs).toBeUndefined();
    expect(resolvePlayerOptions({ url: 'https://h/p', type: 'hls' }, BASE).type).toBe('hls');
  });

  it('resolves relative URLs and fills the defaults', () => {
    const o = resolvePlayerOptions({ url: '/live/a.mp4' }, BASE);
    expect(o.url.href).toBe('http://example.test/live/a.mp4');
    expect(o).toMatchObject({ type: 'fmp4', backBufferSec: 10, worker: true });
    expect(o.targetLatencyMs).toBeUndefined();
    expect(resolvePlayerOptions({ url: 'ws://h/a.mp4', type: 'flv' }, BASE).type).toBe('flv');
  });

  it('refuses bad options with a fatal INVALID_ARGUMENT error', () => {
    for (const bad of [
      { url: '' },
      { url: 'ftp://h/a.flv' },
      { url: 'http://[bad' },
      { url: 'http://h/a.flv', targetLatencyMs: -1 },
      { url: 'http://h/a.flv', backBufferSec: Number.NaN },
      { url: 'http://h/a.flv', type: 'dash' as 'flv' },
      { url: 'ws://h/a.m3u8' },
    ]) {
      let caught: unknown;
      try {
        resolvePlayerOptions(bad, BASE);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PlayerError);
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', fatal: true });
    }
  });
});
