import { describe, expect, it } from 'vitest';
import { LimitExceededError, MalformedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';
import { parseMediaPlaylist } from './media-playlist-parser.js';

/** An LL-HLS playlist in the style of rfc8216bis Appendix / Apple's examples, CRLF line ends. */
const LL_HLS = [
  '#EXTM3U',
  '# a comment',
  '#EXT-X-TARGETDURATION:4',
  '#EXT-X-VERSION:6',
  '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0,HOLD-BACK=12',
  '#EXT-X-PART-INF:PART-TARGET=0.33334',
  '#EXT-X-MEDIA-SEQUENCE:266',
  '#EXT-X-DISCONTINUITY-SEQUENCE:1',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-START:TIME-OFFSET=-3.5',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXT-X-SOMETHING-NEW:FOO=1',
  '#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:36.106Z',
  '#EXTINF:4.00008,',
  'fileSequence266.mp4',
  '',
  '#EXT-X-PART:DURATION=0.33334,URI="filePart267.0.mp4",INDEPENDENT=YES',
  '#EXT-X-PART:DURATION=0.33334,URI="filePart267.1.mp4"',
  '#EXTINF:0.66668,',
  'fileSequence267.mp4',
  '#EXT-X-DISCONTINUITY',
  '#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:37.000+00:00',
  '#EXT-X-PART:DURATION=0.33334,URI="filePart268.0.mp4",INDEPENDENT=YES,GAP=YES',
  '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart268.1.mp4"',
  '#EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=268,LAST-PART=0',
  '#EXT-X-RENDITION-REPORT:URI="../4M/waitForMSN.php",LAST-MSN=268,LAST-PART=0',
  '',
].join('\r\n');

describe('parseMediaPlaylist', () => {
  it('reads an LL-HLS playlist', () => {
    const p = parseMediaPlaylist(LL_HLS);
    expect(p).toEqual({
      version: 6,
      targetDuration: 4,
      mediaSequence: 266,
      discontinuitySequence: 1,
      endList: false,
      independentSegments: true,
      start: { timeOffset: -3.5, precise: false },
      serverControl: { canBlockReload: true, partHoldBack: 1, canSkipUntil: 12, holdBack: 12 },
      partInf: { partTarget: 0.33334 },
      map: { uri: 'init.mp4' },
      segments: [
        {
          uri: 'fileSequence266.mp4',
          duration: 4.00008,
          discontinuity: false,
          programDateTime: new Date('2019-02-14T02:13:36.106Z'),
          map: { uri: 'init.mp4' },
          parts: [],
        },
        {
          uri: 'fileSequence267.mp4',
          duration: 0.66668,
          discontinuity: false,
          map: { uri: 'init.mp4' },
          parts: [
            { uri: 'filePart267.0.mp4', duration: 0.33334, independent: true },
            { uri: 'filePart267.1.mp4', duration: 0.33334, independent: false },
          ],
        },
      ],
      partialSegment: {
        discontinuity: true,
        programDateTime: new Date('2019-02-14T02:13:37.000Z'),
        map: { uri: 'init.mp4' },
        parts: [{ uri: 'filePart268.0.mp4', duration: 0.33334, independent: true, gap: true }],
      },
      preloadHints: [{ type: 'PART', uri: 'filePart268.1.mp4' }],
      renditionReports: [
        { uri: '../1M/waitForMSN.php', lastMsn: 268, lastPart: 0 },
        { uri: '../4M/waitForMSN.php', lastMsn: 268, lastPart: 0 },
      ],
    });
  });

  it('resolves every URI against a base (options object or string)', () => {
    const base = 'https://example.com/live/720p/index.m3u8?token=1';
    for (const p of [
      parseMediaPlaylist(LL_HLS, base),
      parseMediaPlaylist(LL_HLS, { baseUri: base }),
    ]) {
      expect(p.map?.uri).toBe('https://example.com/live/720p/init.mp4');
      expect(p.segments[1]?.uri).toBe('https://example.com/live/720p/fileSequence267.mp4');
      expect(p.segments[1]?.parts[0]?.uri).toBe('https://example.com/live/720p/filePart267.0.mp4');
      expect(p.preloadHints[0]?.uri).toBe('https://example.com/live/720p/filePart268.1.mp4');
      expect(p.renditionReports[0]?.uri).toBe('https://example.com/live/1M/waitForMSN.php');
    }
  });

  it('reads what ffmpeg writes: EXTINF before PROGRAM-DATE-TIME, +0000 zones, single-file ranges', () => {
    const p = parseMediaPlaylist(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:4',
        '#EXT-X-TARGETDURATION:1',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-DISCONTINUITY',
        '#EXTINF:1.000000,',
        '#EXT-X-BYTERANGE:4136@0',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-21T03:31:14.260+0000',
        'b.ts',
        '#EXTINF:1.000000,',
        '#EXT-X-BYTERANGE:3572',
        'b.ts',
        '#EXTINF:1.000000,',
        '#EXT-X-BYTERANGE:3572@7708',
        'b.ts',
        '#EXT-X-ENDLIST',
      ].join('\n'),
    );
    expect(p.endList).toBe(true);
    expect(p.segments.map((s) => s.byteRange)).toEqual([
      { length: 4136, offset: 0 },
      { length: 3572, offset: 4136 },
      { length: 3572, offset: 7708 },
    ]);
    expect(p.segments[0]?.discontinuity).toBe(true);
    expect(p.segments[0]?.programDateTime?.toISOString()).toBe('2026-11-21T03:31:14.260Z');
  });

  it('continues part byte ranges across segments and applies keys until METHOD=NONE', () => {
    const p = parseMediaPlaylist(
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-KEY:METHOD=AES-128,URI="k.bin",IV=0x1',
        '#EXT-X-PART:DURATION=1,URI="s0.mp4",BYTERANGE="100@0"',
        '#EXT-X-PART:DURATION=1,URI="s0.mp4",BYTERANGE="120"',
        '#EXTINF:2,title, with comma',
        '#EXT-X-BYTERANGE:220@0',
        's0.mp4',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXT-X-PART:DURATION=1,URI="s0.mp4",BYTERANGE="90"',
        '#EXT-X-GAP',
        '#EXTINF:2',
        's1.mp4',
      ].join('\n'),
    );
    const [s0, s1] = p.segments;
    expect(s0?.parts.map((x) => x.byteRange)).toEqual([
      { length: 100, offset: 0 },
      { length: 120, offset: 100 },
    ]);
    expect(s0?.title).toBe('title, with comma');
    expect(s0?.key?.uri).toBe('k.bin');
    expect(Array.from(s0?.key?.iv ?? [])).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(s1?.parts[0]?.byteRange).toEqual({ length: 90, offset: 220 });
    expect(s1?.key).toBeUndefined();
    expect(s1?.gap).toBe(true);
    expect(s1?.title).toBeUndefined();
  });

  it('reads a delta update and I-frame, VOD and EVENT header tags', () => {
    const p = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n' +
        '#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-I-FRAMES-ONLY\n#EXT-X-SKIP:SKIPPED-SEGMENTS=3\n' +
        '#EXTINF:2,\n#EXT-X-BYTERANGE:10\na.ts\n#EXTINF:2,\n#EXT-X-BYTERANGE:10\na.ts\n',
    );
    expect(p.skippedSegments).toBe(3);
    expect(p.playlistType).toBe('EVENT');
    expect(p.iFramesOnly).toBe(true);
    // The ranges continue a skipped segment's: their offsets are unknown until merged.
    expect(p.segments.map((s) => s.byteRange)).toStrictEqual([{ length: 10 }, { length: 10 }]);
  });

  /** The MalformedError for `lines`, checked to name `line` and point at its first byte. */
  function failure(lines: string[], line: number): MalformedError {
    const text = lines.join('\n');
    const e = thrownMediaError(() => parseMediaPlaylist(text));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toMatch(new RegExp(`^line ${line}: `));
    const offset = new TextEncoder().encode(
      lines
        .slice(0, line - 1)
        .map((l) => `${l}\n`)
        .join(''),
    ).length;
    expect(e.offset).toBe(offset);
    return e as MalformedError;
  }

  const head = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="ünïcödé/€.mp4"'];

  it.each<[string, string[], number, string]>([
    ['no #EXTM3U', ['#EXT-X-TARGETDURATION:2', '#EXTINF:2,', 'a.ts'], 1, 'no #EXTM3U'],
    ['a byte order mark', ['\ufeff#EXTM3U', '#EXT-X-TARGETDURATION:2'], 1, 'byte order mark'],
    ['an empty text', [''], 1, 'no #EXTM3U'],
    [
      'EXTINF then EXTINF',
      [...head, '#EXTINF:2,', '#EXTINF:2,', 'a.ts'],
      4,
      'EXTINF without a URI',
    ],
    ['EXTINF at the end', [...head, '#EXTINF:2,', 'a.ts', '#EXTINF:2,'], 6, 'EXTINF without a URI'],
    ['a URI without EXTINF', [...head, 'a.ts'], 4, 'without EXTINF'],
    ['a non-numeric duration', [...head, '#EXTINF:two,', 'a.ts'], 4, 'not a decimal number'],
    ['a negative duration', [...head, '#EXTINF:-2,', 'a.ts'], 4, 'not a decimal number'],
    ['a bad target duration', ['#EXTM3U', '#EXT-X-TARGETDURATION:abc'], 2, 'TARGETDURATION'],
    ['a bad media sequence', [...head, '#EXT-X-MEDIA-SEQUENCE:1.5'], 4, 'decimal-integer'],
    ['a bad date', [...head, '#EXT-X-PROGRAM-DATE-TIME:now'], 4, 'date-time'],
    ['a bad playlist type', [...head, '#EXT-X-PLAYLIST-TYPE:LIVE'], 4, 'playlist type'],
    ['a part without URI', [...head, '#EXT-X-PART:DURATION=1'], 4, 'EXT-X-PART requires URI'],
    ['a map without URI', [...head, '#EXT-X-MAP:BYTERANGE="1@0"'], 4, 'EXT-X-MAP requires URI'],
    ['a key without METHOD', [...head, '#EXT-X-KEY:URI="k"'], 4, 'requires METHOD'],
    [
      'a key IV of 17 bytes',
      [...head, `#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x${'11'.repeat(17)}`],
      4,
      'IV',
    ],
    [
      'an implicit range after nothing',
      [...head, '#EXTINF:2,', '#EXT-X-BYTERANGE:5', 'a.ts'],
      6,
      'without offset',
    ],
    [
      'an implicit range after another URI',
      [
        ...head,
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:5@0',
        'a.ts',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:5',
        'b.ts',
      ],
      9,
      'without offset',
    ],
    [
      'an implicit part range after nothing',
      [...head, '#EXT-X-PART:DURATION=1,URI="p",BYTERANGE="5"'],
      4,
      'without offset',
    ],
    [
      'a multivariant tag',
      [...head, '#EXT-X-STREAM-INF:BANDWIDTH=1', 'a.m3u8'],
      4,
      'in a Media Playlist',
    ],
    [
      'EXT-X-SKIP after a segment',
      [...head, '#EXTINF:2,', 'a.ts', '#EXT-X-SKIP:SKIPPED-SEGMENTS=1'],
      6,
      'EXT-X-SKIP',
    ],
    ['a tag without its value', [...head, '#EXT-X-MEDIA-SEQUENCE'], 4, 'needs a value'],
    ['a bad preload hint type', [...head, '#EXT-X-PRELOAD-HINT:TYPE=SEGMENT,URI="x"'], 4, 'TYPE'],
    ['a duplicated attribute', [...head, '#EXT-X-PART:DURATION=1,URI="a",URI="b"'], 4, 'twice'],
  ])('refuses %s with its line', (_, lines, line, message) => {
    expect(failure(lines, line).message).toContain(message);
  });

  it('refuses a playlist without EXT-X-TARGETDURATION', () => {
    const e = thrownMediaError(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:2,\na.ts\n'));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toMatch(/^line 1: .*EXT-X-TARGETDURATION/);
  });

  it('bounds the input size and the number of segments', () => {
    const many = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n${'#EXTINF:1,\na.ts\n'.repeat(20)}`;
    expect(parseMediaPlaylist(many, { maxEntries: 20 }).segments).toHaveLength(20);
    const e = thrownMediaError(() => parseMediaPlaylist(many, { maxEntries: 19 }));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.message).toMatch(/^line 42: /);
    expect(thrownMediaError(() => parseMediaPlaylist(many, { maxLength: 100 }))).toBeInstanceOf(
      LimitExceededError,
    );
  });

  it('parses a 20 000-segment playlist quickly', () => {
    const text = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n${'#EXTINF:2.00000,\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00.000Z\nseg.ts\n'.repeat(20_000)}#EXT-X-ENDLIST\n`;
    const start = Date.now();
    expect(parseMediaPlaylist(text).segments).toHaveLength(20_000);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
