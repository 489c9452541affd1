import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../errors.js';
import { readBoxes } from './box-reader.js';
import type { Mp4ReadResult } from './fmp4-reader.js';
import { readFragmentedMp4 } from './fmp4-reader.js';
import { ffmpeg, ffprobe, hexdumpBytes, readBytes, useTempDir } from '../test-support/ffmpeg.js';

interface ProbePacket {
  stream_index: number;
  pts: number;
  dts: number;
  duration: number;
  size: string;
  pos: string;
  flags: string;
}

interface ProbeStream {
  index: number;
  id: string;
  codec_type: string;
  codec_tag_string: string;
  time_base: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  extradata?: string;
}

const dir = useTempDir('tidecast-mp4-');
const files = new Map<string, Uint8Array>();

const SOURCE = [
  ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25'],
  ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
  ['-t', '1'],
].flat();
const X264_AAC = [
  ['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-g', '12', '-pix_fmt', 'yuv420p'],
  ['-c:a', 'aac', '-b:a', '48k'],
].flat();

/** ffmpeg arguments (after the inputs) for each file the tests read. */
const RECIPES: Record<string, string[]> = {
  'plain.mp4': X264_AAC,
  'faststart.mp4': [...X264_AAC, '-movflags', '+faststart'],
  'frag.mp4': [...X264_AAC, '-movflags', '+frag_keyframe+empty_moov+default_base_moof'],
  'dash.mp4': [...X264_AAC, '-f', 'mp4', '-movflags', '+dash+global_sidx'],
  'smooth.ismv': [...X264_AAC, '-f', 'ismv'],
  'hevc-opus.mp4': [
    ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:bframes=2'],
    ['-tag:v', 'hvc1', '-c:a', 'libopus', '-b:a', '32k'],
  ].flat(),
  'hevc-frag.mp4': [
    ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:bframes=2'],
    ['-tag:v', 'hev1', '-c:a', 'libopus', '-b:a', '32k', '-movflags', '+frag_keyframe+empty_moov'],
  ].flat(),
  'av1.mp4': ['-an', '-c:v', 'libaom-av1', '-cpu-used', '8', '-b:v', '100k'],
};

type Probe = { packets: ProbePacket[]; streams: ProbeStream[] };
const probeFile = (path: string): Probe =>
  ffprobe<Probe>(path, ['-show_packets', '-show_streams', '-show_data']);

function file(name: string): Uint8Array {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`fixture ${name} missing`);
  return bytes;
}

beforeAll(() => {
  for (const [name, args] of Object.entries(RECIPES)) {
    const path = join(dir, name);
    ffmpeg([...SOURCE, ...args, path]);
    files.set(name, readBytes(path));
  }
});

/** Every sample against ffprobe's packet list: dts, pts, duration, size, position, keyframe. */
function compareWithFfprobe(name: string): Mp4ReadResult {
  const result = readFragmentedMp4(file(name));
  const probe = probeFile(join(dir, name));
  expect(result.tracks.length).toBe(probe.streams.length);
  for (const stream of probe.streams) {
    const trackId = parseInt(stream.id, 16);
    const track = result.tracks.find((t) => t.trackId === trackId);
    expect(track, `${name} track ${trackId}`).toBeDefined();
    if (!track) continue;
    expect(track.codec).toBe(stream.codec_tag_string);
    expect(`1/${track.timescale}`).toBe(stream.time_base);
    if (stream.codec_type === 'video') {
      expect(track.kind).toBe('video');
      expect(track.width).toBe(stream.width);
      expect(track.height).toBe(stream.height);
    } else {
      expect(track.kind).toBe('audio');
      expect(track.channels).toBe(stream.channels);
      if (track.codec !== 'Opus') expect(String(track.sampleRate)).toBe(stream.sample_rate);
    }
    // ffmpeg turns dOps into an OpusHead as extradata; the others it passes through unchanged.
    if (stream.extradata && track.codec !== 'Opus') {
      expect(Array.from(track.config ?? [])).toEqual(Array.from(hexdumpBytes(stream.extradata)));
    }
    const packets = probe.packets.filter((p) => p.stream_index === stream.index);
    const samples = result.samples.get(trackId) ?? [];
    expect(samples.length, `${name} track ${trackId} sample count`).toBe(packets.length);
    const shift = track.mediaTimeOffset;
    // libavformat/mov.c keeps pts >= dts by moving pts up by the largest negative composition
    // offset (its `dts_shift`), where the spec would put pts before dts (trun v1, ismv).
    const dtsShift = Math.max(0, ...samples.map((s) => s.dts - s.pts));
    const got = samples.map((s) => ({
      dts: s.dts - shift,
      pts: s.pts - shift + dtsShift,
      size: s.size,
      pos: s.offset,
      key: s.keyframe,
    }));
    const want = packets.map((p) => ({
      dts: p.dts,
      pts: p.pts,
      size: Number(p.size),
      pos: Number(p.pos),
      key: p.flags.startsWith('K'),
    }));
    expect(got, `${name} track ${trackId}`).toEqual(want);
    for (const s of samples) expect(s.data.length).toBe(s.size);
  }
  return result;
}

describe('readFragmentedMp4 against ffprobe', () => {
  it('plain MP4 (stbl tables, B-frames, edit lists)', () => {
    const r = compareWithFfprobe('plain.mp4');
    expect(r.fragmented).toBe(false);
    const video = r.tracks.find((t) => t.kind === 'video');
    expect(video?.configBox).toBe('avcC');
    expect(video?.mediaTimeOffset).toBeGreaterThan(0);
    const samples = r.samples.get(video?.trackId ?? -1) ?? [];
    // Avcc framing: the first NAL's 4-byte length fits inside the sample.
    const first = samples[0]?.data ?? new Uint8Array(0);
    const nalLength = new DataView(first.buffer, first.byteOffset).getUint32(0);
    expect(nalLength).toBeLessThanOrEqual(first.length - 4);
  });

  it('faststart MP4 (moov before mdat)', () => {
    const r = compareWithFfprobe('faststart.mp4');
    expect(r.boxes.map((b) => b.type).indexOf('moov')).toBeLessThan(
      r.boxes.map((b) => b.type).indexOf('mdat'),
    );
  });

  it('fragmented MP4 (empty_moov, default_base_moof)', () => {
    const r = compareWithFfprobe('frag.mp4');
    expect(r.fragmented).toBe(true);
    for (const t of r.tracks) expect(t.trex).toBeDefined();
  });

  it('DASH MP4 with a global sidx', () => {
    const r = compareWithFfprobe('dash.mp4');
    expect(r.sidx.length).toBeGreaterThan(0);
    const total = r.sidx[0]?.references.reduce((sum, ref) => sum + ref.referencedSize, 0) ?? 0;
    expect(total).toBeGreaterThan(0);
  });

  it('Smooth Streaming ismv', () => {
    compareWithFfprobe('smooth.ismv');
  });

  it('HEVC (hvc1) + Opus (dOps)', () => {
    const r = compareWithFfprobe('hevc-opus.mp4');
    const audio = r.tracks.find((t) => t.kind === 'audio');
    expect(audio?.configBox).toBe('dOps');
    // dOps is OpusHead minus its magic, big-endian (Opus in ISOBMFF 4.3.2).
    expect(audio?.config?.[0]).toBe(0);
    expect(audio?.sampleRate).toBe(48000);
  });

  it('fragmented HEVC (hev1) + Opus', () => {
    const r = compareWithFfprobe('hevc-frag.mp4');
    expect(r.tracks.find((t) => t.kind === 'video')?.configBox).toBe('hvcC');
  });

  it('AV1 (av01 / av1C)', () => {
    const r = compareWithFfprobe('av1.mp4');
    expect(r.tracks[0]?.configBox).toBe('av1C');
    expect(r.tracks[0]?.config?.[0]).toBe(0x81);
  });
});

describe('readFragmentedMp4 robustness', () => {
  it('rejects a file without moov', () => {
    const mdatOnly = new Uint8Array([0, 0, 0, 8, 0x6d, 0x64, 0x61, 0x74]);
    expect(() => readFragmentedMp4(mdatOnly)).toThrow(MediaError);
  });

  it('indexes a lone moov with allowMissingData, and refuses without it', () => {
    const bytes = file('faststart.mp4');
    const moov = readBoxes(bytes).find((b) => b.type === 'moov');
    const head = bytes.subarray(0, (moov?.offset ?? 0) + (moov?.size ?? 0));
    expect(() => readFragmentedMp4(head)).toThrow(MediaError);
    const r = readFragmentedMp4(head, { allowMissingData: true });
    const all = [...r.samples.values()].flat();
    expect(all.length).toBeGreaterThan(25);
    expect(all.every((s) => s.data.length === 0 && s.size > 0)).toBe(true);
  });

  it('enforces maxSamples', () => {
    expect(() => readFragmentedMp4(file('frag.mp4'), { maxSamples: 10 })).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    );
  });

  it('truncation at every position of a small plain file yields only MediaError', () => {
    const bytes = file('av1.mp4');
    let failures = 0;
    for (let end = 0; end < bytes.length; end++) {
      try {
        readFragmentedMp4(bytes.subarray(0, end));
      } catch (e) {
        expect(e).toBeInstanceOf(MediaError);
        failures++;
      }
    }
    // Cutting anywhere loses sample data or a box, so every prefix must fail.
    expect(failures).toBe(bytes.length);
  });

  it('truncated fragmented input yields only MediaError', () => {
    const bytes = file('frag.mp4');
    // A cut between two top-level boxes (before a moof, say) leaves a shorter valid file.
    const boundaries = new Set(readBoxes(bytes).map((b) => b.offset));
    const ends = fc.integer({ min: 0, max: bytes.length - 1 }).filter((n) => !boundaries.has(n));
    fc.assert(
      fc.property(ends, (end) => {
        expect(() => readFragmentedMp4(bytes.subarray(0, end))).toThrow(MediaError);
      }),
      { numRuns: 300 },
    );
  });

  for (const name of ['frag.mp4', 'plain.mp4', 'hevc-opus.mp4']) {
    it(`byte mutations of ${name} yield a result or MediaError, in bounded time`, () => {
      const original = file(name);
      // Mutate the metadata (every box but mdat payloads), where parsing decisions are made.
      const hot: number[] = [];
      for (const b of readBoxes(original)) {
        const end = b.type === 'mdat' ? b.offset + b.headerSize : b.offset + b.size;
        for (let at = b.offset; at < end; at++) hot.push(at);
      }
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.constantFrom(...hot), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 8,
          }),
          (edits) => {
            const bytes = original.slice();
            for (const [at, value] of edits) bytes[at] = value;
            const started = performance.now();
            try {
              const r = readFragmentedMp4(bytes);
              for (const list of r.samples.values()) {
                for (const s of list) expect(s.data.length).toBe(s.size);
              }
            } catch (e) {
              expect(e).toBeInstanceOf(MediaError);
            }
            expect(performance.now() - started).toBeLessThan(2000);
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
