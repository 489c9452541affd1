/**
 * Child process hosting one server under test, so its CPU time and RSS are its own.
 * argv: <nms|tidecast>. Talks to the runner over IPC (ipc-messages.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { hasType, processSample } from './ipc-messages.js';
import type { ServerReply } from './ipc-messages.js';
import { createNmsServer } from './nms-server.js';
import type { BenchServer } from './server-adapter.js';
import { createTidecastServer, fanoutTidecastSettings } from './tidecast-server.js';

function send(reply: ServerReply): void {
  process.send?.(reply);
}

async function build(kind: string | undefined): Promise<BenchServer> {
  if (kind === 'nms') return createNmsServer();
  if (kind === 'tidecast') return createTidecastServer(fanoutTidecastSettings());
  throw new Error(`unknown server '${String(kind)}'`);
}

/**
 * FANOUT_PROFILE_DIR=DIR: record a V8 CPU profile of the server process for the whole pass and
 * write it to DIR/<server>-<pid>.cpuprofile on stop (open it in Chrome DevTools).
 */
async function startProfiler(kind: string): Promise<(() => Promise<void>) | null> {
  const dir = process.env['FANOUT_PROFILE_DIR'];
  if (dir === undefined || dir === '') return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${kind}-${String(process.pid)}.cpuprofile`), JSON.stringify(profile));
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] ?? '';
  const stopProfiler = await startProfiler(kind);
  const server = await build(kind);
  const ports = await server.start();
  process.on('message', (message: unknown) => {
    if (!hasType(message)) return;
    if (message.type === 'sample') send({ type: 'sample', sample: processSample() });
    if (message.type === 'stop') {
      // Bounded: a server that hangs in stop() is killed by the runner anyway.
      const done = (): void => {
        send({ type: 'stopped' });
        process.disconnect();
        process.exit(0);
      };
      const profiled = (): Promise<void> => stopProfiler?.() ?? Promise.resolve();
      server.stop().then(profiled).then(done, done);
      setTimeout(done, 3000).unref();
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', name: server.name, version: server.version, ...ports });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 100);
});
