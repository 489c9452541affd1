import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpeg, ffprobe, useTempDir } from '../test-support/ffmpeg.js';
import { parseMediaPlaylist } from './media-playlist-parser.js';
import { writeMediaPlaylist } from './media-playlist-writer.js';
import { isMultivariant, parseMultivariantPlaylist } from './multivariant-playlist-parser.js';

/** Playlists written by ffmpeg's hls muxer (5.1), the kind the player meets for VOD. */

const dir = useTempDir('tidecast-hls-');
const SOURCE = [
  ...['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10'],
  ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000'],
  ...['-t', '3', '-c:v', 'libx264', '-g', '10', '-c:a', 'aac'],
];
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

describe('ffmpeg hls muxer output', () => {
  it('reads an fMP4 playlist with EXT-X-MAP and PROGRAM-DATE-TIME', () => {
    ffmpeg(
      [
        ...SOURCE,
        ...[
          '-f',
          'hls',
          '-hls_time',
          '1',
          '-hls_segment_type',
          'fmp4',
          '-hls_playlist_type',
          'vod',
        ],
        ...['-hls_flags', 'program_date_time+independent_segments'],
        ...['-hls_fmp4_init_filename', 'f-init.mp4', '-hls_segment_filename', 'f%d.m4s', 'f.m3u8'],
      ],
      dir,
    );
    const p = parseMediaPlaylist(read('f.m3u8'));
    expect(p.version).toBeGreaterThanOrEqual(6);
    expect(p.playlistType).toBe('VOD');
    expect(p.endList).toBe(true);
    expect(p.independentSegments).toBe(true);
    expect(p.map).toEqual({ uri: 'f-init.mp4' });
    expect(existsSync(join(dir, 'f-init.mp4'))).toBe(true);
    expect(p.segments.length).toBeGreaterThanOrEqual(3);
    for (const s of p.segments) {
      expect(existsSync(join(dir, s.uri))).toBe(true);
      expect(s.map).toEqual({ uri: 'f-init.mp4' });
      expect(s.duration).toBeLessThanOrEqual(p.targetDuration + 0.5);
    }
    const total = p.segments.reduce((t, s) => t + s.duration, 0);
    expect(total).toBeGreaterThan(2.8);
    expect(total).toBeLessThan(3.3);
    // Consecutive program date-times advance by the previous segment's duration.
    const [a, b] = p.segments;
    const step = (b?.programDateTime?.getTime() ?? 0) - (a?.programDateTime?.getTime() ?? 0);
    expect(Math.abs(step - (a?.duration ?? 0) * 1000)).toBeLessThan(2);
    // Our writer's version of it reads back the same.
    expect(parseMediaPlaylist(writeMediaPlaylist(p))).toEqual(p);
  });

  it('reads MPEG-TS segments whose EXTINF durations match ffprobe', () => {
    ffmpeg(
      [...SOURCE, '-f', 'hls', '-hls_time', '1', '-hls_segment_filename', 't%d.ts', 't.m3u8'],
      dir,
    );
    const p = parseMediaPlaylist(read('t.m3u8'), `file://${dir}/t.m3u8`);
    expect(p.segments.length).toBeGreaterThanOrEqual(3);
    for (const s of p.segments) {
      const file = s.uri.replace('file://', '');
      const probed = ffprobe<{ format: { duration: string } }>(file, ['-show_format']);
      expect(Math.abs(Number(probed.format.duration) - s.duration)).toBeLessThan(0.15);
    }
  });

  it('reads single-file byte ranges that tile the file', () => {
    ffmpeg(
      [
        ...SOURCE,
        '-f',
        'hls',
        '-hls_time',
        '1',
        '-hls_flags',
        'single_file+discont_start',
        'b.m3u8',
      ],
      dir,
    );
    const p = parseMediaPlaylist(read('b.m3u8'));
    expect(p.segments[0]?.discontinuity).toBe(true);
    let next = 0;
    for (const s of p.segments) {
      expect(s.uri).toBe('b.ts');
      expect(s.byteRange?.offset).toBe(next);
      next += s.byteRange?.length ?? Number.NaN;
    }
    expect(next).toBe(statSync(join(dir, 'b.ts')).size);
  });

  it('reads a multivariant playlist with an audio group', () => {
    ffmpeg(
      [
        ...['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000', '-t', '2'],
        ...['-map', '0:v', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-c:a', 'aac'],
        ...['-b:v:0', '200k', '-b:v:1', '100k', '-s:v:1', '32x24', '-g', '10'],
        ...['-f', 'hls', '-hls_time', '1', '-master_pl_name', 'master.m3u8'],
        ...[
          '-var_stream_map',
          'v:0,agroup:aud v:1,agroup:aud a:0,agroup:aud,default:yes,language:en',
        ],
        ...['-hls_segment_filename', 'm%v_%d.ts', 'm%v.m3u8'],
      ],
      dir,
    );
    const text = read('master.m3u8');
    expect(isMultivariant(text)).toBe(true);
    const m = parseMultivariantPlaylist(text);
    expect(m.variants).toHaveLength(2);
    expect(m.media).toHaveLength(1);
    expect(m.media[0]).toMatchObject({ type: 'AUDIO', groupId: 'group_aud', default: true });
    for (const v of m.variants) {
      expect(v.audio).toBe('group_aud');
      expect(v.bandwidth).toBeGreaterThan(0);
      expect(v.codecs).toMatch(/^avc1\./);
      expect(isMultivariant(read(v.uri))).toBe(false);
      expect(parseMediaPlaylist(read(v.uri)).segments.length).toBeGreaterThanOrEqual(2);
    }
    expect(m.variants.map((v) => v.resolution)).toEqual([
      { width: 64, height: 48 },
      { width: 32, height: 24 },
    ]);
    expect(parseMediaPlaylist(read(m.media[0]?.uri ?? '')).segments.length).toBeGreaterThanOrEqual(
      2,
    );
  });
});
