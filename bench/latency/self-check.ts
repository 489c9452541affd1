/**
 * Checks the barcode end to end before any latency is trusted: ffmpeg draws it, x264 encodes it
 * with the publisher's settings, ffmpeg decodes it back to RGBA and barcode.ts reads it in Node.
 *  1. known stamps (40 ms apart, from a start with many bits set): every frame reads exactly;
 *  2. live stamps (RTCTIME, -re, 1 s): every frame reads, inside the run's wall-clock window;
 *  3. a flipped block makes the frame unreadable (misreads are rejected, not reported).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK, STRIP_HEIGHT, STRIP_WIDTH, decodeStrip, resolveCaptureMs } from './barcode.js';
import { FPS, VIDEO_ENCODE, VIDEO_SIZE, videoChain } from './latency-publisher.js';

function ffmpeg(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', ...args]);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited ${String(code)}: ${err.trim().slice(-500)}`));
    });
  });
}

/** Encodes `seconds` of the barcoded test picture to an FLV and returns each frame's strip. */
async function encodeAndRead(dir: string, stamp: string, live: boolean): Promise<Uint8Array[]> {
  const file = join(dir, `check-${live ? 'live' : 'fixed'}.flv`);
  const input = ['-f', 'lavfi', '-t', '1', '-i', `testsrc2=size=${VIDEO_SIZE}:rate=${String(FPS)}`];
  await ffmpeg([
    ...(live ? ['-re'] : []),
    ...input,
    '-vf',
    videoChain(stamp),
    ...VIDEO_ENCODE,
    '-y',
    file,
  ]);
  const crop = `crop=${String(STRIP_WIDTH)}:${String(STRIP_HEIGHT)}:0:0`;
  const raw = await ffmpeg([
    '-i',
    file,
    '-vf',
    crop,
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'rgba',
    '-f',
    'rawvideo',
    '-',
  ]);
  const size = STRIP_WIDTH * STRIP_HEIGHT * 4;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + size <= raw.length; at += size) frames.push(raw.subarray(at, at + size));
  return frames;
}

export interface SelfCheckResult {
  ok: boolean;
  lines: string[];
}

export async function barcodeSelfCheck(): Promise<SelfCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tidecast-latency-check-'));
  const lines: string[] = [];
  let ok = true;
  const fail = (line: string): void => {
    ok = false;
    lines.push(`FAIL ${line}`);
  };
  try {
    // 1. Known stamps: 2^35 + 0x5A5A5A5A5 ms-ish pattern, 40 ms per frame, exact readback.
    const startMs = 2 ** 35 + 0x2a5a5a5a5 + 0.5;
    const fixed = await encodeAndRead(dir, `${String(startMs * 1000)}+N*40000`, false);
    let exact = 0;
    fixed.forEach((strip, n) => {
      if (decodeStrip(strip, STRIP_WIDTH) === Math.floor(startMs) + 40 * n) exact++;
    });
    if (fixed.length < FPS || exact !== fixed.length) {
      fail(`known stamps: ${String(exact)}/${String(fixed.length)} frames read exactly`);
    } else lines.push(`known stamps: ${String(exact)}/${String(fixed.length)} frames exact`);

    // 2. Live stamps: within the wall-clock window of the ffmpeg run, about 1/FPS apart.
    const before = Date.now();
    const live = await encodeAndRead(dir, 'RTCTIME', true);
    const after = Date.now();
    const times = live.map((strip) => {
      const code = decodeStrip(strip, STRIP_WIDTH);
      return code === null ? null : resolveCaptureMs(code, after);
    });
    const inside = times.filter((t) => t !== null && t >= before && t <= after).length;
    const steps = times
      .slice(1)
      .map((t, i) => (t === null || times[i] == null ? NaN : t - (times[i] ?? 0)))
      .filter((d) => Number.isFinite(d))
      .sort((a, b) => a - b);
    const medianStep = steps[Math.floor(steps.length / 2)] ?? NaN;
    if (live.length < FPS - 2 || inside !== live.length || Math.abs(medianStep - 1000 / FPS) > 5) {
      fail(
        `live stamps: ${String(inside)}/${String(live.length)} inside the run, ` +
          `median step ${medianStep.toFixed(1)} ms`,
      );
    } else {
      lines.push(
        `live stamps: ${String(inside)}/${String(live.length)} inside the run, ` +
          `median step ${medianStep.toFixed(1)} ms`,
      );
    }

    // 3. A data block turned grey then inverted: both must be rejected.
    const sample = fixed[0];
    if (sample !== undefined) {
      const flipped = Uint8Array.from(sample);
      const grey = Uint8Array.from(sample);
      for (let y = 0; y < BLOCK; y++) {
        for (let x = 5 * BLOCK; x < 6 * BLOCK; x++) {
          for (let c = 0; c < 3; c++) {
            const i = (y * STRIP_WIDTH + x) * 4 + c;
            flipped[i] = 255 - (sample[i] ?? 0);
            grey[i] = 128;
          }
        }
      }
      const rejected =
        decodeStrip(flipped, STRIP_WIDTH) === null && decodeStrip(grey, STRIP_WIDTH) === null;
      if (rejected) lines.push('damaged strips: rejected');
      else fail('damaged strips: a flipped or grey block was still read');
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ok, lines };
}
