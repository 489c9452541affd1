/**
 * Child process hosting one server under test, so its CPU time and RSS are its own.
 * argv: <nms|tidecast>. Talks to the runner over IPC (ipc-messages.ts).
 */
import { hasType, processSample } from './ipc-messages.js';
import type { ServerReply } from './ipc-messages.js';
import { createNmsServer } from './nms-server.js';
import type { BenchServer } from './server-adapter.js';
import { createTidecastServer } from './tidecast-server.js';

function send(reply: ServerReply): void {
  process.send?.(reply);
}

async function build(kind: string | undefined): Promise<BenchServer> {
  if (kind === 'nms') return createNmsServer();
  if (kind === 'tidecast') return createTidecastServer();
  throw new Error(`unknown server '${String(kind)}'`);
}

async function main(): Promise<void> {
  const server = await build(process.argv[2]);
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
      server.stop().then(done, done);
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
