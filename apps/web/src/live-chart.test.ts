import { describe, expect, it } from 'vitest';
import { SampleSeries, niceCeiling } from './live-chart.js';
import { formatBitrate, formatDuration, formatFps } from './format.js';
import { overlayRows } from './stats-overlay.js';

describe('SampleSeries', () => {
  it('keeps only the samples inside its window and ignores non-finite values', () => {
    const s = new SampleSeries(1000);
    s.push(0, 5);
    s.push(500, 9);
    s.push(600, Number.NaN);
    s.push(1200, 3);
    expect(s.values()).toEqual([
      { t: 500, v: 9 },
      { t: 1200, v: 3 },
    ]);
    expect(s.latest()).toBe(3);
    expect(s.max()).toBe(9);
    s.push(5000, 1);
    expect(s.values()).toEqual([{ t: 5000, v: 1 }]);
    s.clear();
    expect(s.latest()).toBeUndefined();
  });

  it('stays bounded over a long session', () => {
    const s = new SampleSeries(60_000);
    for (let t = 0; t < 3_600_000; t += 500) s.push(t, t % 700);
    expect(s.values().length).toBeLessThanOrEqual(121);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 3, 7, 11, 180, 450, 999].map(niceCeiling)).toEqual([
      1, 0.5, 1, 5, 10, 20, 200, 500, 1000,
    ]);
  });
});

describe('formatting', () => {
  it('formats bitrate, duration and fps', () => {
    expect(formatBitrate(2_500_000)).toBe('2.50 Mbit/s');
    expect(formatBitrate(640_400)).toBe('640 kbit/s');
    expect(formatBitrate(Number.NaN)).toBe('0 kbit/s');
    expect(formatDuration(42_900)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 min');
    expect(formatFps(29.97)).toBe('29.97 fps');
    expect(formatFps(null)).toBe('');
  });

  it('builds the overlay rows from stats and media info', () => {
    const rows = new Map(
      overlayRows({
        protocol: 'WS-FLV',
        stats: {
          latencyMs: 212.4,
          bufferMs: 150,
          bitrateBps: 1_200_000,
          droppedFrames: 1,
          decodedFrames: 300,
          playbackRate: 1.05,
          bytesReceived: 1e6,
          reconnects: 2,
          stalls: 0,
          bufferedSec: 4,
          transmuxInWorker: true,
          quotaExceeded: 0,
          evictions: 0,
        },
        media: {
          mimeType: 'video/mp4',
          video: { codec: 'avc1.42c01e', width: 320, height: 180, frameRate: 25 },
        },
        videoWidth: 0,
        videoHeight: 0,
        firstFrameMs: 180,
        lastError: undefined,
      }),
    );
    expect(rows.get('latency')).toBe('212 ms');
    expect(rows.get('frames')).toBe('300 decoded · 1 dropped');
    expect(rows.get('resolution')).toBe('320×180');
    expect(rows.get('video')).toBe('avc1.42c01e 25 fps');
    expect(rows.get('audio')).toBe('–');
    expect(rows.get('reconnects')).toBe('2');
    expect(rows.has('error')).toBe(false);
  });
});
