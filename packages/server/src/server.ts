/**
 * Composition root: `createServer(config)` builds one registry, the RTMP listener, the HTTP +
 * WebSocket app and the demo loop, with nothing global, so tests run many servers side by side
 * on port 0. `stop()` is the graceful path: stop accepting, end viewers (HTTP-FLV gets its
 * final chunk, WebSockets close 1001, RTMP players StreamEOF), close publishers.
 */
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config.js';
import { DemoPublisher } from './demo/demo-publisher.js';
import { findDemoFile } from './demo/demo-source.js';
import { StreamRegistry } from './hub/stream-registry.js';
import { createHttpApp } from './http/http-app.js';
import { streamKey } from './http/http-route.js';
import { defaultStaticRoots } from './http/static-files.js';
import { silentLogger } from './logger.js';
import type { Logger } from './logger.js';
import { HlsService } from './outputs/hls/hls-service.js';
import { ViewerSet } from './outputs/live-output.js';
import { RtmpServer } from './rtmp/rtmp-server.js';
import { createApiSource, createHubAdapter } from './server-hub.js';

export interface ServerDeps {
  /** Default: a silent logger (the CLI passes a real one). */
  logger?: Logger;
}

export interface ServerPorts {
  rtmpPort: number;
  httpPort: number;
}

export interface TidecastServer {
  start(): Promise<ServerPorts>;
  stop(): Promise<void>;
  readonly registry: StreamRegistry;
}

const VERSION = '0.1.0';
const DEMO_PUBLISHER_ID = 'demo';

/**
 * When a stream's pending output goes to its viewers: at the end of the event-loop turn
 * (LiveStream's default), or `mergeWriteMs` after the first chunk of a batch (merged writes).
 */
function flushScheduler(mergeWriteMs: number): ((task: () => void) => void) | undefined {
  if (mergeWriteMs <= 0) return undefined;
  return (task) => void setTimeout(task, mergeWriteMs);
}

export function createServer(config: ServerConfig, deps: ServerDeps = {}): TidecastServer {
  const logger = deps.logger ?? silentLogger();
  const startedAt = performance.now();
  let ports: ServerPorts = { rtmpPort: 0, httpPort: 0 };
  const hls = new HlsService(config.hls, logger);
  const registry = new StreamRegistry({
    tapFor: (key) => hls.tapFor(key),
    gopCache: { ...config.gopCache },
    queue: { maxQueueBytes: config.viewer.maxQueueBytes, maxBehindMs: config.viewer.maxLagMs },
    schedule: flushScheduler(config.viewer.mergeWriteMs),
    reconnectGraceMs: config.publisherGraceMs,
    onStreamStart: (s) => logger.info({ stream: s.key }, 'stream started'),
    onStreamEnd: (s) => logger.info({ stream: s.key }, 'stream ended'),
    onError: (error, s) => logger.warn({ err: error, stream: s.key }, 'packager refused input'),
  });
  const hub = createHubAdapter(registry);
  const viewers = new ViewerSet();
  const rtmp = new RtmpServer({
    hub,
    viewers,
    logger: logger.child({ component: 'rtmp' }),
    ...config.rtmp,
  });
  const api = createApiSource(registry, () => ({
    name: 'tidecast',
    version: VERSION,
    node: process.version,
    pid: process.pid,
    uptimeMs: Math.round(performance.now() - startedAt),
    rtmpPort: ports.rtmpPort,
    httpPort: ports.httpPort,
    memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    rtmp: { connections: rtmp.connectionCount, waitingPlayers: rtmp.waitingPlayers },
  }));
  const defaultRoots = defaultStaticRoots();
  const http = createHttpApp({
    directory: hub,
    viewers,
    api,
    logger,
    timeouts: { ...config.httpTimeouts },
    hls,
    staticRoots: {
      web: config.webRoot ?? defaultRoots.web,
      player: config.playerRoot ?? defaultRoots.player,
    },
  });
  let demo: DemoPublisher | undefined;
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  async function startDemo(): Promise<void> {
    const log = logger.child({ component: 'demo' });
    const source = await findDemoFile(config.demo.file);
    if (!source.ok) {
      log.warn(`demo stream disabled: ${source.reason}`);
      return;
    }
    const key = streamKey(config.demo.app, config.demo.stream);
    const handle = hub.publish(key, DEMO_PUBLISHER_ID, () => demo?.stop());
    if (handle === 'busy') {
      log.warn({ stream: key }, 'demo stream disabled: the key is already published');
      return;
    }
    try {
      demo = await DemoPublisher.fromFile(source.path, handle, {
        onError: (error) => log.error({ err: error }, 'demo loop stopped'),
      });
    } catch (error) {
      handle.release();
      log.warn({ err: error, file: source.path }, 'demo stream disabled: cannot read the clip');
      return;
    }
    if (state !== 'running' && state !== 'starting') return;
    demo.start();
    log.info({ stream: key, file: source.path }, 'demo stream live');
  }

  function listenHttp(): Promise<number> {
    return new Promise((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.httpPort, config.host, () => {
        http.server.off('error', reject);
        resolve((http.server.address() as AddressInfo).port);
      });
    });
  }

  return {
    registry,
    async start(): Promise<ServerPorts> {
      if (state !== 'new') throw new Error(`server already ${state}`);
      state = 'starting';
      const rtmpPort = await rtmp.listen(config.rtmpPort, config.host);
      const httpPort = await listenHttp();
      ports = { rtmpPort, httpPort };
      if (config.demo.enabled) await startDemo();
      state = 'running';
      return ports;
    },
    async stop(): Promise<void> {
      if (state === 'stopping' || state === 'stopped') return;
      state = 'stopping';
      demo?.stop();
      const httpClosed = new Promise<void>((resolve) => {
        if (!http.server.listening) return resolve();
        http.server.close(() => resolve());
      });
      // Viewers first (their goodbye goes out), then every stream is forgotten.
      viewers.closeAll('stream-disposed');
      registry.disposeAll();
      hls.dispose();
      http.server.closeIdleConnections();
      for (const ws of http.wss.clients) ws.terminate();
      await rtmp.close();
      const timer = setTimeout(() => http.server.closeAllConnections(), 2_000);
      await httpClosed;
      clearTimeout(timer);
      state = 'stopped';
    },
  };
}
