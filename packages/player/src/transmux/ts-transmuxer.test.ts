import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeErrors,
  ffmpeg,
  probeFrames,
  readBytes,
  segmentsOf,
  tempDir,
  transmuxChunked,
  writeMp4,
} from './test-support/transmux-fixtures.js';
import { sniffFormat } from './format-sniff.js';
import { StreamCheckpoint } from './stream-checkpoint.js';
import type { TransmuxOutput } from './transmux-types.js';
import { Transmuxer } from './transmuxer.js';

const dir = tempDir('tidecast-ts-transmux-');
const SRC = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2'];
const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'];

let ts: Uint8Array;
let bframesTs: Uint8Array;
let fmp4: Uint8Array;

beforeAll(() => {
  const file = (name: string): string => join(dir, name);
  ffmpeg([...SRC, ...TONE, ...X264, '-bf', '0', '-c:a', 'aac', '-f', 'mpegts', file('av.ts')]);
  ffmpeg([...SRC, ...TONE, ...X264, '-bf', '2', '-c:a', 'aac', '-f', 'mpegts', file('b.ts')]);
  ffmpeg([
    ...SRC,
    ...TONE,
    ...X264,
    '-c:a',
    'aac',
    ...['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', file('f.mp4')],
  ]);
  ts = readBytes(file('av.ts'));
  bframesTs = readBytes(file('b.ts'));
  fmp4 = readBytes(file('f.mp4'));
});

function errors(out: readonly TransmuxOutput[]): TransmuxOutput[] {
  return out.filter((o) => o.type === 'error');
}

describe('format sniffing', () => {
  it('tells TS, FLV and ISO BMFF apart by the first byte', () => {
    expect(sniffFormat(0x47)).toBe('ts');
    expect(sniffFormat(0x46)).toBe('flv');
    expect(sniffFormat(0x00)).toBe('fmp4');
    expect(sniffFormat(ts[0] ?? 0)).toBe('ts');
    expect(sniffFormat(fmp4[0] ?? 0)).toBe('fmp4');
  });
});

describe('Transmuxer (MPEG-TS)', () => {
  it.each([
    ['ts', 1],
    ['auto', 2],
  ] as const)('remuxes H.264+AAC TS into fMP4 ffmpeg decodes cleanly (%s)', (format, seed) => {
    const out = transmuxChunked(ts, { format }, seed);
    expect(errors(out)).toEqual([]);
    const inits = out.filter((o) => o.type === 'init');
    expect(inits).toHaveLength(1);
    const init = inits[0];
    expect(init?.type === 'init' && init.media.mimeType).toMatch(
      /^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/,
    );
    const file = join(dir, `av-${format}.mp4`);
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    const frames = probeFrames(file);
    expect(frames.video).toBe(50);
    expect(frames.audio).toBeGreaterThan(80);
    // 90 kHz input keeps its timeline (ffmpeg's TS starts at 1.4 s).
    const first = segmentsOf(out)[0];
    expect(first?.startSec).toBeGreaterThan(1.3);
    expect(first?.startSec).toBeLessThan(1.5);
  });

  it('keeps B-frame composition offsets (pts order decodes without errors)', () => {
    const out = transmuxChunked(bframesTs, { format: 'auto' }, 3);
    expect(errors(out)).toEqual([]);
    const file = join(dir, 'b.mp4');
    writeMp4(file, out);
    expect(decodeErrors(file)).toBe('');
    const pts = probeFrames(file).videoPts;
    expect(pts).toHaveLength(50);
    for (let i = 1; i < pts.length; i++) expect(pts[i]).toBeGreaterThan(pts[i - 1] ?? 0);
  });

  it('starts a new engine after a discontinuity: a repeated init, TS then fMP4', () => {
    const t = new Transmuxer({ format: 'auto' });
    const out = [...t.push(ts), ...t.discontinuity(), ...t.push(fmp4), ...t.flush()];
    expect(errors(out)).toEqual([]);
    const kinds = out.filter((o) => o.type !== 'warning' && o.type !== 'segment');
    expect(kinds.map((o) => o.type)).toEqual(['init', 'discontinuity', 'init']);
    const at = out.findIndex((o) => o.type === 'discontinuity');
    // The held last video frame of the TS goes out before the marker.
    expect(segmentsOf(out.slice(0, at)).reduce((n, s) => n + s.videoFrames, 0)).toBe(50);
    expect(segmentsOf(out.slice(at)).length).toBeGreaterThan(0);
  });

  it('reports damage as a DEMUX error output, never a throw', () => {
    const broken = ts.slice(0, 188 * 40);
    for (let i = 188 * 5; i < broken.length; i += 7) broken[i] = (broken[i] ?? 0) ^ 0x5a;
    const out = transmuxChunked(broken, { format: 'auto' }, 4);
    for (const o of out) expect(['init', 'segment', 'warning', 'error']).toContain(o.type);
  });
});

describe('StreamCheckpoint (TS)', () => {
  it('keeps the PAT and PMT and marks every packet boundary', () => {
    const cp = new StreamCheckpoint('auto');
    cp.observe(ts.subarray(0, 100));
    cp.observe(ts.subarray(100, 188 * 30));
    const config = cp.configBytes();
    expect(config).toHaveLength(2);
    const pid = (p: Uint8Array | undefined): number => ((p?.[1] ?? 0) % 32) * 256 + (p?.[2] ?? 0);
    expect(pid(config[0])).toBe(0);
    expect(pid(config[1])).toBe(4096); // ffmpeg's default PMT PID
    expect(cp.boundaryFrom(189)).toBe(376);
  });
});
