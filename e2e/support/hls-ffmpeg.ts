/**
 * HLS written by ffmpeg's own muxer (the external reference): a VOD clip made at once, or a
 * live playlist (`-re`, sliding window) that a test stops when it likes. H.264 + AAC, GOP 1 s,
 * `-hls_time 1`; TS or fMP4 (CMAF-style, EXT-X-MAP) segments.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type HlsSegmentKind = 'ts' | 'fmp4';

function args(kind: HlsSegmentKind, seconds: number, live: boolean, dir: string): string[] {
  const a = ['-nostdin', '-hide_banner', '-v', 'error'];
  if (live) a.push('-re');
  a.push('-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`);
  a.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`);
  a.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-keyint_min', '25');
  a.push('-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k');
  a.push('-f', 'hls', '-hls_time', '1');
  if (kind === 'fmp4') a.push('-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4');
  if (live) a.push('-hls_list_size', '6', '-hls_flags', 'delete_segments+independent_segments');
  else a.push('-hls_playlist_type', 'vod');
  const ext = kind === 'ts' ? 'ts' : 'm4s';
  a.push('-hls_segment_filename', join(dir, `seg%03d.${ext}`), join(dir, 'index.m3u8'));
  return a;
}

/** Writes `dir/index.m3u8` and its segments for a `seconds` long VOD clip. */
export function writeVodHls(dir: string, kind: HlsSegmentKind, seconds: number): void {
  execFileSync('ffmpeg', args(kind, seconds, false, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface LiveHls {
  stop(): Promise<void>;
}

/** Starts a real-time live HLS writer; resolves once its playlist lists a few segments. */
export async function startLiveHls(
  dir: string,
  kind: HlsSegmentKind,
  seconds = 120,
): Promise<LiveHls> {
  const child: ChildProcess = spawn('ffmpeg', args(kind, seconds, true, dir), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 15_000;
  while (!existsSync(join(dir, 'index.m3u8'))) {
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`ffmpeg wrote no playlist: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
