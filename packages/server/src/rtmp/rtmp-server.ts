/**
 * net.Server glue around the sans-IO RtmpServerSession: one session per TCP connection,
 * publish -> hub (through RtmpIngest), play -> hub (rtmp-server-plays.ts), and cleanup on
 * every way a connection can end. Protocol errors close only the connection they came from.
 */
import { createServer as createNetServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_CONFIG } from '../config.js';
import { isValidName, streamKey } from '../http/http-route.js';
import type { ViewerSet, ViewerDirectory } from '../outputs/live-output.js';
import { RtmpConnection } from './rtmp-connection.js';
import type { PublishHandle } from './rtmp-connection.js';
import { RtmpIngest } from './rtmp-ingest.js';
import { RtmpPlays } from './rtmp-server-plays.js';
import type { RtmpSessionEvent } from './rtmp-session.js';

export type { PublishHandle } from './rtmp-connection.js';

export interface RtmpHub extends ViewerDirectory {
  /**
   * Claims `key` for publisher `id`, or 'busy' when someone else publishes it. `kick` is how
   * the hub asks this publisher to go (API DELETE); the hub has already let go of it then.
   */
  publish(key: string, id: string, kick: () => void): PublishHandle | 'busy';
  /**
   * Calls `listener(key)` whenever any publisher (RTMP, demo, relay) starts `key`, so players
   * waiting for it can start; returns the unhook. Without it only this server's own RTMP
   * publishers wake waiting players.
   */
  onPublish?(listener: (key: string) => void): () => void;
}

/** Default longest wait of a player for a stream that is not live yet. */
export const DEFAULT_PLAY_WAIT_MS = DEFAULT_CONFIG.rtmp.playWaitMs;
/** Default longest pause of a live RTMP player. */
export const DEFAULT_PAUSED_PLAY_MAX_MS = DEFAULT_CONFIG.rtmp.pausedPlayMaxMs;

export interface RtmpServerOptions {
  hub: RtmpHub;
  viewers: ViewerSet;
  logger: Logger;
  /** Handshake + connect + publish/play must be done within this; default 10 s. */
  setupTimeoutMs?: number;
  /** A publisher silent for this long is dropped; default 30 s. (Defaults: config.ts.) */
  publisherIdleMs?: number;
  /**
   * How long `play` of a stream that is not live waits for its publisher before the player
   * gets NetStream.Play.StreamNotFound and is disconnected; 0 refuses at once (connection
   * kept). Default DEFAULT_PLAY_WAIT_MS.
   */
  playWaitMs?: number;
  /**
   * A player paused for longer than this gets NetStream.Play.Stop + StreamEOF and its
   * connection ends; 0 = no limit. Default DEFAULT_PAUSED_PLAY_MAX_MS.
   */
  pausedPlayMaxMs?: number;
}

export class RtmpServer {
  private readonly options: Required<RtmpServerOptions>;
  private readonly server: Server;
  private readonly connections = new Set<RtmpConnection>();
  private readonly plays: RtmpPlays;
  private readonly unhookPublish: (() => void) | undefined;
  private nextId = 1;

  constructor(options: RtmpServerOptions) {
    this.options = {
      ...DEFAULT_CONFIG.rtmp,
      ...options,
    };
    this.plays = new RtmpPlays(this.options);
    this.server = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
    this.unhookPublish = options.hub.onPublish?.((key) => this.plays.wake(key));
  }

  /** Players waiting for a stream to start. */
  get waitingPlayers(): number {
    return this.plays.waiting;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Stops accepting and ends every connection (players got StreamEOF from the ViewerSet). */
  async close(graceMs = 2_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.unhookPublish?.();
    this.plays.clear();
    for (const conn of this.connections) {
      conn.flush();
      conn.socket.end();
    }
    const timer = setTimeout(() => {
      for (const conn of this.connections) conn.socket.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  private accept(socket: Socket): void {
    const conn = new RtmpConnection(
      socket,
      this.nextId++,
      this.options.logger.child({ conn: `rtmp-${this.nextId - 1}` }),
    );
    this.connections.add(conn);
    socket.setNoDelay(true);
    // Idle timeout and a deadline: a client trickling one byte at a time resets an idle
    // timer forever, so setup also has to finish by a fixed time.
    socket.setTimeout(this.options.setupTimeoutMs);
    conn.setupDeadline = setTimeout(() => {
      conn.log.info('setup deadline passed');
      socket.destroy();
    }, this.options.setupTimeoutMs);
    conn.setupDeadline.unref();
    conn.log.debug({ remote: socket.remoteAddress }, 'connection');
    socket.on('timeout', () => {
      conn.log.info('idle timeout');
      socket.destroy();
    });
    socket.on('error', (error) => conn.log.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      clearTimeout(conn.setupDeadline);
      this.cleanup(conn);
      this.connections.delete(conn);
      conn.log.debug('closed');
    });
    socket.on('data', (bytes: Buffer) => {
      let events: RtmpSessionEvent[];
      try {
        events = conn.session.receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      } catch (error) {
        conn.log.warn({ err: error }, 'session failed');
        socket.destroy();
        return;
      }
      for (const event of events) {
        if (conn.closed) break;
        this.handle(conn, event);
      }
      conn.flush();
    });
  }

  private handle(conn: RtmpConnection, event: RtmpSessionEvent): void {
    switch (event.type) {
      case 'connect':
        conn.log.info({ app: event.app, tcUrl: event.tcUrl }, 'connect');
        return;
      case 'publish':
        return this.startPublish(conn, event.streamId, event.app, event.name);
      case 'media': {
        const pub = conn.publishing;
        if (pub === undefined || pub.streamId !== event.streamId) return;
        const result = pub.ingest.message(event.message);
        for (const warning of result.warnings) conn.log.debug({ err: warning }, 'ingest warning');
        if (result.error !== undefined) {
          conn.log.warn({ err: result.error, stream: pub.key }, 'publisher sent unreadable media');
          this.cleanup(conn);
          conn.socket.destroy();
        }
        return;
      }
      case 'unpublish':
        if (conn.publishing?.streamId === event.streamId) this.stopPublish(conn);
        return;
      case 'play':
        return this.plays.start(conn, event.streamId, event.app, event.name);
      case 'stop-play':
        return this.plays.stop(conn, event.streamId);
      case 'pause':
        return this.plays.pause(conn, event.streamId, event.paused);
      case 'receive':
        conn.selection(event.streamId)[event.kind] = event.enabled;
        conn.log.debug({ streamId: event.streamId, [event.kind]: event.enabled }, 'receive');
        return;
      case 'error':
        conn.log.warn({ err: event.error }, 'protocol error');
        conn.flush();
        this.cleanup(conn);
        conn.socket.destroy();
        return;
      case 'close':
        conn.flush();
        this.cleanup(conn);
        conn.socket.end();
        return;
    }
  }

  private startPublish(conn: RtmpConnection, streamId: number, app: string, name: string): void {
    if (!isValidName(app) || !isValidName(name) || conn.publishing !== undefined) {
      const why = `invalid stream name ${app}/${name}`;
      conn.session.rejectPublish(streamId, 'NetStream.Publish.BadName', why);
      return;
    }
    const key = streamKey(app, name);
    const handle = this.options.hub.publish(key, conn.id, () => {
      // Kicked: the hub already detached us (no grace period), so do not release.
      conn.log.info({ stream: key }, 'publisher kicked');
      conn.publishing = undefined;
      conn.socket.destroy();
    });
    if (handle === 'busy') {
      conn.log.info({ stream: key }, 'publish refused: stream is busy');
      conn.session.rejectPublish(
        streamId,
        'NetStream.Publish.BadName',
        `${key} is already being published`,
      );
      return;
    }
    conn.session.acceptPublish(streamId);
    clearTimeout(conn.setupDeadline);
    conn.publishing = { key, streamId, handle, ingest: new RtmpIngest(handle) };
    conn.socket.setTimeout(this.options.publisherIdleMs);
    conn.log.info({ stream: key }, 'publish');
    // A hub with onPublish has woken the waiting players already; then this finds none.
    this.plays.wake(key);
  }

  private stopPublish(conn: RtmpConnection): void {
    const pub = conn.publishing;
    if (pub === undefined) return;
    conn.publishing = undefined;
    pub.handle.release();
    conn.log.info({ stream: pub.key }, 'unpublish');
  }

  /** Idempotent: releases the publisher slot and every play subscription of `conn`. */
  private cleanup(conn: RtmpConnection): void {
    this.stopPublish(conn);
    for (const play of conn.plays.values()) play.stop();
    conn.plays.clear();
    conn.closed = true;
  }
}
