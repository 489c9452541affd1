/**
 * net.Server glue around the sans-IO RtmpServerSession: one session per TCP connection,
 * publish -> hub (through RtmpIngest), play -> hub (outputs/rtmp-play.ts), and cleanup on
 * every way a connection can end. Protocol errors close only the connection they came from.
 *
 * Play of a stream that is not live yet waits for its publisher (up to `playWaitMs`, as
 * node-media-server and SRS keep such players): nothing is sent meanwhile, and the usual
 * StreamBegin / Play.Reset / Play.Start follow when the stream starts, which is what ffmpeg,
 * librtmp and Flash expect after `play`. Pause (RTMP 7.2.2.8) unsubscribes the player, so
 * nothing is queued for it; unpause subscribes it again at the live edge (sequence headers
 * and the cached GOP, like a new viewer).
 */
import { createServer as createNetServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { isValidName, streamKey } from '../http/http-route.js';
import type { ViewableStream, ViewerSet, ViewerDirectory } from '../outputs/live-output.js';
import { startRtmpPlay } from '../outputs/rtmp-play.js';
import type { PublishTarget } from '../publish-target.js';
import { RtmpIngest } from './rtmp-ingest.js';
import { PlayWaits } from './rtmp-play-waits.js';
import { RtmpServerSession } from './rtmp-session.js';
import type { RtmpSessionEvent } from './rtmp-session.js';

/** A claimed publisher slot on a live stream; `release` starts the reconnect grace period. */
export interface PublishHandle extends PublishTarget {
  release(): void;
}

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
export const DEFAULT_PLAY_WAIT_MS = 30_000;

export interface RtmpServerOptions {
  hub: RtmpHub;
  viewers: ViewerSet;
  logger: Logger;
  /** Handshake + connect + publish/play must be done within this; default 10 s. */
  setupTimeoutMs?: number;
  /** A publisher silent for this long is dropped; default 30 s. */
  publisherIdleMs?: number;
  /**
   * How long `play` of a stream that is not live waits for its publisher before the player
   * gets NetStream.Play.StreamNotFound and is disconnected; 0 refuses at once (connection
   * kept). Default DEFAULT_PLAY_WAIT_MS.
   */
  playWaitMs?: number;
}

interface Publishing {
  key: string;
  streamId: number;
  handle: PublishHandle;
  ingest: RtmpIngest;
}

/** One played message stream: the stream key, and how to end what is active for it now. */
interface Play {
  readonly key: string;
  /** Cancels the wait, or unsubscribes from the hub; a no-op while paused. */
  stop: () => void;
}

const idle = (): void => undefined;

/** One TCP connection: its session and what it publishes or plays. */
class RtmpConnection {
  readonly id: string;
  readonly session = new RtmpServerSession();
  publishing: Publishing | undefined;
  /** Plays (waiting, subscribed or paused) by message stream id. */
  readonly plays = new Map<number, Play>();
  closed = false;
  /** Hard deadline for handshake + connect + publish/play (cleared once one is accepted). */
  setupDeadline: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: Socket,
    id: number,
    readonly log: Logger,
  ) {
    this.id = `rtmp-${id}`;
  }

  flush(): void {
    if (this.closed || !this.socket.writable) return;
    const output = this.session.takeOutput();
    if (output.length === 0) return;
    this.socket.cork();
    for (const bytes of output) this.socket.write(bytes);
    this.socket.uncork();
  }
}

export class RtmpServer {
  private readonly options: Required<RtmpServerOptions>;
  private readonly server: Server;
  private readonly connections = new Set<RtmpConnection>();
  private readonly waits = new PlayWaits();
  private readonly unhookPublish: (() => void) | undefined;
  private nextId = 1;

  constructor(options: RtmpServerOptions) {
    this.options = {
      setupTimeoutMs: 10_000,
      publisherIdleMs: 30_000,
      playWaitMs: DEFAULT_PLAY_WAIT_MS,
      ...options,
    };
    this.server = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
    this.unhookPublish = options.hub.onPublish?.((key) => this.waits.wake(key));
  }

  /** Players waiting for a stream to start. */
  get waitingPlayers(): number {
    return this.waits.size;
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
    this.waits.clear();
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
        return this.startPlay(conn, event.streamId, event.app, event.name);
      case 'stop-play':
        conn.plays.get(event.streamId)?.stop();
        conn.plays.delete(event.streamId);
        return;
      case 'pause':
        return this.pausePlay(conn, event.streamId, event.paused);
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
    this.waits.wake(key);
  }

  private stopPublish(conn: RtmpConnection): void {
    const pub = conn.publishing;
    if (pub === undefined) return;
    conn.publishing = undefined;
    pub.handle.release();
    conn.log.info({ stream: pub.key }, 'unpublish');
  }

  private startPlay(conn: RtmpConnection, streamId: number, app: string, name: string): void {
    const key = streamKey(app, name);
    const valid = isValidName(app) && isValidName(name);
    const stream = valid ? this.options.hub.find(key) : undefined;
    conn.plays.get(streamId)?.stop();
    conn.plays.delete(streamId);
    if (stream !== undefined) return this.beginPlay(conn, streamId, key, stream);
    if (!valid || this.options.playWaitMs <= 0) {
      conn.log.info({ stream: key }, 'play refused: no such stream');
      conn.session.rejectPlay(streamId, 'NetStream.Play.StreamNotFound', `${key} is not live`);
      return;
    }
    // Held: the wait bounds the connection's life now, instead of the setup deadline.
    clearTimeout(conn.setupDeadline);
    conn.socket.setTimeout(0);
    const giveUp = (): void => {
      conn.log.info({ stream: key }, 'play wait over: no such stream');
      const why = `${key} did not start within ${this.options.playWaitMs} ms`;
      conn.session.rejectPlay(streamId, 'NetStream.Play.StreamNotFound', why);
      conn.flush();
      conn.socket.destroySoon();
    };
    const stop = this.waits.wait(
      key,
      this.options.playWaitMs,
      () => {
        conn.plays.delete(streamId);
        const live = this.options.hub.find(key);
        if (conn.closed) return;
        if (live === undefined)
          giveUp(); // ended as soon as it started
        else this.beginPlay(conn, streamId, key, live);
      },
      () => {
        conn.plays.delete(streamId);
        giveUp();
      },
    );
    conn.plays.set(streamId, { key, stop });
    conn.log.info({ stream: key, waitMs: this.options.playWaitMs }, 'play waits for the stream');
  }

  /** Play.Start, then the hub subscription (after the status bytes, so they come first). */
  private beginPlay(
    conn: RtmpConnection,
    streamId: number,
    key: string,
    stream: ViewableStream,
  ): void {
    // False when the client dropped this play while it waited (closeStream, deleteStream).
    if (!conn.session.acceptPlay(streamId)) return;
    clearTimeout(conn.setupDeadline);
    conn.flush();
    conn.socket.setTimeout(0);
    conn.plays.set(streamId, { key, stop: this.subscribe(conn, streamId, stream) });
    conn.log.info({ stream: key }, 'play');
  }

  private subscribe(conn: RtmpConnection, streamId: number, stream: ViewableStream): () => void {
    return startRtmpPlay({
      conn: { id: conn.id, socket: conn.socket, session: conn.session, streamId },
      stream,
      viewers: this.options.viewers,
    });
  }

  /**
   * Pause: leave the hub (nothing is queued while paused). Unpause: the session has queued
   * StreamBegin + Unpause.Notify; flush them, then join again like a new viewer. A stream that
   * ended meanwhile gets what a subscribed player would have got: UnpublishNotify, StreamEOF
   * and the end of the connection.
   */
  private pausePlay(conn: RtmpConnection, streamId: number, paused: boolean): void {
    const play = conn.plays.get(streamId);
    if (play === undefined) return;
    play.stop();
    play.stop = idle;
    if (paused) {
      conn.log.info({ stream: play.key }, 'play paused');
      return;
    }
    conn.flush();
    const stream = this.options.hub.find(play.key);
    if (stream === undefined) {
      conn.plays.delete(streamId);
      conn.session.sendStreamEof(streamId);
      conn.flush();
      conn.socket.destroySoon();
      return;
    }
    play.stop = this.subscribe(conn, streamId, stream);
    conn.log.info({ stream: play.key }, 'play resumed');
  }

  /** Idempotent: releases the publisher slot and every play subscription of `conn`. */
  private cleanup(conn: RtmpConnection): void {
    this.stopPublish(conn);
    for (const play of conn.plays.values()) play.stop();
    conn.plays.clear();
    conn.closed = true;
  }
}
