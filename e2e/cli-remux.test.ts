import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlvDemuxer, readFragmentedMp4, readBoxes } from '@tidecast/media';
import type { MediaPacket } from '@tidecast/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixture, listFixtures } from '../fixtures/fixtures.js';
import { fromFfprobe, timelineOf } from './support/compare-packets.js';
import { ffmpegDecodeErrors, probeWithFfprobe } from './support/ffprobe.js';
import type { ProbeResult } from './support/ffprobe.js';
import { runCommand } from './support/run-command.js';
import { runTidecast } from './support/tidecast-cli.js';

const FLV_FIXTURES = listFixtures()
  .filter((f) => !f.large && f.name.endsWith('.flv'))
  .map((f) => f.name);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-remux-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function remux(input: string, output: string): Promise<void> {
  const result = await runTidecast(['remux', input, output]);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
}

function expectSameStreams(out: ProbeResult, input: ProbeResult): void {
  const pick = (r: ProbeResult) =>
    r.streams
      .map((s) => ({
        kind: s.kind,
        codecName: s.codecName,
        profile: s.profile,
        width: s.width,
        height: s.height,
        sampleRate: s.sampleRate,
        channels: s.channels,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
  expect(pick(out)).toEqual(pick(input));
}

function expectSamePackets(out: ProbeResult, input: ProbeResult): void {
  for (const kind of ['video', 'audio'] as const) {
    const expected = timelineOf(fromFfprobe(input.packets), kind);
    const actual = timelineOf(fromFfprobe(out.packets), kind);
    expect(actual.dts.length, `${kind} packet count`).toBe(expected.dts.length);
    expect(actual.dts, `${kind} dts`).toEqual(expected.dts);
    expect(actual.pts, `${kind} pts`).toEqual(expected.pts);
    expect(actual.keyframe, `${kind} keyframes`).toEqual(expected.keyframe);
    expect(actual.size, `${kind} sizes`).toEqual(expected.size);
  }
}

/** Remuxes, then ffmpeg must decode the output cleanly and see the input's streams and packets. */
async function expectFaithfulRemux(input: string, output: string): Promise<void> {
  await remux(input, output);
  expect(await ffmpegDecodeErrors(output)).toBe('');
  const [inProbe, outProbe] = await Promise.all([
    probeWithFfprobe(input),
    probeWithFfprobe(output),
  ]);
  expectSameStreams(outProbe, inProbe);
  expectSamePackets(outProbe, inProbe);
}

function demuxAll(bytes: Uint8Array): MediaPacket[] {
  const demuxer = new FlvDemuxer();
  const all = [...demuxer.push(bytes), ...demuxer.flush()];
  expect(all.filter((e) => e.type === 'error')).toEqual([]);
  return all.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));
}

describe('tidecast remux FLV -> fragmented MP4', () => {
  it.each(FLV_FIXTURES)('%s: ffmpeg decodes it cleanly and sees the same packets', async (name) => {
    const input = await ensureFixture(name);
    const output = join(dir, name.replace(/\.flv$/, '.mp4'));
    await expectFaithfulRemux(input, output);
  });

  it.each(FLV_FIXTURES)('%s: one fragment per keyframe interval, indexed by sidx', async (name) => {
    const input = await ensureFixture(name);
    const output = join(dir, name.replace(/\.flv$/, '.sidx.mp4'));
    await remux(input, output);
    const bytes = new Uint8Array(await readFile(output));
    const top = readBoxes(bytes).map((b) => b.type);
    expect(top.slice(0, 3)).toEqual(['ftyp', 'moov', 'sidx']);
    const moofs = top.filter((t) => t === 'moof').length;
    expect(top.filter((t) => t === 'mdat').length).toBe(moofs);
    const result = readFragmentedMp4(bytes);
    const sidx = result.sidx[0];
    expect(sidx?.references.length).toBe(moofs);
    const video = result.tracks.find((t) => t.kind === 'video');
    if (video !== undefined) {
      // Fixtures have a keyframe every second: as many fragments as keyframes.
      const keyframes = (result.samples.get(video.trackId) ?? []).filter((s) => s.keyframe).length;
      expect(moofs).toBe(keyframes);
    } else {
      expect(moofs).toBeGreaterThanOrEqual(2);
    }
    // The sidx sizes tile the file exactly from the first moof.
    const total = sidx?.references.reduce((sum, r) => sum + r.referencedSize, 0) ?? 0;
    const firstMoof = readBoxes(bytes).find((b) => b.type === 'moof');
    expect((firstMoof?.offset ?? 0) + total).toBe(bytes.length);
  });

  it.each(FLV_FIXTURES)('%s: FLV -> fMP4 -> our reader gives the same samples', async (name) => {
    const input = await ensureFixture(name);
    const output = join(dir, name.replace(/\.flv$/, '.rt.mp4'));
    await remux(input, output);
    const packets = demuxAll(new Uint8Array(await readFile(input)));
    const result = readFragmentedMp4(new Uint8Array(await readFile(output)));
    for (const kind of ['video', 'audio'] as const) {
      const expected = packets.filter((p) => p.kind === kind);
      const track = result.tracks.find((t) => t.kind === kind);
      if (expected.length === 0) {
        expect(track).toBeUndefined();
        continue;
      }
      expect(track).toBeDefined();
      const samples = result.samples.get(track?.trackId ?? -1) ?? [];
      const ts = track?.timescale ?? 1;
      expect(samples.length).toBe(expected.length);
      samples.forEach((s, i) => {
        const p = expected[i];
        expect(Math.round((s.dts * 1000) / ts)).toBe(p?.dts);
        expect(Math.round((s.pts * 1000) / ts)).toBe(p?.pts);
        expect(s.keyframe).toBe(p?.keyframe);
        expect(Buffer.compare(s.data, p?.data ?? new Uint8Array())).toBe(0);
      });
    }
  });
});

describe('tidecast remux FLV -> FLV', () => {
  it.each(FLV_FIXTURES)('%s: clean FLV with the same packets', async (name) => {
    const input = await ensureFixture(name);
    const output = join(dir, name.replace(/\.flv$/, '.clean.flv'));
    await expectFaithfulRemux(input, output);
    // Exactly one onMetaData, written by us, and a clean PreviousTagSize chain.
    const demuxer = new FlvDemuxer();
    const bytes = new Uint8Array(await readFile(output));
    const events = [...demuxer.push(bytes), ...demuxer.flush()];
    expect(events.filter((e) => e.type === 'warning' || e.type === 'error')).toEqual([]);
    const scripts = events.filter((e) => e.type === 'script');
    expect(scripts.map((e) => e.name)).toEqual(['onMetaData']);
  });
});

describe('tidecast remux on bad input', () => {
  async function leftovers(): Promise<string[]> {
    return (await readdir(dir)).filter((f) => f.includes('.partial') || f.startsWith('bad-out'));
  }

  it('a truncated FLV: one-line error with the offset, non-zero exit, no output left', async () => {
    const good = await readFile(await ensureFixture('h264-main-aac48-mono.flv'));
    const broken = join(dir, 'truncated.flv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(broken, good.subarray(0, Math.floor(good.length / 2)));
    for (const ext of ['.mp4', '.flv']) {
      const result = await runTidecast(['remux', broken, join(dir, `bad-out${ext}`)]);
      expect(result.exitCode).toBe(65);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/truncated\.flv: offset \d+: TruncatedError/);
      expect(await leftovers()).toEqual([]);
    }
  });

  it('garbage and a corrupted header are rejected the same way', async () => {
    const { writeFile } = await import('node:fs/promises');
    const garbage = join(dir, 'garbage.flv');
    await writeFile(
      garbage,
      new Uint8Array(4096).map((_, i) => (i * 7919) % 251),
    );
    const garbageRun = await runTidecast(['remux', garbage, join(dir, 'bad-out.mp4')]);
    expect(garbageRun.exitCode).toBe(65);
    expect(garbageRun.stderr).toMatch(/garbage\.flv: offset 0: not a recognised media file/);

    const good = new Uint8Array(await readFile(await ensureFixture('h264-video-only.flv')));
    const badHeader = good.slice();
    badHeader[8] = 3; // DataOffset < 9 (FLV spec E.2)
    const badFile = join(dir, 'bad-header.flv');
    await writeFile(badFile, badHeader);
    const headerRun = await runTidecast(['remux', badFile, join(dir, 'bad-out.flv')]);
    expect(headerRun.exitCode).toBe(65);
    expect(headerRun.stderr).toMatch(/bad-header\.flv: offset \d+: MalformedError/);
    expect(await leftovers()).toEqual([]);
  });

  it('recovered damage (a wrong PreviousTagSize) is reported as a warning, not a failure', async () => {
    const { writeFile } = await import('node:fs/promises');
    const good = new Uint8Array(await readFile(await ensureFixture('h264-main-aac48-mono.flv')));
    const damaged = good.slice();
    // FLV spec E.3: the first tag starts at 13 (header 9 + PreviousTagSize0 4); its
    // PreviousTagSize follows its 11-byte header and DataSize bytes.
    const dataSize = (damaged[14] ?? 0) * 65536 + (damaged[15] ?? 0) * 256 + (damaged[16] ?? 0);
    const prevTagSizeAt = 13 + 11 + dataSize;
    damaged[prevTagSizeAt + 3] = (damaged[prevTagSizeAt + 3] ?? 0) ^ 0x55;
    const file = join(dir, 'damaged.flv');
    await writeFile(file, damaged);
    const out = join(dir, 'damaged.mp4');
    const loud = await runTidecast(['remux', file, out]);
    expect(loud.exitCode).toBe(0);
    expect(loud.stderr).toMatch(
      new RegExp(`^warning: .*damaged\\.flv: offset ${prevTagSizeAt}: ChecksumError`),
    );
    expect(await ffmpegDecodeErrors(out)).toBe('');
    const quiet = await runTidecast(['remux', '--quiet', file, join(dir, 'damaged-quiet.mp4')]);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('usage errors: unknown output type, missing input, same input and output', async () => {
    const input = await ensureFixture('h264-video-only.flv');
    const ext = await runTidecast(['remux', input, join(dir, 'x.avi')]);
    expect(ext.exitCode).toBe(64);
    expect(ext.stderr).toMatch(/unknown output type ".avi"/);
    const missing = await runTidecast(['remux', join(dir, 'nope.flv'), join(dir, 'x.mp4')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/nope\.flv: .*no such file/i);
    const same = await runTidecast(['remux', input, input]);
    expect(same.exitCode).toBe(64);
    const none = await runTidecast(['remux', input]);
    expect(none.exitCode).toBe(64);
    expect(none.stderr).toMatch(/usage: tidecast remux IN OUT/);
  });
});

/** dts, pts and keyframes per kind: TS adds start codes, AUDs and ADTS headers, so sizes differ. */
function expectSameTiming(out: ProbeResult, input: ProbeResult): void {
  for (const kind of ['video', 'audio'] as const) {
    const expected = timelineOf(fromFfprobe(input.packets), kind);
    const actual = timelineOf(fromFfprobe(out.packets), kind);
    expect(actual.dts.length, `${kind} packet count`).toBe(expected.dts.length);
    expect(actual.dts, `${kind} dts`).toEqual(expected.dts);
    expect(actual.pts, `${kind} pts`).toEqual(expected.pts);
    expect(actual.keyframe, `${kind} keyframes`).toEqual(expected.keyframe);
  }
}

describe('tidecast remux with MPEG-TS', () => {
  it.each(FLV_FIXTURES)(
    '%s -> .ts: ffmpeg decodes it cleanly with the same packets',
    async (name) => {
      const input = await ensureFixture(name);
      const output = join(dir, `${name}.ts`);
      await remux(input, output);
      expect(await ffmpegDecodeErrors(output)).toBe('');
      const [inProbe, outProbe] = await Promise.all([
        probeWithFfprobe(input),
        probeWithFfprobe(output),
      ]);
      expectSameStreams(outProbe, inProbe);
      expectSameTiming(outProbe, inProbe);
    },
  );

  it.each(['h264-high-bframes-aac48-stereo.flv', 'h264-high-mp3-44-stereo.flv'])(
    '%s via ffmpeg TS -> .mp4 and .flv keep every packet',
    async (name) => {
      const source = await ensureFixture(name);
      const ts = join(dir, `${name}.ffmpeg.ts`);
      const made = await runCommand(
        'ffmpeg',
        ['-v', 'error', '-y', '-i', source, '-c', 'copy', '-f', 'mpegts', ts],
        { timeoutMs: 30_000 },
      );
      expect(made.exitCode).toBe(0);
      const tsProbe = await probeWithFfprobe(ts);
      for (const ext of ['mp4', 'flv']) {
        const output = join(dir, `${name}.from-ts.${ext}`);
        await remux(ts, output);
        expect(await ffmpegDecodeErrors(output)).toBe('');
        const outProbe = await probeWithFfprobe(output);
        expectSameStreams(outProbe, tsProbe);
        expectSameTiming(outProbe, tsProbe);
      }
    },
  );
});
