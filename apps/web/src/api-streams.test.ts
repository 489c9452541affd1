import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRtmpPort, parseStreams } from './api-streams.js';
import { viewersText } from './dashboard-table.js';

const sample = {
  streams: [
    {
      key: 'live/b',
      app: 'live',
      stream: 'b',
      live: true,
      video: { codec: 'H264', codecString: 'avc1.64001f', width: 1280, height: 720, fps: 30 },
      audio: { codec: 'AAC', codecString: 'mp4a.40.2', sampleRate: 48000, channels: 2 },
      bitrateIn: 2_500_000,
      viewers: { 'flv-http': 2, 'flv-ws': 0, rtmp: 0, 'fmp4-http': 1, 'fmp4-ws': 0, total: 3 },
      uptimeMs: 65_000,
    },
    { app: 'live', stream: 'a', live: false, video: null, audio: 'junk', viewers: null },
    { app: '../etc', stream: 'x' },
    'nonsense',
  ],
};

describe('parseStreams', () => {
  it('keeps valid streams sorted, degrading bad fields and dropping bad keys', () => {
    const streams = parseStreams(sample);
    expect(streams.map((s) => s.key)).toEqual(['live/a', 'live/b']);
    const [a, b] = streams;
    expect(a).toMatchObject({
      live: false,
      video: null,
      audio: null,
      viewersTotal: 0,
      bitrateIn: 0,
    });
    expect(b).toMatchObject({
      live: true,
      video: { codec: 'avc1.64001f', width: 1280, height: 720, fps: 30 },
      audio: { codec: 'mp4a.40.2', sampleRate: 48000, channels: 2 },
      viewersTotal: 3,
    });
    expect(b === undefined ? '' : viewersText(b)).toEqual({
      total: '3',
      detail: 'HTTP-FLV 2 · fMP4 1',
    });
  });

  it('throws on a response that is not a stream list, and never on odd entries', () => {
    expect(() => parseStreams({ error: 'x' })).toThrow(/unexpected/);
    expect(() => parseStreams(null)).toThrow();
    fc.assert(
      fc.property(fc.array(fc.anything()), (items) => {
        for (const s of parseStreams({ streams: items }))
          expect(s.key).toMatch(/^[\w.-]+\/[\w.-]+$/);
      }),
    );
  });

  it('reads the RTMP port from /api/server', () => {
    expect(parseRtmpPort({ rtmpPort: 1935 })).toBe(1935);
    expect(parseRtmpPort({ rtmpPort: '1935' })).toBeUndefined();
    expect(parseRtmpPort([])).toBeUndefined();
  });
});
