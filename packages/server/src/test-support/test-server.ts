/** Shared by the server's socket-level tests: a real server on port 0 and an ffmpeg publisher. */
import { execFileSync } from 'node:child_process';
import { runCommand } from '../../../../e2e/support/run-command.js';
import { configFromObject } from '../config.js';
import { createServer } from '../server.js';
import type { ServerPorts, TidecastServer } from '../server.js';

export interface StartedServer {
  server: TidecastServer;
  ports: ServerPorts;
  base: string;
}

/** Starts a server on loopback ports 0, remembered in `servers` so the test can stop them all. */
export async function startTestServer(
  servers: TidecastServer[],
  extra: Record<string, unknown> = {},
): Promise<StartedServer> {
  const server = createServer(
    configFromObject({
      host: '127.0.0.1',
      rtmpPort: 0,
      httpPort: 0,
      demo: { enabled: false },
      publisherGraceMs: 300,
      ...extra,
    }),
  );
  servers.push(server);
  const ports = await server.start();
  return { server, ports, base: `http://127.0.0.1:${ports.httpPort}` };
}

/** Real-time H.264 (GOP 15, no B-frames) + AAC test pattern, `seconds` long, published with ffmpeg. */
export function publishTestPattern(
  rtmpPort: number,
  key: string,
  seconds: number,
): ReturnType<typeof runCommand> {
  return runCommand(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=44100',
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '15',
      '-bf',
      '0',
      '-c:a',
      'aac',
      '-f',
      'flv',
      `rtmp://127.0.0.1:${rtmpPort}/${key}`,
    ],
    { timeoutMs: 30_000 },
  );
}

/** A short 160x90 H.264 (GOP 10) + AAC FLV clip written synchronously with ffmpeg. */
export function makeTestClip(path: string, seconds: number): void {
  execFileSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=160x90:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-g',
    '10',
    '-bf',
    '0',
    '-c:a',
    'aac',
    '-f',
    'flv',
    path,
  ]);
}
