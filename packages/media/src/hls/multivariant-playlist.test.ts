import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LimitExceededError, MalformedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';
import { isMultivariant, parseMultivariantPlaylist } from './multivariant-playlist-parser.js';
import { writeMultivariantPlaylist } from './multivariant-playlist-writer.js';
import type { MultivariantPlaylist } from './playlist-types.js';

const MULTIVARIANT: MultivariantPlaylist = {
  version: 6,
  independentSegments: true,
  start: { timeOffset: 0, precise: false },
  contentSteering: { serverUri: 'steering.json', pathwayId: 'CDN-A' },
  sessionData: [
    { dataId: 'com.example.title', value: 'Tidecast', language: 'en' },
    { dataId: 'com.example.meta', uri: 'meta.json', format: 'JSON' },
  ],
  sessionKeys: [
    {
      method: 'SAMPLE-AES',
      uri: 'skd://key',
      keyFormat: 'com.apple.streamingkeydelivery',
      keyFormatVersions: '1',
    },
  ],
  media: [
    {
      type: 'AUDIO',
      groupId: 'aud',
      name: 'English',
      language: 'en',
      default: true,
      autoselect: true,
      channels: '2',
      uri: 'audio/en.m3u8',
    },
    {
      type: 'AUDIO',
      groupId: 'aud',
      name: 'Deutsch',
      language: 'de',
      default: false,
      autoselect: true,
      channels: '6',
      uri: 'audio/de.m3u8',
    },
    {
      type: 'SUBTITLES',
      groupId: 'subs',
      name: 'English',
      language: 'en',
      default: false,
      autoselect: true,
      forced: false,
      characteristics: 'public.accessibility.describes-music-and-sound',
      uri: 'subs/en.m3u8',
    },
    {
      type: 'CLOSED-CAPTIONS',
      groupId: 'cc',
      name: 'CC1',
      default: false,
      autoselect: false,
      instreamId: 'CC1',
    },
  ],
  variants: [
    {
      uri: 'v720/index.m3u8',
      bandwidth: 2_500_000,
      averageBandwidth: 2_200_000,
      codecs: 'avc1.64001f,mp4a.40.2',
      resolution: { width: 1280, height: 720 },
      frameRate: 29.97,
      hdcpLevel: 'NONE',
      videoRange: 'SDR',
      audio: 'aud',
      subtitles: 'subs',
      closedCaptions: 'cc',
    },
    {
      uri: 'v360/index.m3u8',
      bandwidth: 800_000,
      codecs: 'avc1.4d401e,mp4a.40.2',
      resolution: { width: 640, height: 360 },
      audio: 'aud',
      closedCaptions: null,
      score: 1.5,
    },
  ],
  iFrameVariants: [
    {
      uri: 'v720/iframes.m3u8',
      bandwidth: 300_000,
      codecs: 'avc1.64001f',
      resolution: { width: 1280, height: 720 },
      videoRange: 'SDR',
    },
  ],
};

describe('multivariant playlists (RFC 8216 4.3.4)', () => {
  const text = writeMultivariantPlaylist(MULTIVARIANT);

  it('writes every tag exactly', () => {
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-START:TIME-OFFSET=0',
        '#EXT-X-CONTENT-STEERING:SERVER-URI="steering.json",PATHWAY-ID="CDN-A"',
        '#EXT-X-SESSION-DATA:DATA-ID="com.example.title",VALUE="Tidecast",LANGUAGE="en"',
        '#EXT-X-SESSION-DATA:DATA-ID="com.example.meta",URI="meta.json",FORMAT=JSON',
        '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en.m3u8"',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Deutsch",LANGUAGE="de",AUTOSELECT=YES,CHANNELS="6",URI="audio/de.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",AUTOSELECT=YES,CHARACTERISTICS="public.accessibility.describes-music-and-sound",URI="subs/en.m3u8"',
        '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"',
        '#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2200000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.97,HDCP-LEVEL=NONE,VIDEO-RANGE=SDR,AUDIO="aud",SUBTITLES="subs",CLOSED-CAPTIONS="cc"',
        'v720/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,SCORE=1.5,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,AUDIO="aud",CLOSED-CAPTIONS=NONE',
        'v360/index.m3u8',
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=300000,CODECS="avc1.64001f",RESOLUTION=1280x720,VIDEO-RANGE=SDR,URI="v720/iframes.m3u8"',
        '',
      ].join('\n'),
    );
  });

  it('reads back what it wrote', () => {
    const parsed = parseMultivariantPlaylist(text);
    // `forced: false` is written as an absent FORCED attribute.
    const media = MULTIVARIANT.media.map((m) => {
      const copy = { ...m };
      if (copy.forced === false) delete copy.forced;
      return copy;
    });
    expect(parsed).toEqual({ ...MULTIVARIANT, media });
    expect(writeMultivariantPlaylist(parsed)).toBe(text);
  });

  it('resolves URIs against a base', () => {
    const p = parseMultivariantPlaylist(text, 'https://cdn.example/show/master.m3u8');
    expect(p.variants[0]?.uri).toBe('https://cdn.example/show/v720/index.m3u8');
    expect(p.media[0]?.uri).toBe('https://cdn.example/show/audio/en.m3u8');
    expect(p.iFrameVariants[0]?.uri).toBe('https://cdn.example/show/v720/iframes.m3u8');
    expect(p.sessionData[1]?.uri).toBe('https://cdn.example/show/meta.json');
    expect(p.contentSteering?.serverUri).toBe('https://cdn.example/show/steering.json');
  });

  it('raises the version for SERVICE closed captions (RFC 8216 7)', () => {
    const cc = {
      type: 'CLOSED-CAPTIONS' as const,
      groupId: 'cc',
      name: 'S1',
      default: false,
      autoselect: false,
      instreamId: 'SERVICE1',
    };
    const out = writeMultivariantPlaylist({
      ...MULTIVARIANT,
      version: 1,
      sessionKeys: [],
      media: [cc],
    });
    expect(out).toContain('#EXT-X-VERSION:7\n');
  });

  it('tells multivariant from media playlists', () => {
    expect(isMultivariant(text)).toBe(true);
    expect(isMultivariant('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n')).toBe(false);
    expect(isMultivariant('#EXTM3U\r\n  #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="a"\r\n')).toBe(
      true,
    );
    expect(isMultivariant('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n')).toBe(false);
  });

  function failure(lines: string[], line: number): string {
    const e = thrownMediaError(() => parseMultivariantPlaylist(lines.join('\n')));
    expect(e).toBeInstanceOf(MalformedError);
    expect(e.message).toMatch(new RegExp(`^line ${line}: `));
    return e.message;
  }

  it.each<[string, string[], number, string]>([
    ['no #EXTM3U', ['#EXT-X-STREAM-INF:BANDWIDTH=1', 'a.m3u8'], 1, 'EXTM3U'],
    ['STREAM-INF without URI', ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1'], 2, 'without a URI'],
    [
      'STREAM-INF then STREAM-INF',
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', '#EXT-X-STREAM-INF:BANDWIDTH=2', 'a'],
      2,
      'without a URI',
    ],
    ['a URI alone', ['#EXTM3U', 'a.m3u8'], 2, 'without EXT-X-STREAM-INF'],
    [
      'no BANDWIDTH',
      ['#EXTM3U', '#EXT-X-STREAM-INF:CODECS="a"', 'a.m3u8'],
      2,
      'requires BANDWIDTH',
    ],
    [
      'a bad RESOLUTION',
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=big', 'a'],
      2,
      'decimal-resolution',
    ],
    [
      'a bad CLOSED-CAPTIONS',
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1,CLOSED-CAPTIONS=cc', 'a'],
      2,
      'CLOSED-CAPTIONS',
    ],
    [
      'an I-frame stream without URI',
      ['#EXTM3U', '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1'],
      2,
      'requires URI',
    ],
    ['a media TYPE', ['#EXTM3U', '#EXT-X-MEDIA:TYPE=TEXT,GROUP-ID="g",NAME="n"'], 2, 'TYPE'],
    [
      'a media without NAME',
      ['#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="g"'],
      2,
      'requires NAME',
    ],
    [
      'captions with a URI',
      [
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="g",NAME="n",INSTREAM-ID="CC1",URI="x"',
      ],
      2,
      'INSTREAM-ID',
    ],
    [
      'session data with both',
      ['#EXTM3U', '#EXT-X-SESSION-DATA:DATA-ID="d",VALUE="v",URI="u"'],
      2,
      'exactly one',
    ],
    ['a session key NONE', ['#EXTM3U', '#EXT-X-SESSION-KEY:METHOD=NONE'], 2, 'METHOD=NONE'],
    ['a media playlist tag', ['#EXTM3U', '#EXTINF:2,', 'a.ts'], 2, 'in a Multivariant Playlist'],
  ])('refuses %s', (_, lines, line, message) => {
    expect(failure(lines, line)).toContain(message);
  });

  it('bounds the number of entries', () => {
    const many = `#EXTM3U\n${'#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n'.repeat(10)}`;
    expect(parseMultivariantPlaylist(many, { maxEntries: 10 }).variants).toHaveLength(10);
    expect(
      thrownMediaError(() => parseMultivariantPlaylist(many, { maxEntries: 9 })),
    ).toBeInstanceOf(LimitExceededError);
  });

  it('refuses values it cannot write', () => {
    const bad: MultivariantPlaylist[] = [
      { ...MULTIVARIANT, variants: [{ uri: 'a', bandwidth: -1 }] },
      { ...MULTIVARIANT, variants: [{ uri: 'a\nb', bandwidth: 1 }] },
      { ...MULTIVARIANT, sessionData: [{ dataId: 'x' }] },
      {
        ...MULTIVARIANT,
        media: [
          { type: 'CLOSED-CAPTIONS', groupId: 'g', name: 'n', default: false, autoselect: false },
        ],
      },
      { ...MULTIVARIANT, variants: [{ uri: 'a', bandwidth: 1, hdcpLevel: 'TYPE 0' }] },
    ];
    for (const p of bad) expect(() => writeMultivariantPlaylist(p)).toThrow(InvalidArgumentError);
  });
});
