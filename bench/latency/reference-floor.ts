/**
 * A reference floor, not a player: ffmpeg reads the same HTTP-FLV stream without buffering and
 * decodes it as fast as it arrives; Node reads each frame's barcode when ffmpeg hands it over.
 * That latency is encoder + RTMP + server + HTTP + decoder, with no MSE, no jitter buffer and no
 * display, so it shows how much of a player's figure is its own.
 */
import { spawn } from 'node:child_process';
import { STRIP_HEIGHT, STRIP_WIDTH, decodeStrip, resolveCaptureMs } from './barcode.js';
import { percentile } from './latency-stats.js';

export interface FloorResult {
  frames: number;
  p50: number;
  p90: number;
}

export function measureFloor(url: string, seconds: number): Promise<FloorResult> {
  const size = STRIP_WIDTH * STRIP_HEIGHT * 4;
  const crop = `crop=${String(STRIP_WIDTH)}:${String(STRIP_HEIGHT)}:0:0`;
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-fflags', 'nobuffer'];
  args.push('-flags', 'low_delay', '-probesize', '32768', '-analyzeduration', '0', '-i', url);
  args.push(
    '-an',
    '-vf',
    crop,
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'rgba',
    '-f',
    'rawvideo',
    '-',
  );
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const latencies: number[] = [];
  let pending = Buffer.alloc(0);
  let firstAt: number | null = null;
  let frames = 0;
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      latencies.sort((a, b) => a - b);
      resolve({ frames, p50: percentile(latencies, 50), p90: percentile(latencies, 90) });
    };
    const timer = setTimeout(finish, (seconds + 15) * 1000);
    child.on('exit', finish);
    child.stdout.on('data', (chunk: Buffer) => {
      const now = Date.now();
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= size) {
        const code = decodeStrip(pending.subarray(0, size), STRIP_WIDTH);
        pending = pending.subarray(size);
        frames++;
        firstAt ??= now;
        // The GOP cache arrives as a burst first; the floor is the steady state after it.
        if (code !== null && now - firstAt > 1500)
          latencies.push(now - resolveCaptureMs(code, now));
      }
      if (firstAt !== null && now - firstAt > 1500 + seconds * 1000) finish();
    });
  });
}
