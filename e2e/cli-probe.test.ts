import { describe, expect, it } from 'vitest';
import { ensureFixture, listFixtures } from '../fixtures/fixtures.js';
import { fromFfprobe, timelineOf } from './support/compare-packets.js';
import { probeWithFfprobe } from './support/ffprobe.js';
import { runTidecast } from './support/tidecast-cli.js';

const FLV_FIXTURES = listFixtures()
  .filter((f) => !f.large && f.name.endsWith('.flv'))
  .map((f) => f.name);

interface ProbeJson {
  format: string;
  tracks: {
    kind: 'video' | 'audio';
    codecString: string;
    width?: number;
    height?: number;
    sampleRate?: number;
    channels?: number;
  }[];
  packets: { kind: 'video' | 'audio'; dts: number; pts: number; keyframe: boolean; size: number }[];
}

async function probe(file: string): Promise<ProbeJson> {
  const result = await runTidecast(['probe', file]);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as ProbeJson;
}

describe('tidecast probe agrees with ffprobe', () => {
  it('covers at least eight FLV fixtures', () => {
    expect(FLV_FIXTURES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(FLV_FIXTURES)(
    '%s: same packets per track (count, dts, pts, keyframe, size)',
    async (name) => {
      const file = await ensureFixture(name);
      const [ours, theirs] = await Promise.all([probe(file), probeWithFfprobe(file)]);
      expect(ours.format).toBe('flv');
      for (const kind of ['video', 'audio'] as const) {
        const expected = timelineOf(fromFfprobe(theirs.packets), kind);
        const actual = timelineOf(ours.packets, kind);
        expect(actual.dts.length, `${kind} packet count`).toBe(expected.dts.length);
        expect(actual).toEqual(expected);
      }
    },
  );

  it.each(FLV_FIXTURES)('%s: same stream parameters', async (name) => {
    const file = await ensureFixture(name);
    const [ours, theirs] = await Promise.all([probe(file), probeWithFfprobe(file)]);
    expect(ours.tracks.map((t) => t.kind).sort()).toEqual(theirs.streams.map((s) => s.kind).sort());
    for (const stream of theirs.streams) {
      const track = ours.tracks.find((t) => t.kind === stream.kind);
      if (stream.kind === 'video') {
        expect(track?.width).toBe(stream.width);
        expect(track?.height).toBe(stream.height);
        expect(track?.codecString).toMatch(/^avc1\.[0-9a-f]{6}$/);
      } else {
        expect(track?.sampleRate).toBe(stream.sampleRate);
        expect(track?.channels).toBe(stream.channels);
        expect(track?.codecString).toBe(stream.codecName === 'aac' ? 'mp4a.40.2' : 'mp4a.6B');
      }
    }
  });

  // Without an edit list: ffmpeg's mov demuxer re-times B-frame streams under an elst in its
  // own way (a 16 kHz timescale, a pts shift), which is ffmpeg behaviour, not file content.
  it('reports an MP4 written by ffmpeg with the same packets as ffprobe', async () => {
    const flv = await ensureFixture('h264-high-bframes-aac48-stereo.flv');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCommand } = await import('./support/run-command.js');
    const dir = await mkdtemp(join(tmpdir(), 'tidecast-probe-'));
    try {
      const mp4 = join(dir, 'plain.mp4');
      const made = await runCommand(
        'ffmpeg',
        ['-v', 'error', '-i', flv, '-c', 'copy', '-use_editlist', '0', mp4],
        { timeoutMs: 30_000 },
      );
      expect(made.exitCode).toBe(0);
      const [ours, theirs] = await Promise.all([probe(mp4), probeWithFfprobe(mp4)]);
      expect(ours.format).toBe('mp4');
      for (const kind of ['video', 'audio'] as const) {
        const expected = timelineOf(fromFfprobe(theirs.packets), kind);
        const actual = timelineOf(ours.packets, kind);
        expect(actual.dts.length).toBeGreaterThan(10);
        expect(actual).toEqual(expected);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
