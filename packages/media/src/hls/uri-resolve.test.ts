import { describe, expect, it } from 'vitest';
import { removeDotSegments, resolveUri } from './uri-resolve.js';

describe('resolveUri (RFC 3986 5.2)', () => {
  const base = 'http://a/b/c/d;p?q';

  // RFC 3986 5.4.1 Normal Examples.
  it.each([
    ['g:h', 'g:h'],
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['g#s', 'http://a/b/c/g#s'],
    ['g?y#s', 'http://a/b/c/g?y#s'],
    [';x', 'http://a/b/c/;x'],
    ['g;x', 'http://a/b/c/g;x'],
    ['g;x?y#s', 'http://a/b/c/g;x?y#s'],
    ['', 'http://a/b/c/d;p?q'],
    ['.', 'http://a/b/c/'],
    ['./', 'http://a/b/c/'],
    ['..', 'http://a/b/'],
    ['../', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../..', 'http://a/'],
    ['../../', 'http://a/'],
    ['../../g', 'http://a/g'],
  ])('normal: %s -> %s', (ref, expected) => {
    expect(resolveUri(base, ref)).toBe(expected);
  });

  // RFC 3986 5.4.2 Abnormal Examples (strict parser).
  it.each([
    ['../../../g', 'http://a/g'],
    ['../../../../g', 'http://a/g'],
    ['/./g', 'http://a/g'],
    ['/../g', 'http://a/g'],
    ['g.', 'http://a/b/c/g.'],
    ['.g', 'http://a/b/c/.g'],
    ['g..', 'http://a/b/c/g..'],
    ['..g', 'http://a/b/c/..g'],
    ['./../g', 'http://a/b/g'],
    ['./g/.', 'http://a/b/c/g/'],
    ['g/./h', 'http://a/b/c/g/h'],
    ['g/../h', 'http://a/b/c/h'],
    ['g;x=1/./y', 'http://a/b/c/g;x=1/y'],
    ['g;x=1/../y', 'http://a/b/c/y'],
    ['g?y/./x', 'http://a/b/c/g?y/./x'],
    ['g?y/../x', 'http://a/b/c/g?y/../x'],
    ['g#s/./x', 'http://a/b/c/g#s/./x'],
    ['g#s/../x', 'http://a/b/c/g#s/../x'],
    ['http:g', 'http:g'],
  ])('abnormal: %s -> %s', (ref, expected) => {
    expect(resolveUri(base, ref)).toBe(expected);
  });

  it('resolves playlist-style references', () => {
    const playlist = 'https://cdn.example.com/live/stream/index.m3u8?token=abc';
    expect(resolveUri(playlist, 'seg1.m4s')).toBe('https://cdn.example.com/live/stream/seg1.m4s');
    expect(resolveUri(playlist, '../audio/a.m3u8')).toBe(
      'https://cdn.example.com/live/audio/a.m3u8',
    );
    expect(resolveUri(playlist, 'part.m4s?_HLS_part=1')).toBe(
      'https://cdn.example.com/live/stream/part.m4s?_HLS_part=1',
    );
    expect(resolveUri('https://h', 'a.ts')).toBe('https://h/a.ts');
    expect(resolveUri('/live/index.m3u8', 'a.ts')).toBe('/live/a.ts');
    expect(resolveUri('index.m3u8', 'a.ts')).toBe('a.ts');
  });

  it('removes dot segments (RFC 3986 5.2.4 examples)', () => {
    expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g');
    expect(removeDotSegments('mid/content=5/../6')).toBe('mid/6');
  });
});
