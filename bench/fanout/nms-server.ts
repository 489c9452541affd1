/**
 * node-media-server 4.x (the peer), started the way its bin/app.js does: `new
 * NodeMediaServer(config, configPath).run()`, with RTMP and HTTP(+WS) FLV only (no RTMPS/HTTPS,
 * no API/JWT, no webadmin, no recording). Its URLs: rtmp://HOST:PORT/APP/NAME and
 * http|ws://HOST:PORT/APP/NAME.flv.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { member } from './server-adapter.js';
import type { BenchServer } from './server-adapter.js';

const require = createRequire(import.meta.url);

/** A free loopback port (NMS takes fixed ports only and never reports the bound one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (performance.now() > deadline) throw new Error(`nms: port ${String(port)} never opened`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function createNmsServer(): BenchServer {
  const pkg: unknown = require('node-media-server/package.json');
  const version = String(member(pkg, 'version'));
  let instance: unknown = null;
  let dataDir: string | null = null;
  return {
    name: 'node-media-server',
    version,
    async start() {
      const NodeMediaServer: unknown = require('node-media-server');
      if (typeof NodeMediaServer !== 'function') throw new Error('nms: no constructor export');
      const [rtmpPort, httpPort] = [await freePort(), await freePort()];
      // Its store (relay tasks, history) writes JSON files: keep them out of the repo.
      dataDir = await mkdtemp(join(tmpdir(), 'tidecast-bench-nms-'));
      const config = {
        bind: '127.0.0.1',
        rtmp: { port: rtmpPort },
        http: { port: httpPort },
        store: { path: dataDir },
        webadmin: { enable: false },
        record: { auto: false, path: join(dataDir, 'record') },
        notify: { url: '' },
      };
      const Ctor = NodeMediaServer as new (config: unknown, configPath: string) => unknown;
      instance = new Ctor(config, join(dataDir, 'config.json'));
      // The constructor forces log level 'debug' (a line per session); Tidecast runs at 'warn'.
      const logger: unknown = require('node-media-server/src/core/logger.js');
      if (typeof logger === 'object' && logger !== null) Object.assign(logger, { level: 'warn' });
      const run = member(instance, 'run');
      if (typeof run !== 'function') throw new Error('nms: no run()');
      void (run as () => Promise<void>).call(instance);
      await waitListening(rtmpPort, 10_000);
      await waitListening(httpPort, 10_000);
      return { rtmpPort, httpPort };
    },
    async stop() {
      const stop = member(instance, 'stop');
      if (typeof stop === 'function') await (stop as () => Promise<void>).call(instance);
      if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
