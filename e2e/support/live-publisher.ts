/**
 * A long-running ffmpeg test-pattern publisher (H.264 + AAC, real time) that a test can stop
 * when it likes: SIGINT makes ffmpeg finish its output and unpublish cleanly.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface LivePublisher {
  /** Resolves once ffmpeg has exited (after SIGINT, then SIGKILL if it lingers). */
  stop(): Promise<void>;
  readonly stderr: () => string;
}

export function startLivePublisher(
  rtmpUrl: string,
  options: { seconds?: number; size?: string; fps?: number } = {},
): LivePublisher {
  const fps = options.fps ?? 25;
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-re'];
  args.push('-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '320x180'}:rate=${fps}`);
  args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  args.push('-t', String(options.seconds ?? 120));
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency');
  args.push('-g', String(fps), '-bf', '0', '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', '64k', '-f', 'flv', rtmpUrl);
  const child: ChildProcess = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
