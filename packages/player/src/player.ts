/**
 * createPlayer: loader -> transmux (worker or inline) -> MSE, with latency control, stall
 * watchdog and reconnect around it. One MediaSource lives from load() to destroy(); each
 * connection gets a fresh loader and transmuxer, on the same media element.
 */
import { PlayerError } from './errors.js';
import { PlayerEvents } from './events.js';
import type { PlayerEventMap, PlayerListener, PlayerStats } from './events.js';
import { LatencyController } from './control/latency-controller.js';
import { ReconnectPolicy } from './control/reconnect-policy.js';
import { StallWatchdog } from './control/stall-watchdog.js';
import { DEFAULT_TARGET_LATENCY_MS } from './control/default-latency.js';
import type { HlsLoaderHooks } from './hls/hls-loader.js';
import { createLoader } from './loaders/loader.js';
import type { Loader } from './loaders/loader.js';
import { MseController } from './mse/mse-controller.js';
import { resolvePlayerOptions, transmuxFormatOf } from './player-options.js';
import type { PlayerOptions, ResolvedPlayerOptions } from './player-options.js';
import { BitrateMeter } from './bitrate-meter.js';
import { TransmuxClient } from './transmux/transmux-client.js';
import type { MediaSummary, TransmuxOutput } from './transmux/transmux-types.js';

export type { PlayerOptions } from './player-options.js';

export interface Player {
  load(): void;
  destroy(): void;
  on<K extends keyof PlayerEventMap>(name: K, listener: PlayerListener<K>): () => void;
  off<K extends keyof PlayerEventMap>(name: K, listener: PlayerListener<K>): void;
  getStats(): PlayerStats;
  readonly media: MediaSummary | undefined;
}

/** One connection: its loader and transmuxer, and where its timeline lands. */
interface Connection {
  loader: Loader;
  transmux: TransmuxClient;
  /** Set at its first segment (and after an HLS discontinuity): the shift that continues it. */
  offsetDecided: boolean;
  receivedMedia: boolean;
}

const STATS_INTERVAL_MS = 1000;
/** The worker starts after the first frame's rush; the inline head start transmuxes meanwhile. */
const WORKER_START_DELAY_MS = 1000;

export function createPlayer(video: HTMLVideoElement, options: PlayerOptions): Player {
  return new LivePlayer(
    video,
    resolvePlayerOptions(options, globalThis.location?.href ?? 'http://localhost/'),
  );
}

class LivePlayer implements Player {
  private readonly events = new PlayerEvents();
  private targetLatencyMs: number;
  private vod = false; // HLS: the playlist has EXT-X-ENDLIST
  private wasLive = false; // HLS: a connection of this load() was live
  private mse: MseController | null = null;
  private latency: LatencyController | null = null;
  private watchdog: StallWatchdog | null = null;
  private connection: Connection | null = null;
  private readonly reconnect: ReconnectPolicy;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private mediaSummary: MediaSummary | undefined;
  /** Output handling is serialized: MSE appends must keep the transmuxer's order. */
  private pipeline: Promise<void> = Promise.resolve();
  private readonly bitrate = new BitrateMeter();
  private bytesReceived = 0;
  private reconnects = 0;
  private stalls = 0;
  private timestampOffset = 0;
  private loadedAt = 0;
  private firstFrameSeen = false;
  private autoplayed = false;
  private positioned = false;
  private generation = 0;
  private destroyed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: ResolvedPlayerOptions,
  ) {
    this.targetLatencyMs = options.targetLatencyMs ?? DEFAULT_TARGET_LATENCY_MS;
    this.reconnect = new ReconnectPolicy(options.reconnect);
  }

  get media(): MediaSummary | undefined {
    return this.mediaSummary;
  }

  on<K extends keyof PlayerEventMap>(name: K, listener: PlayerListener<K>): () => void {
    return this.events.on(name, listener);
  }

  off<K extends keyof PlayerEventMap>(name: K, listener: PlayerListener<K>): void {
    this.events.off(name, listener);
  }

  load(): void {
    if (this.destroyed)
      throw new PlayerError('INVALID_ARGUMENT', 'player was destroyed', { fatal: true });
    this.teardown();
    const generation = ++this.generation;
    this.loadedAt = performance.now();
    this.firstFrameSeen = false;
    this.autoplayed = false;
    this.positioned = false;
    this.timestampOffset = 0;
    this.mediaSummary = undefined;
    this.vod = false;
    this.wasLive = false;
    const mse = new MseController(
      this.video,
      { backBufferSec: this.options.backBufferSec, maxBufferBytes: this.options.maxBufferBytes },
      (error) => this.onMseError(error),
    );
    this.mse = mse;
    this.watchdog = new StallWatchdog(this.video, { liveEdge: () => mse.bufferedEnd() }, (e) => {
      if (e.phase === 'start') this.stalls++;
      this.events.emit('stall', e);
    });
    this.watchFirstFrame(generation);
    this.statsTimer = setInterval(
      () => this.events.emit('stats', this.getStats()),
      STATS_INTERVAL_MS,
    );
    // The connection (and the worker) start while the MediaSource opens: first bytes sooner.
    this.pipeline = mse.open().then(
      () => {
        if (generation === this.generation) this.watchdog?.start();
      },
      (error: unknown) => this.fatal(asPlayerError(error, 'MSE')),
    );
    this.connect();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.teardown();
    this.destroyed = true;
    this.events.clear();
  }

  getStats(): PlayerStats {
    const video = this.video;
    const quality =
      typeof video.getVideoPlaybackQuality === 'function'
        ? video.getVideoPlaybackQuality()
        : undefined;
    const end = this.mse?.bufferedEnd() ?? 0;
    const ahead = Math.max(0, end - video.currentTime);
    let bufferedSec = 0;
    for (const [start, stop] of this.mse?.bufferedRanges() ?? []) bufferedSec += stop - start;
    return {
      latencyMs: Math.round(ahead * 1000),
      bufferMs: Math.round(ahead * 1000),
      bitrateBps: this.bitrate.bitsPerSecond(performance.now()),
      droppedFrames: quality?.droppedVideoFrames ?? 0,
      decodedFrames: quality?.totalVideoFrames ?? 0,
      playbackRate: video.playbackRate,
      bytesReceived: this.bytesReceived,
      reconnects: this.reconnects,
      stalls: this.stalls,
      bufferedSec,
      transmuxInWorker: this.connection?.transmux.inWorker ?? false,
      quotaExceeded: this.mse?.quotaExceededCount ?? 0,
      evictions: this.mse?.evictionCount ?? 0,
    };
  }

  private connect(): void {
    const transmux = new TransmuxClient(
      {
        format: transmuxFormatOf(this.options.type),
        useWorker: this.options.worker,
        workerStartDelayMs: WORKER_START_DELAY_MS,
      },
      (outputs) => this.enqueue(connection, outputs),
      (error) => this.events.emit('error', asPlayerError(error, 'WORKER')),
    );
    const connection: Connection = {
      transmux,
      loader: createLoader(
        this.options.url,
        {
          onData: (bytes) => {
            if (this.connection !== connection) return;
            this.bytesReceived += bytes.length;
            this.bitrate.add(performance.now(), bytes.length);
            transmux.push(bytes);
          },
          // The end of a VOD playlist: everything is loaded, nothing to reconnect to.
          onEnd: () =>
            this.vod && this.connection === connection
              ? connection.transmux.flush()
              : this.connectionLost(connection, 'stream ended'),
          onError: (error) => {
            if (this.connection !== connection) return;
            if (error.fatal) return this.fatal(error);
            this.events.emit('error', error);
            this.connectionLost(connection, error.message);
          },
        },
        this.options.type === 'hls' ? this.hlsHooks(() => connection) : undefined,
      ),
      offsetDecided: false,
      receivedMedia: false,
    };
    this.connection = connection;
    connection.loader.start();
  }

  /** How the HLS loader reaches the player: stream kind, timeline restarts, buffer level. */
  private hlsHooks(current: () => Connection): HlsLoaderHooks {
    return {
      onPlaylist: (info) => {
        if (this.connection !== current()) return;
        this.vod = !info.live; // VOD: from the start, no latency control (schedulePositioning)
        if (info.live) this.wasLive = true;
        if (this.options.targetLatencyMs === undefined) this.targetLatencyMs = info.targetLatencyMs;
      },
      onDiscontinuity: () => {
        if (this.connection === current()) current().transmux.discontinuity();
      },
      bufferAheadSec: () => Math.max(0, (this.mse?.bufferedEnd() ?? 0) - this.video.currentTime),
      liveOnly: this.wasLive,
    };
  }

  private enqueue(connection: Connection, outputs: TransmuxOutput[]): void {
    this.pipeline = this.pipeline
      .then(async () => {
        for (const output of outputs) {
          if (this.connection !== connection || this.mse === null) return;
          await this.handle(connection, this.mse, output);
        }
      })
      .catch((error: unknown) => this.fatal(asPlayerError(error, 'MSE')));
  }

  private async handle(
    connection: Connection,
    mse: MseController,
    output: TransmuxOutput,
  ): Promise<void> {
    switch (output.type) {
      case 'init':
        this.mediaSummary = output.media;
        this.events.emit('mediainfo', output.media);
        await mse.appendInit(output.bytes, output.media);
        return;
      case 'segment': {
        if (!connection.offsetDecided) {
          connection.offsetDecided = true;
          await this.alignTimeline(mse, output.startSec);
        }
        // The timing lets eviction snap to keyframes and a quota drop wait for the next one.
        await mse.appendSegment(output.bytes, output);
        if (!connection.receivedMedia) {
          connection.receivedMedia = true;
          this.reconnect.reset();
        }
        if (this.positioned) this.latency?.update(mse.bufferedEnd());
        else this.positionForFirstFrame(mse);
        // Autoplay once per load(); a later pause (the user, a background tab) is respected.
        if (!this.autoplayed && !this.destroyed) {
          this.autoplayed = true;
          this.video.play().catch(() => undefined);
        }
        return;
      }
      case 'warning':
        return;
      case 'discontinuity': // HLS: a new timeline, continued at the buffered end
        connection.offsetDecided = false;
        return;
      case 'error': {
        const error = new PlayerError(output.code, output.message, {
          fatal: output.code === 'UNSUPPORTED_CODEC',
        });
        if (error.fatal) return this.fatal(error);
        this.events.emit('error', error);
        this.connectionLost(connection, output.message);
        return;
      }
    }
  }

  /**
   * Every connection after the first continues the timeline exactly at the buffered end: its
   * media may repeat the server's cached GOP, or come from a restarted publisher whose clock
   * began again, and the two cannot be told apart reliably. Appending it end to end never
   * leaves a gap or an overlap; the latency controller then skips ahead to the live edge.
   */
  private async alignTimeline(mse: MseController, startSec: number): Promise<void> {
    const end = mse.bufferedEnd();
    if (end <= 0) return;
    const offset = end - startSec;
    if (Math.abs(offset - this.timestampOffset) < 0.001) return;
    this.timestampOffset = offset;
    await mse.setTimestampOffset(offset);
  }

  /**
   * Startup: show the first keyframe the moment it is buffered (one frame to decode), then the
   * latency controller's startup jump takes the playhead to the live edge once the rest of the
   * server's GOP-cache burst has landed. Waiting for the burst and seeking once to the edge
   * would cost the first frame the whole burst plus a GOP of decoder preroll.
   */
  private positionForFirstFrame(mse: MseController): void {
    const ranges = mse.bufferedRanges();
    if (ranges.length === 0) return; // a segment too short to buffer alone: the next one
    this.positioned = true;
    const options = { targetLatencyMs: this.targetLatencyMs };
    const emit = (e: PlayerEventMap['latency']): void => this.events.emit('latency', e);
    if (!this.vod) this.latency = new LatencyController(this.video, options, emit);
    const end = mse.bufferedEnd();
    const [start] = ranges.find(([, e]) => e === end) ?? [end];
    this.video.currentTime = start;
  }

  private connectionLost(connection: Connection, reason: string): void {
    if (this.connection !== connection || this.destroyed) return;
    this.closeConnection();
    const delayMs = this.reconnect.nextDelay();
    if (delayMs === null) {
      this.fatal(
        new PlayerError('RECONNECT_EXHAUSTED', `gave up reconnecting: ${reason}`, { fatal: true }),
      );
      return;
    }
    this.reconnects++;
    this.events.emit('reconnect', { attempt: this.reconnect.attempts, delayMs, reason });
    const generation = this.generation;
    this.reconnectTimer = setTimeout(() => {
      if (generation === this.generation && !this.destroyed) this.connect();
    }, delayMs);
  }

  private watchFirstFrame(generation: number): void {
    const video = this.video;
    const seen = (): void => {
      if (generation !== this.generation || this.firstFrameSeen) return;
      this.firstFrameSeen = true;
      this.events.emit('firstframe', { elapsedMs: Math.round(performance.now() - this.loadedAt) });
    };
    if (typeof video.requestVideoFrameCallback === 'function')
      video.requestVideoFrameCallback(() => seen());
    else video.addEventListener('playing', seen, { once: true });
  }

  private onMseError(error: PlayerError): void {
    if (error.fatal) this.fatal(error);
    else this.events.emit('error', error);
  }

  private fatal(error: PlayerError): void {
    if (this.destroyed) return;
    const fatalError = error.fatal
      ? error
      : new PlayerError(error.code, error.message, { fatal: true, cause: error });
    this.teardown();
    this.events.emit('error', fatalError);
  }

  private closeConnection(): void {
    const connection = this.connection;
    this.connection = null;
    connection?.loader.abort();
    connection?.transmux.destroy();
  }

  private teardown(): void {
    this.generation++;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.statsTimer);
    this.closeConnection();
    this.watchdog?.stop();
    this.watchdog = null;
    this.latency?.destroy();
    this.latency = null;
    this.mse?.destroy();
    this.mse = null;
    this.pipeline = Promise.resolve();
  }
}

function asPlayerError(error: unknown, code: PlayerError['code']): PlayerError {
  if (error instanceof PlayerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PlayerError(code, message, { cause: error });
}
