import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError, MediaError } from '../errors.js';
import { expectOnlyMediaError, onlyMediaError } from '../test-support/fuzz.js';
import { applyDeltaUpdate } from './media-playlist-delta.js';
import { parseMediaPlaylist } from './media-playlist-parser.js';
import { writeMediaPlaylist } from './media-playlist-writer.js';
import { parseMultivariantPlaylist } from './multivariant-playlist-parser.js';
import { writeMultivariantPlaylist } from './multivariant-playlist-writer.js';

/*
 * Hostile playlists: random text, token soup made of real tags with random values, and valid
 * playlists with lines dropped, duplicated, swapped or cut. Parsers return or throw MediaError,
 * never anything else, never hang; whatever parses can be written back (or is refused with a
 * MediaError).
 */

const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:9',
  '#EXT-X-TARGETDURATION:4',
  '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=24.0',
  '#EXT-X-PART-INF:PART-TARGET=0.5',
  '#EXT-X-MEDIA-SEQUENCE:12',
  '#EXT-X-DISCONTINUITY-SEQUENCE:2',
  '#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x00112233445566778899aabbccddeeff',
  '#EXT-X-MAP:URI="init.mp4",BYTERANGE="700@0"',
  '#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00.000Z',
  '#EXTINF:4.0,',
  '#EXT-X-BYTERANGE:1000@700',
  'all.mp4',
  '#EXT-X-DISCONTINUITY',
  '#EXT-X-PART:DURATION=0.5,URI="all.mp4",BYTERANGE="500@1700",INDEPENDENT=YES',
  '#EXT-X-PART:DURATION=0.5,URI="all.mp4",BYTERANGE="500"',
  '#EXTINF:1.0,t',
  '#EXT-X-BYTERANGE:1000',
  'all.mp4',
  '#EXT-X-GAP',
  '#EXT-X-PART:DURATION=0.5,URI="p.mp4",GAP=YES',
  '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p2.mp4",BYTERANGE-START=0',
  '#EXT-X-RENDITION-REPORT:URI="../a/i.m3u8",LAST-MSN=13,LAST-PART=1',
];

const MULTI = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-SESSION-DATA:DATA-ID="a",VALUE="b"',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,AUTOSELECT=YES,URI="a.m3u8"',
  '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="c",INSTREAM-ID="SERVICE2"',
  '#EXT-X-STREAM-INF:BANDWIDTH=100,CODECS="avc1.42c00a",RESOLUTION=64x48,AUDIO="aud",CLOSED-CAPTIONS="cc"',
  'v.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=50,FRAME-RATE=25.000,CLOSED-CAPTIONS=NONE',
  'w.m3u8',
  '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=10,URI="i.m3u8"',
];

/** Parse with both parsers, write back what parsed, and check every failure is a MediaError. */
function exercise(text: string): void {
  onlyMediaError(() => {
    const p = parseMediaPlaylist(text, 'http://h/live/x.m3u8');
    onlyMediaError(() => writeMediaPlaylist(p));
    onlyMediaError(() => writeMediaPlaylist(p, { skipUntil: 4 }));
    onlyMediaError(() => applyDeltaUpdate(p, p));
  });
  onlyMediaError(() => {
    const m = parseMultivariantPlaylist(text);
    onlyMediaError(() => writeMultivariantPlaylist(m));
  });
}

const edit = fc.tuple(
  fc.constantFrom('drop', 'dup', 'swap', 'char', 'cut'),
  fc.nat(),
  fc.nat(),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

const lineEdit = (lines: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([edits, crlf]) => {
    const out = [...lines];
    for (const [kind, i, j, c] of edits) {
      const a = i % out.length;
      const line = out[a] ?? '';
      const at = j % (line.length + 1);
      if (kind === 'drop') out.splice(a, 1);
      else if (kind === 'dup') out.splice(a, 0, line);
      else if (kind === 'swap') {
        const b = j % out.length;
        [out[a], out[b]] = [out[b] ?? '', line];
      } else if (kind === 'char') out[a] = line.slice(0, at) + c + line.slice(at + 1);
      else out[a] = line.slice(0, at);
      if (out.length === 0) out.push('#EXTM3U');
    }
    return out.join(crlf ? '\r\n' : '\n');
  });

const VOCABULARY = [
  '#EXTINF:',
  '#EXT-X-BYTERANGE:',
  '#EXT-X-TARGETDURATION:',
  '#EXT-X-MEDIA-SEQUENCE:',
  '#EXT-X-PART:',
  '#EXT-X-MAP:',
  '#EXT-X-KEY:',
  '#EXT-X-SKIP:',
  '#EXT-X-PRELOAD-HINT:',
  '#EXT-X-RENDITION-REPORT:',
  '#EXT-X-SERVER-CONTROL:',
  '#EXT-X-PROGRAM-DATE-TIME:',
  '#EXT-X-STREAM-INF:',
  '#EXT-X-MEDIA:',
  '#EXT-X-START:',
  '#EXT-X-DISCONTINUITY',
  '#EXT-X-ENDLIST',
  '#EXT-X-GAP',
  'seg.ts',
  '# c',
  '',
];
const VALUES = [
  '4',
  '4.5,',
  '-1',
  'abc',
  '1e9',
  '99999999999999999999',
  '100@0',
  '100',
  '@',
  'URI="a"',
  'URI="a",DURATION=1',
  'URI="a",DURATION=1,BYTERANGE="5"',
  'METHOD=NONE',
  'METHOD=AES-128,URI="k",IV=0x1',
  'SKIPPED-SEGMENTS=2',
  'TYPE=PART,URI="x"',
  'BANDWIDTH=1',
  'TYPE=AUDIO,GROUP-ID="g",NAME="n"',
  '2024-01-01T00:00:00Z',
  'TIME-OFFSET=-1',
  '"',
  'A="',
  'A=1,A=2',
  '',
];

const soup = fc
  .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(...VALUES)), { maxLength: 40 })
  .map((lines) => ['#EXTM3U', ...lines.map(([t, v]) => (t.endsWith(':') ? t + v : t))].join('\n'));

describe('HLS playlist fuzz', () => {
  it('valid samples parse', () => {
    expect(parseMediaPlaylist(MEDIA.join('\n')).segments).toHaveLength(2);
    expect(parseMultivariantPlaylist(MULTI.join('\n')).variants).toHaveLength(2);
  });

  it('random text only yields MediaError', () => {
    expectOnlyMediaError(fc.string({ unit: 'binary', maxLength: 300 }), exercise, 1000);
    expectOnlyMediaError(
      fc.string({ unit: 'binary', maxLength: 300 }).map((s) => `#EXTM3U\n${s}`),
      exercise,
      1000,
    );
  });

  it('mutated valid playlists only yield MediaError', () => {
    expectOnlyMediaError(lineEdit(MEDIA), exercise, 1500);
    expectOnlyMediaError(lineEdit(MULTI), exercise, 1500);
  });

  it('tag soup only yields MediaError', () => {
    expectOnlyMediaError(soup, exercise, 2000);
  });

  it('truncations only yield MediaError, never another error', () => {
    const text = MEDIA.join('\n');
    let malformed = 0;
    for (let i = 0; i <= text.length; i++) {
      try {
        parseMediaPlaylist(text.slice(0, i));
      } catch (e) {
        expect(e).toBeInstanceOf(MediaError);
        if (e instanceof MalformedError) malformed++;
      }
    }
    expect(malformed).toBeGreaterThan(0);
  });

  it('pathological inputs finish quickly', () => {
    const start = Date.now();
    const quotes = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PART:${'A="x",'.repeat(50_000)}`;
    onlyMediaError(() => parseMediaPlaylist(quotes));
    const names = `#EXTM3U\n#EXT-X-STREAM-INF:${'B'.repeat(500_000)}`;
    onlyMediaError(() => parseMultivariantPlaylist(names));
    const blanks = `#EXTM3U\n${'\n'.repeat(1_000_000)}#EXT-X-TARGETDURATION:1\n`;
    expect(parseMediaPlaylist(blanks).targetDuration).toBe(1);
    expect(Date.now() - start).toBeLessThan(3000);
  });
});
