/** The stream source: ffmpeg pushing the fixture in real time (-re), looped, over RTMP. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export class Publisher {
  private readonly child: ChildProcess;
  private stderr = '';
  exit: string | null = null;

  constructor(input: string, rtmpUrl: string) {
    const args = ['-nostdin', '-hide_banner', '-v', 'error', '-re', '-stream_loop', '-1'];
    args.push('-i', input, '-c', 'copy', '-f', 'flv', rtmpUrl);
    this.child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.child.on('error', (error) => (this.exit = error.message));
    this.child.on('exit', (code, signal) => {
      this.exit = `ffmpeg exited (${String(code ?? signal)}): ${this.stderr.trim()}`;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
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
