import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { parseMediaPlaylist } from './media-playlist-parser.js';
import { formatDuration, targetDurationFor, writeMediaPlaylist } from './media-playlist-writer.js';
import type { MediaPlaylist, MediaSegment } from './playlist-types.js';

function playlist(over: Partial<MediaPlaylist> = {}): MediaPlaylist {
  return {
    version: 0,
    targetDuration: 0,
    mediaSequence: 0,
    discontinuitySequence: 0,
    endList: false,
    independentSegments: false,
    segments: [],
    preloadHints: [],
    renditionReports: [],
    ...over,
  };
}

function segment(i: number, over: Partial<MediaSegment> = {}): MediaSegment {
  return { uri: `seg${i}.ts`, duration: 2, discontinuity: false, parts: [], ...over };
}

describe('writeMediaPlaylist', () => {
  it('writes a VOD playlist with integer durations as version 1', () => {
    const text = writeMediaPlaylist(
      playlist({
        playlistType: 'VOD',
        endList: true,
        segments: [segment(0, { title: 'first' }), segment(1)],
      }),
    );
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:1',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXTINF:2,first',
        'seg0.ts',
        '#EXTINF:2,',
        'seg1.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('computes the target duration from the rounded EXTINF values (RFC 8216 4.3.3.1)', () => {
    expect(targetDurationFor([{ duration: 4.4 }, { duration: 4.5 }])).toBe(5);
    expect(targetDurationFor([{ duration: 4.49 }])).toBe(4);
    // 4.499999 is written as 4.5, which a client rounds to 5.
    expect(formatDuration(4.499999)).toBe('4.5');
    expect(targetDurationFor([{ duration: 4.499999 }])).toBe(5);
    // A configured target that is larger stays (it must not change over a live stream).
    expect(targetDurationFor([{ duration: 1 }], 6)).toBe(6);
    expect(targetDurationFor([], 2.2)).toBe(3);
  });

  it('writes an LL-HLS fMP4 live playlist exactly', () => {
    const map = { uri: 'init.mp4' };
    const text = writeMediaPlaylist(
      playlist({
        version: 6,
        targetDuration: 4,
        mediaSequence: 266,
        discontinuitySequence: 3,
        independentSegments: true,
        map,
        partInf: { partTarget: 1.002 },
        serverControl: { canBlockReload: true, canSkipUntil: 24, partHoldBack: 3.006 },
        segments: [
          segment(266, {
            uri: 'fileSequence266.mp4',
            duration: 4.00008,
            map,
            programDateTime: new Date(Date.UTC(2019, 1, 14, 2, 13, 28, 106)),
          }),
          segment(267, {
            uri: 'fileSequence267.mp4',
            duration: 4.00008,
            map,
            discontinuity: true,
            parts: [
              { uri: 'filePart267.0.mp4', duration: 1.002, independent: true },
              { uri: 'filePart267.1.mp4', duration: 1.002, independent: false, gap: true },
            ],
          }),
        ],
        partialSegment: {
          discontinuity: false,
          map,
          parts: [
            {
              uri: 'filePart268.mp4',
              duration: 1.002,
              independent: true,
              byteRange: { length: 5000, offset: 0 },
            },
          ],
        },
        preloadHints: [
          { type: 'PART', uri: 'filePart268.mp4', byteRangeStart: 5000 },
          { type: 'MAP', uri: 'init2.mp4', byteRangeStart: 0, byteRangeLength: 800 },
        ],
        renditionReports: [
          { uri: '../1M/waitForMSN.php', lastMsn: 268, lastPart: 0 },
          { uri: '../4M/waitForMSN.php' },
        ],
      }),
    );
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:266',
        '#EXT-X-DISCONTINUITY-SEQUENCE:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=24,PART-HOLD-BACK=3.006,CAN-BLOCK-RELOAD=YES',
        '#EXT-X-PART-INF:PART-TARGET=1.002',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:28.106Z',
        '#EXTINF:4.00008,',
        'fileSequence266.mp4',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-PART:DURATION=1.002,URI="filePart267.0.mp4",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=1.002,URI="filePart267.1.mp4",GAP=YES',
        '#EXTINF:4.00008,',
        'fileSequence267.mp4',
        '#EXT-X-PART:DURATION=1.002,URI="filePart268.mp4",INDEPENDENT=YES,BYTERANGE="5000@0"',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart268.mp4",BYTERANGE-START=5000',
        '#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init2.mp4",BYTERANGE-START=0,BYTERANGE-LENGTH=800',
        '#EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=268,LAST-PART=0',
        '#EXT-X-RENDITION-REPORT:URI="../4M/waitForMSN.php"',
        '',
      ].join('\n'),
    );
  });

  it('raises EXT-X-VERSION to what the content needs (RFC 8216 7)', () => {
    const version = (p: MediaPlaylist): string | undefined =>
      /#EXT-X-VERSION:(\d+)/.exec(writeMediaPlaylist(p))?.[1];
    expect(version(playlist({ segments: [segment(0)] }))).toBe('1');
    expect(version(playlist({ segments: [segment(0, { duration: 1.5 })] }))).toBe('3');
    const ranged = segment(0, { byteRange: { length: 10, offset: 0 } });
    expect(version(playlist({ segments: [ranged] }))).toBe('4');
    const iv = new Uint8Array(16);
    expect(
      version(playlist({ segments: [segment(0, { key: { method: 'AES-128', uri: 'k', iv } })] })),
    ).toBe('2');
    const keyFormat = { method: 'SAMPLE-AES', uri: 'k', keyFormat: 'identity' };
    expect(version(playlist({ segments: [segment(0, { key: keyFormat })] }))).toBe('5');
    expect(version(playlist({ map: { uri: 'i.mp4' }, segments: [segment(0)] }))).toBe('6');
    expect(version(playlist({ map: { uri: 'i.mp4' }, iFramesOnly: true }))).toBe('5');
    expect(version(playlist({ iFramesOnly: true }))).toBe('4');
    expect(version(playlist({ version: 7, segments: [segment(0)] }))).toBe('7');
  });

  it('writes EXT-X-MAP and EXT-X-KEY only where they change', () => {
    const a = { uri: 'a.mp4' };
    const b = { uri: 'b.mp4', byteRange: { length: 700, offset: 0 } };
    const key = {
      method: 'AES-128',
      uri: 'key1',
      iv: Uint8Array.from({ length: 16 }, (_, i) => i),
    };
    const text = writeMediaPlaylist(
      playlist({
        map: a,
        segments: [
          segment(0, { map: a, key }),
          segment(1, { key: { ...key } }),
          segment(2, { map: { uri: 'b.mp4', byteRange: { length: 700, offset: 0 } } }),
          segment(3, { map: b, key }),
        ],
      }),
    );
    expect(text.match(/^#EXT-X-(MAP|KEY):.*$/gm)).toEqual([
      '#EXT-X-MAP:URI="a.mp4"',
      '#EXT-X-KEY:METHOD=AES-128,URI="key1",IV=0x000102030405060708090a0b0c0d0e0f',
      '#EXT-X-KEY:METHOD=NONE',
      '#EXT-X-MAP:URI="b.mp4",BYTERANGE="700@0"',
      '#EXT-X-KEY:METHOD=AES-128,URI="key1",IV=0x000102030405060708090a0b0c0d0e0f',
    ]);
    // segment 1 has no map of its own: the playlist's default applies.
    expect(parseMediaPlaylist(text).segments.map((s) => s.map?.uri)).toEqual([
      'a.mp4',
      'a.mp4',
      'b.mp4',
      'b.mp4',
    ]);
  });

  it('writes byte ranges, gaps, titles, start and I-frames-only tags', () => {
    const text = writeMediaPlaylist(
      playlist({
        iFramesOnly: true,
        start: { timeOffset: -6.5, precise: true },
        playlistType: 'EVENT',
        segments: [
          segment(0, { byteRange: { length: 100, offset: 0 }, title: 'a, b' }),
          segment(1, { byteRange: { length: 50 }, gap: true }),
        ],
      }),
    );
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(text).toContain('#EXT-X-I-FRAMES-ONLY\n#EXT-X-START:TIME-OFFSET=-6.5,PRECISE=YES\n');
    expect(text).toContain('#EXTINF:2,a, b\n#EXT-X-BYTERANGE:100@0\nseg0.ts\n');
    expect(text).toContain('#EXT-X-GAP\n#EXTINF:2,\n#EXT-X-BYTERANGE:50\nseg1.ts\n');
  });

  it.each<[string, Partial<MediaPlaylist>]>([
    ['a negative duration', { segments: [segment(0, { duration: -1 })] }],
    ['a NaN duration', { segments: [segment(0, { duration: Number.NaN })] }],
    ['a URI with a line break', { segments: [segment(0, { uri: 'a\n#EXT-X-ENDLIST' })] }],
    ['a URI that reads as a comment', { segments: [segment(0, { uri: '#a' })] }],
    ['an empty URI', { segments: [segment(0, { uri: '' })] }],
    ['a title with a line break', { segments: [segment(0, { title: 'x\ny' })] }],
    [
      'a quote in a part URI',
      { segments: [segment(0, { parts: [{ uri: 'a"b', duration: 1, independent: false }] })] },
    ],
    ['a fractional media sequence', { mediaSequence: 1.5 }],
    ['an invalid date', { segments: [segment(0, { programDateTime: new Date(Number.NaN) })] }],
    ['a map that disappears', { segments: [segment(0, { map: { uri: 'i.mp4' } }), segment(1)] }],
    [
      'a short IV',
      { segments: [segment(0, { key: { method: 'AES-128', uri: 'k', iv: new Uint8Array(8) } })] },
    ],
    ['a bad playlist type', { playlistType: 'LIVE' as 'VOD' }],
  ])('refuses %s', (_, over) => {
    expect(() => writeMediaPlaylist(playlist(over))).toThrow(InvalidArgumentError);
  });
});
