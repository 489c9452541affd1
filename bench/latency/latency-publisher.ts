/**
 * The publisher: ffmpeg makes a test picture and a tone in real time, stamps each video frame
 * with the wall-clock time it was made (setpts RTCTIME, microseconds) and draws that time as a
 * barcode (barcode.ts), then encodes for low latency and pushes FLV over RTMP.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { barcodeFilters } from './barcode.js';

export const VIDEO_SIZE = '640x360';
export const FPS = 30;

/**
 * Video filter chain. `stamp` is a setpts expression in microseconds ("RTCTIME" when live);
 * settb first, or the 1/30 s input time base would round the stamp to whole frames. The pts is
 * rebased to 0 after drawing so the FLV timestamps (32-bit ms) start small and stay true to
 * the capture spacing.
 */
export function videoChain(stamp: string): string {
  return [
    'settb=1/1000000',
    `setpts='${stamp}'`,
    ...barcodeFilters(),
    'setpts=PTS-STARTPTS',
    'format=yuv420p',
  ].join(',');
}

/** x264 for latency: no lookahead, no B-frames, 1 s GOP (the GOP cache then holds <= 1 s). */
export const VIDEO_ENCODE = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-g',
  String(FPS),
  // A keyframe every second of time too: when the encoder falls below 30 fps on a busy machine
  // a 30-frame GOP would stretch (HLS segments are cut at keyframes).
  '-force_key_frames',
  'expr:gte(t,n_forced*1)',
  '-bf',
  '0',
];

export function publisherArgs(rtmpUrl: string): string[] {
  const source = `testsrc2=size=${VIDEO_SIZE}:rate=${String(FPS)}`;
  return [
    '-nostdin',
    '-hide_banner',
    '-v',
    'error',
    // -re on each lavfi input: frames leave the source at their own pace, so RTCTIME, read when
    // the frame reaches setpts, is the moment it was "captured".
    '-re',
    '-f',
    'lavfi',
    '-i',
    source,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-filter_complex',
    `[0:v]${videoChain('RTCTIME')}[v]`,
    '-map',
    '[v]',
    '-map',
    '1:a',
    ...VIDEO_ENCODE,
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    rtmpUrl,
  ];
}

export class LatencyPublisher {
  private readonly child: ChildProcess;
  private stderr = '';
  exit: string | null = null;

  constructor(rtmpUrl: string) {
    this.child = spawn('ffmpeg', publisherArgs(rtmpUrl), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.child.on('error', (error) => (this.exit = error.message));
    this.child.on('exit', (code, signal) => {
      this.exit = `ffmpeg exited (${String(code ?? signal)}): ${this.stderr.trim()}`;
    });
  }

  /** ffmpeg's recent stderr (warnings such as dropped or late frames). */
  get log(): string {
    return this.stderr.trim();
  }

  async stop(): Promise<void> {
    if (this.exit !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
