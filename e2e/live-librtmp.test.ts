/**
 * Acceptance (issue 3, "ffmpeg, OBS and librtmp clients must all get through"): librtmp, the
 * RTMP library of rtmpdump and of the OBS builds that published through it, as publisher and as
 * player. Publisher: Debian's python3-librtmp binding writing FLV tags with RTMP_Write, paced in
 * real time (support/librtmp-publish.py). Player: rtmpdump. Each runs once with librtmp's plain
 * handshake and once with its Flash Player 9 handshake (a SWF hash set), which checks the HMAC
 * digests our server puts in S1 and S2. Judged by ffprobe: rtmpdump's recording and an HTTP-FLV
 * viewer hold exactly the frames of the clip and decode without a complaint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegDecodeErrors, runCommand } from './support/ffprobe.js';
import { apiServer, startLiveServer, waitFor } from './support/live-server.js';
import type { LiveServer } from './support/live-server.js';
import {
  frameDifferences,
  fromFirstKeyframe,
  ofKind,
  probeFrames,
} from './support/live-timeline.js';
import type { TimedFrame } from './support/live-timeline.js';
import { probeLive } from './support/live-viewers.js';
import { makeClip } from './support/media-clip.js';

const PUBLISH_SCRIPT = fileURLToPath(new URL('./support/librtmp-publish.py', import.meta.url));
/** Debian's interpreter, the one python3-librtmp is installed for. */
const PYTHON = '/usr/bin/python3';
/** rtmpdump -w/-x (SWF SHA-256 and size): any values switch librtmp to the FP9 handshake. */
const SWF_ARGS = ['-w', '00'.repeat(32), '-x', '1024'];

let dir = '';
let clip = '';
let source: TimedFrame[] = [];
const servers: LiveServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidecast-librtmp-'));
  clip = join(dir, 'clip.flv');
  // 3 s at 15 fps, one GOP: a player that joins at the start gets every frame.
  await makeClip(clip, { video: true, audio: true, seconds: 3 });
  source = await probeFrames(clip);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/**
 * `fromStart`: the viewer was there before the first frame (a held player) and gets all of
 * them; otherwise it joined through the GOP cache and gets everything from the first keyframe.
 */
function expectClipFrames(label: string, got: readonly TimedFrame[], fromStart: boolean): void {
  for (const kind of ['video', 'audio'] as const) {
    const want = ofKind(fromStart ? source : fromFirstKeyframe(source), kind);
    expect(want.length, `${kind} frames in the clip`).toBeGreaterThan(40);
    expect(
      frameDifferences(ofKind(got, kind), want, { toleranceMs: 1 }),
      `${label} ${kind}`,
    ).toEqual([]);
  }
}

async function librtmpRoundTrip(name: string, fp9: 'publisher' | 'player'): Promise<void> {
  const live = await startLiveServer({ publisherGraceMs: 300 });
  servers.push(live);
  const key = `live/${name}`;
  const recording = join(dir, `${name}.flv`);
  // The player comes first: our server holds its play until the stream starts.
  const player = runCommand(
    'rtmpdump',
    [
      ...['--live', '-r', live.rtmpUrl(key), '-o', recording],
      ...(fp9 === 'player' ? SWF_ARGS : []),
    ],
    { timeoutMs: 30_000 },
  );
  await waitFor('rtmpdump waiting to play', async () =>
    (await apiServer(live)).rtmp.waitingPlayers === 1 ? true : undefined,
  );
  const publisher = runCommand(
    PYTHON,
    [PUBLISH_SCRIPT, live.rtmpUrl(key), clip, ...(fp9 === 'publisher' ? ['--fp9'] : [])],
    { timeoutMs: 30_000 },
  );
  await waitFor('the stream', () => (live.stats(key) !== undefined ? true : undefined));
  const httpFlv = probeLive(live.httpUrl(key, 'flv'));
  const [published, played, viewed] = await Promise.all([publisher, player, httpFlv]);
  expect(published.exitCode, published.stderr).toBe(0);
  // rtmpdump logs every `_error` and failed status as an "ERROR:" line (it carries on after
  // some, e.g. an `_error` for FCSubscribe, so the exit code alone would not show them).
  expect(played.stderr.split('\n').filter((l) => /ERROR|WARNING/.test(l))).toEqual([]);
  expect(played.stderr).toMatch(/Connected/);
  // 2 is "download may be incomplete": rtmpdump measures against the clip's metadata
  // duration, which a live recording ends a frame short of; the frames are checked below.
  expect([0, 2], `rtmpdump exit code: ${played.stderr.slice(-300)}`).toContain(played.exitCode);

  expectClipFrames('rtmpdump', await probeFrames(recording), true);
  expect(await ffmpegDecodeErrors(recording), 'rtmpdump recording decodes').toBe('');
  expect(viewed.stderr, 'HTTP-FLV ffprobe').toBe('');
  expectClipFrames('HTTP-FLV', viewed.frames, false);
}

describe('librtmp clients (rtmpdump, python3-librtmp)', () => {
  it('librtmp publishes with the plain handshake; rtmpdump plays with the FP9 handshake', async () => {
    await librtmpRoundTrip('plain-pub', 'player');
  }, 60_000);

  it('librtmp publishes with the FP9 handshake; rtmpdump plays with the plain handshake', async () => {
    await librtmpRoundTrip('fp9-pub', 'publisher');
  }, 60_000);
});
