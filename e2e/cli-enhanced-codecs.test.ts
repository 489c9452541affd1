import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromFfprobe, timelineOf } from './support/compare-packets.js';
import { encodeMp4, enhancedCases, flvFromMp4 } from './support/enhanced-flv.js';
import { ffmpegDecodeErrors, probeWithFfprobe } from './support/ffprobe.js';
import { runTidecast } from './support/tidecast-cli.js';

/** ffmpeg 5.1 cannot write these codecs into FLV: see support/enhanced-flv.ts. */
const CASES = enhancedCases(15);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-enhanced-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Enhanced RTMP codecs through probe and remux', () => {
  it.each(CASES)('$name: every sample survives FLV -> fMP4 and ffmpeg decodes it', async (c) => {
    const source = join(dir, `${c.name}.mp4`);
    await encodeMp4(source, c, 1);
    const flv = join(dir, `${c.name}.flv`);
    await writeFile(flv, flvFromMp4(new Uint8Array(await readFile(source)), c.legacy === true));

    const probed = await runTidecast(['probe', flv, '--tracks-only']);
    expect(probed.exitCode).toBe(0);
    const report = JSON.parse(probed.stdout) as {
      tracks: { codec: string; codecString: string }[];
    };
    expect(report.tracks.map((t) => t.codec).sort()).toEqual([c.audio, c.video].sort());

    const out = join(dir, `${c.name}.out.mp4`);
    const remuxed = await runTidecast(['remux', flv, out]);
    expect(remuxed.stderr).toBe('');
    expect(remuxed.exitCode).toBe(0);
    expect(await ffmpegDecodeErrors(out)).toBe('');
    const [src, dst] = await Promise.all([probeWithFfprobe(source), probeWithFfprobe(out)]);
    expect(
      dst.streams.map((s) => [s.codecName, s.width, s.height, s.sampleRate, s.channels]).sort(),
    ).toEqual(
      src.streams.map((s) => [s.codecName, s.width, s.height, s.sampleRate, s.channels]).sort(),
    );
    for (const kind of ['video', 'audio'] as const) {
      const a = timelineOf(fromFfprobe(src.packets), kind);
      const b = timelineOf(fromFfprobe(dst.packets), kind);
      expect(b.size.length).toBeGreaterThan(10);
      expect(b.size).toEqual(a.size);
      expect(b.keyframe).toEqual(a.keyframe);
    }
  });
});
