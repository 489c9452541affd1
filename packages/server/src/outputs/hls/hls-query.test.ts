import { describe, expect, it } from 'vitest';
import { parseHlsQuery } from './hls-query.js';
import { hlsFileName, parseHlsFileName } from './hls-names.js';
import type { HlsFile } from './hls-names.js';

describe('parseHlsQuery', () => {
  it('reads the delivery directives', () => {
    expect(parseHlsQuery('/a/b.m3u8')).toEqual({
      ok: true,
      directives: { msn: undefined, part: undefined, skip: false },
    });
    expect(parseHlsQuery('/a/b.m3u8?_HLS_msn=12&_HLS_part=3&_HLS_skip=YES&token=x')).toEqual({
      ok: true,
      directives: { msn: 12, part: 3, skip: true },
    });
    expect(parseHlsQuery('/a/b.m3u8?_HLS_skip=v2')).toMatchObject({ directives: { skip: true } });
  });

  it.each([
    ['?_HLS_msn=', 'non-negative integer'],
    ['?_HLS_msn=1e3', 'non-negative integer'],
    ['?_HLS_msn=9999999999999', 'non-negative integer'],
    ['?_HLS_msn=1&_HLS_part=-1', 'non-negative integer'],
    ['?_HLS_part=0', 'requires _HLS_msn'],
    ['?_HLS_skip=yes', "'YES' or 'v2'"],
  ])('refuses %s', (query, reason) => {
    const result = parseHlsQuery(`/a/b.m3u8${query}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('HLS file names', () => {
  it('round-trip and refuse anything else', () => {
    const files: HlsFile[] = [
      { type: 'init', mapId: 3 },
      { type: 'segment-mp4', msn: 0 },
      { type: 'segment-ts', msn: 123456 },
      { type: 'part', serial: 7011 },
    ];
    for (const file of files) expect(parseHlsFileName(hlsFileName(file))).toEqual(file);
    for (const bad of [
      'seg-1.mp4',
      'part-1-2.m4s',
      'part-.m4s',
      'init-.mp4',
      '../seg-1.ts',
      'seg-1.ts.bak',
      'seg--1.ts',
    ]) {
      expect(parseHlsFileName(bad)).toBeUndefined();
    }
  });
});
