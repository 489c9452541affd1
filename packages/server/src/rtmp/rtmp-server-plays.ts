/**
 * The play side of the RTMP server glue: `play`, `pause` / `pauseRaw` and the end of a play,
 * for one RtmpConnection at a time.
 *
 * Play of a stream that is not live yet waits for its publisher (up to `playWaitMs`, as
 * node-media-server and SRS keep such players): nothing is sent meanwhile, and the usual
 * StreamBegin / Play.Reset / Play.Start follow when the stream starts, which is what ffmpeg,
 * librtmp and Flash expect after `play`.
 *
 * Pause (RTMP 7.2.2.8) unsubscribes the player, so nothing is queued for it; unpause subscribes
 * it again at the live edge (sequence headers and the cached GOP, like a new viewer). A player
 * paused for longer than `pausedPlayMaxMs` is sent NetStream.Play.Stop and StreamEOF and its
 * connection ends: a paused live player costs a socket and learns nothing of its stream (it
 * may have ended long ago), so it must not be able to sit there forever.
 */
import type { ViewableStream, ViewerDirectory, ViewerSet } from '../outputs/live-output.js';
import { startRtmpPlay } from '../outputs/rtmp-play.js';
import { isValidName, streamKey } from '../http/http-route.js';
import type { Play, RtmpConnection } from './rtmp-connection.js';
import { PlayWaits } from './rtmp-play-waits.js';

export interface RtmpPlaysOptions {
  hub: ViewerDirectory;
  viewers: ViewerSet;
  /** Longest wait for a stream that is not live; 0 refuses at once (connection kept). */
  playWaitMs: number;
  /** Longest pause before the play is stopped and the connection ended; 0 = no limit. */
  pausedPlayMaxMs: number;
}

export class RtmpPlays {
  private readonly waits = new PlayWaits();

  constructor(private readonly options: RtmpPlaysOptions) {}

  /** Players waiting for a stream to start. */
  get waiting(): number {
    return this.waits.size;
  }

  /** A publisher started `key`: the players waiting for it begin. */
  wake(key: string): void {
    this.waits.wake(key);
  }

  /** Server closing: no waiting player starts any more. */
  clear(): void {
    this.waits.clear();
  }

  start(conn: RtmpConnection, streamId: number, app: string, name: string): void {
    const key = streamKey(app, name);
    const valid = isValidName(app) && isValidName(name);
    const stream = valid ? this.options.hub.find(key) : undefined;
    this.stop(conn, streamId);
    if (stream !== undefined) return this.begin(conn, streamId, key, stream);
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
      conn.flushAndEnd();
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
        else this.begin(conn, streamId, key, live);
      },
      () => {
        conn.plays.delete(streamId);
        giveUp();
      },
    );
    conn.plays.set(streamId, { key, stop });
    conn.log.info({ stream: key, waitMs: this.options.playWaitMs }, 'play waits for the stream');
  }

  /** closeStream / deleteStream / a new play on the same message stream. */
  stop(conn: RtmpConnection, streamId: number): void {
    conn.plays.get(streamId)?.stop();
    conn.plays.delete(streamId);
  }

  /**
   * Pause: leave the hub and start the paused-too-long timer. Unpause: the session has queued
   * StreamBegin + Unpause.Notify; flush them, then join again like a new viewer. A stream that
   * ended meanwhile gets what a subscribed player would have got: UnpublishNotify, StreamEOF
   * and the end of the connection.
   */
  pause(conn: RtmpConnection, streamId: number, paused: boolean): void {
    const play = conn.plays.get(streamId);
    if (play === undefined) return;
    play.stop();
    play.stop = idle;
    if (paused) {
      conn.log.info({ stream: play.key }, 'play paused');
      play.stop = this.pauseLimit(conn, streamId, play);
      return;
    }
    conn.flush();
    const stream = this.options.hub.find(play.key);
    if (stream === undefined) {
      conn.plays.delete(streamId);
      conn.session.sendStreamEof(streamId);
      conn.flushAndEnd();
      return;
    }
    play.stop = this.subscribe(conn, streamId, stream);
    conn.log.info({ stream: play.key }, 'play resumed');
  }

  private pauseLimit(conn: RtmpConnection, streamId: number, play: Play): () => void {
    const limit = this.options.pausedPlayMaxMs;
    if (limit <= 0) return idle;
    const timer = setTimeout(() => {
      if (conn.closed || conn.plays.get(streamId) !== play) return;
      conn.plays.delete(streamId);
      conn.log.info({ stream: play.key, limitMs: limit }, 'paused too long: play stopped');
      conn.session.stopPlay(streamId, `${play.key} was paused for more than ${limit} ms`);
      conn.flushAndEnd();
    }, limit);
    timer.unref();
    return () => clearTimeout(timer);
  }

  /** Play.Start, then the hub subscription (after the status bytes, so they come first). */
  private begin(conn: RtmpConnection, streamId: number, key: string, stream: ViewableStream) {
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
      receive: conn.selection(streamId),
      stream,
      viewers: this.options.viewers,
    });
  }
}

const idle = (): void => undefined;
