import { describe, expect, it } from 'vitest';
import {
  blockingReloadUrl,
  hlsTargetLatencyMs,
  nextStep,
  rangeHeader,
  reloadDelayMs,
  startPosition,
} from './hls-scheduler.js';
import type { HlsPosition, HlsStep } from './hls-scheduler.js';
import { CLASSIC, LOW_LATENCY, VOD, view } from './test-support/playlists.js';
import type { PlaylistView } from './hls-view.js';

/** Follows the scheduler from the start position, collecting the URLs loaded. */
function walk(
  v: PlaylistView,
  from: HlsPosition = startPosition(v),
): { urls: string[]; last: HlsStep } {
  const urls: string[] = [];
  let position = from;
  for (let i = 0; i < 50; i++) {
    const step = nextStep(v, position);
    if (step.type !== 'load') return { urls, last: step };
    urls.push(`${step.discontinuity ? '|' : ''}${step.resource.url.replace(/^.*\//, '')}`);
    position = step.next;
  }
  throw new Error('no end');
}

describe('HLS scheduler', () => {
  it('VOD starts at the first segment and ends after the last', () => {
    const v = view(VOD);
    expect(startPosition(v)).toEqual({ msn: 0, part: undefined });
    const { urls, last } = walk(v);
    expect(urls).toEqual(['a0.m4s', 'a1.m4s']);
    expect(last).toEqual({ type: 'end' });
    expect(v.segments[0]?.map?.url).toBe('http://h.test/live/init.mp4');
  });

  it('classic live starts a segment before the last complete one, then waits for a reload', () => {
    const v = view(CLASSIC);
    expect(startPosition(v)).toEqual({ msn: 12, part: undefined });
    expect(walk(v)).toEqual({
      urls: ['|s12.ts', 's13.ts'],
      last: { type: 'wait', hint: undefined },
    });
    // From further back the discontinuity before 12 is reported on its segment.
    expect(walk(v, { msn: 11, part: undefined }).urls).toEqual(['s11.ts', '|s12.ts', 's13.ts']);
  });

  it('reports falling out of the live window', () => {
    expect(nextStep(view(CLASSIC), { msn: 3, part: undefined })).toEqual({ type: 'behind' });
  });

  it('LL-HLS starts at the last independent part and follows parts to the preload hint', () => {
    const v = view(LOW_LATENCY);
    // p21.0 leaves 1 s buffered = two part targets.
    expect(startPosition(v)).toEqual({ msn: 21, part: 0 });
    // With only one part after the last independent one, the one before is taken.
    const short = view(LOW_LATENCY.replace('#EXT-X-PART:DURATION=0.5,URI="p21.1.m4s"\n', ''));
    expect(startPosition(short)).toEqual({ msn: 20, part: 0 });
    const { urls, last } = walk(v);
    expect(urls).toEqual(['p21.0.m4s', 'p21.1.m4s']);
    expect(last.type === 'wait' && last.hint?.url).toBe('http://h.test/live/p21.2.m4s');
    // Earlier: parts of a complete segment, then on into the next segment's parts.
    expect(walk(v, { msn: 20, part: 2 }).urls).toEqual([
      'p20.2.m4s',
      'p20.3.m4s',
      'p21.0.m4s',
      'p21.1.m4s',
    ]);
    // A complete segment whose parts are gone from the playlist loads whole.
    expect(walk(v, { msn: 19, part: 0 }).urls[0]).toBe('seg19.m4s');
  });

  it('does not take a hint for the first part of a segment not in the playlist yet', () => {
    const v = view(LOW_LATENCY);
    expect(nextStep(v, { msn: 22, part: 0 })).toEqual({ type: 'wait', hint: undefined });
  });

  it('LL-HLS without an independent part flagged starts at the last complete segment', () => {
    const v = view(LOW_LATENCY.replaceAll(',INDEPENDENT=YES', ''));
    expect(startPosition(v)).toEqual({ msn: 20, part: 0 });
  });

  it('builds blocking reload URLs (rfc8216bis 6.2.5.2) over an existing query', () => {
    expect(blockingReloadUrl('http://h/l.m3u8?t=1&_HLS_msn=3', { msn: 22, part: 1 })).toBe(
      'http://h/l.m3u8?t=1&_HLS_msn=22&_HLS_part=1',
    );
    expect(blockingReloadUrl('http://h/l.m3u8', { msn: 9, part: undefined })).toBe(
      'http://h/l.m3u8?_HLS_msn=9',
    );
  });

  it('reloads after a target duration, half of it when nothing changed (RFC 8216 6.3.4)', () => {
    const v = view(CLASSIC);
    expect(reloadDelayMs(v, true)).toBe(2000);
    expect(reloadDelayMs(v, false)).toBe(1000);
    expect(reloadDelayMs(view(LOW_LATENCY), false)).toBe(250);
  });

  it('aims at about two parts (LL-HLS) or one segment plus margin (classic)', () => {
    expect(hlsTargetLatencyMs(view(LOW_LATENCY))).toBe(1250);
    expect(hlsTargetLatencyMs(view(CLASSIC))).toBe(2500);
    // Never below the floors, whatever the playlist says.
    expect(hlsTargetLatencyMs(view(CLASSIC.replace('TARGETDURATION:2', 'TARGETDURATION:0')))).toBe(
      1000,
    );
  });

  it('writes Range headers for byte ranges', () => {
    expect(rangeHeader({ url: 'u', range: { offset: 100, length: 50 } })).toBe('bytes=100-149');
    expect(rangeHeader({ url: 'u', range: { offset: 7, length: undefined } })).toBe('bytes=7-');
    expect(rangeHeader({ url: 'u' })).toBeUndefined();
  });
});
