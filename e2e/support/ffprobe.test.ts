import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandError,
  ffmpegBinary,
  ffmpegDecodeErrors,
  normalizeProbeJson,
  probeWithFfprobe,
  runCommand,
} from './ffprobe.js';

describe('runCommand', () => {
  const node = process.execPath;

  it('collects stdout, stderr and a non-zero exit code without throwing', async () => {
    const r = await runCommand(
      node,
      ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exitCode = 3'],
      { timeoutMs: 10_000 },
    );
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out', stderr: 'err' });
  });

  it('passes arguments verbatim, with no shell in between', async () => {
    const tricky = ['$HOME', '; echo hi', "it's", 'a b'];
    const r = await runCommand(
      node,
      ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...tricky],
      {
        timeoutMs: 10_000,
      },
    );
    expect(JSON.parse(r.stdout)).toEqual(tricky);
  });

  it('kills the child at the hard timeout', async () => {
    const started = performance.now();
    const run = runCommand(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    await expect(run).rejects.toSatisfy(
      (e: unknown) => e instanceof CommandError && e.kind === 'timeout',
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops a child whose output passes the cap', async () => {
    const run = runCommand(
      node,
      ['-e', 'setInterval(() => process.stdout.write("x".repeat(65536)), 1)'],
      {
        timeoutMs: 20_000,
        maxOutputBytes: 256 * 1024,
      },
    );
    await expect(run).rejects.toSatisfy(
      (e: unknown) => e instanceof CommandError && e.kind === 'output-limit',
    );
  });

  it('reports a missing binary as not-found', async () => {
    const run = runCommand('/nonexistent/tidecast-tool', [], { timeoutMs: 5_000 });
    await expect(run).rejects.toSatisfy(
      (e: unknown) => e instanceof CommandError && e.kind === 'not-found',
    );
  });
});

describe('normalizeProbeJson', () => {
  it('converts ticks to ms per stream time base and drops non-A/V streams', () => {
    const result = normalizeProbeJson({
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: 'h264',
          profile: 'High',
          width: 320,
          height: 240,
          has_b_frames: 2,
          r_frame_rate: '30/1',
          time_base: '1/90000',
          start_pts: 324_000_000, // 3600 s
          duration_ts: 270_000,
        },
        {
          index: 1,
          codec_type: 'audio',
          codec_name: 'opus',
          profile: 'unknown',
          sample_rate: '48000',
          channels: 2,
          r_frame_rate: '0/0',
          time_base: '1/48000',
          start_time: '0.000000',
        },
        { index: 2, codec_type: 'data', codec_name: 'bin_data', time_base: '1/1000' },
      ],
      packets: [
        { stream_index: 0, codec_type: 'video', pts: 3003, dts: 0, size: '1200', flags: 'K_' },
        { stream_index: 1, codec_type: 'audio', pts: 959, dts: 959, size: '80', flags: '__' },
        { stream_index: 0, codec_type: 'video', dts: 'N/A', size: '10', flags: '__' },
        { stream_index: 2, codec_type: 'data', pts: 0, dts: 0, size: '5', flags: 'K_' },
      ],
      format: { format_name: 'flv', start_time: '3600.000000', duration: '3.0125' },
    });
    expect(result.streams.map((s) => s.kind)).toEqual(['video', 'audio']);
    expect(result.streams[0]).toMatchObject({
      codecName: 'h264',
      profile: 'High',
      width: 320,
      height: 240,
      hasBFrames: 2,
      rFrameRate: '30/1',
      timeBase: '1/90000',
      startMs: 3_600_000,
      durationMs: 3000,
    });
    expect(result.streams[1]).toMatchObject({
      profile: null,
      sampleRate: 48000,
      channels: 2,
      hasBFrames: 0,
    });
    expect(result.packets).toEqual([
      { streamIndex: 0, kind: 'video', dtsMs: 0, ptsMs: 33, keyframe: true, size: 1200 },
      { streamIndex: 1, kind: 'audio', dtsMs: 20, ptsMs: 20, keyframe: false, size: 80 },
      { streamIndex: 0, kind: 'video', dtsMs: null, ptsMs: null, keyframe: false, size: 10 },
    ]);
    expect(result.format).toEqual({ formatName: 'flv', startMs: 3_600_000, durationMs: 3013 });
  });

  it('rejects output that is not an object', () => {
    expect(() => normalizeProbeJson([])).toThrow(/not a JSON object/);
  });
});

describe('ffprobe and ffmpeg judges on real files', () => {
  let dir = '';
  let good = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidecast-ffprobe-'));
    good = join(dir, 'clip.flv');
    // 1 s, 10 fps, 2 s GOP -> one keyframe; 44.1 kHz AAC has 1024-sample frames (~23.2 ms).
    const r = await runCommand(
      ffmpegBinary(),
      [
        ...[
          '-nostdin',
          '-v',
          'error',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=64x64:rate=10:duration=1',
        ],
        ...[
          '-f',
          'lavfi',
          '-i',
          'sine=sample_rate=44100:duration=1',
          '-c:v',
          'libx264',
          '-bf',
          '0',
        ],
        ...['-g', '20', '-c:a', 'aac', '-f', 'flv', good],
      ],
      { timeoutMs: 30_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('probes streams and packets with ms timestamps', async () => {
    const probe = await probeWithFfprobe(good);
    expect(probe.format.formatName).toBe('flv');
    expect(probe.streams.map((s) => [s.kind, s.codecName])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    const video = probe.packets.filter((p) => p.kind === 'video');
    expect(video).toHaveLength(10);
    expect(video.map((p) => p.keyframe)).toEqual([true, ...Array<boolean>(9).fill(false)]);
    const steps = video.slice(1).map((p, i) => (p.dtsMs ?? 0) - (video[i]?.dtsMs ?? 0));
    expect(steps.every((d) => d === 100)).toBe(true);
    const audio = probe.packets.filter((p) => p.kind === 'audio');
    expect(audio.length).toBeGreaterThan(40);
    expect(audio.every((p) => p.size > 0 && p.streamIndex === 1)).toBe(true);
  });

  it('finds no decode errors in a clean file', async () => {
    expect(await ffmpegDecodeErrors(good)).toBe('');
  });

  it('reports decode errors in a damaged file', async () => {
    const bytes = await readFile(good);
    // Overwrite the middle of the file with garbage: tag headers and frame data break.
    for (let i = Math.floor(bytes.length / 3); i < Math.floor(bytes.length / 3) + 2000; i++) {
      bytes[i] = (i * 7919) % 251;
    }
    const bad = join(dir, 'bad.flv');
    await writeFile(bad, bytes);
    expect(await ffmpegDecodeErrors(bad)).not.toBe('');
  });

  it('fails clearly on a file ffprobe cannot read', async () => {
    const junk = join(dir, 'junk.bin');
    await writeFile(junk, 'not media at all');
    await expect(probeWithFfprobe(junk)).rejects.toThrow(/ffprobe failed on .*junk\.bin/);
  });
});
