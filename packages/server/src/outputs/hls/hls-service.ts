/**
 * The HLS side of one server: one HlsLive per live stream (created as the stream's tap, so it
 * packages from the first packet), kept for a while after its stream ends so players read the
 * final playlist with EXT-X-ENDLIST instead of a 404.
 */
import type { HlsServerConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { StreamTap } from '../../hub/stream-tap.js';
import { HlsLive } from './hls-live.js';
import { newEpoch } from './hls-names.js';
import { HlsRecorder } from './hls-recorder.js';
import type { HlsTiming } from './hls-timing.js';

/** How long an ended stream's final playlist stays available. */
const ENDED_LINGER_MS = 30_000;

export class HlsService {
  private readonly config: HlsServerConfig;
  private readonly log: Logger;
  private readonly streams = new Map<string, HlsLive>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(config: HlsServerConfig, logger: Logger) {
    this.config = config;
    this.log = logger.child({ component: 'hls' });
  }

  get timing(): HlsTiming {
    return { segmentMs: this.config.segmentMs, partTargetMs: this.config.partMs };
  }

  /** The tap for a new live stream (replacing an ended one of the same key). */
  tapFor(key: string): StreamTap | undefined {
    if (!this.config.enabled) return undefined;
    const recordDir = this.config.recordDir;
    const epoch = newEpoch();
    const recorder: HlsRecorder | undefined =
      recordDir === undefined ? undefined : new HlsRecorder(recordDir, key, epoch, this.log);
    const created = new HlsLive(key, {
      epoch,
      timing: this.timing,
      windowSegments: this.config.windowSegments,
      logger: this.log,
      ...(recorder === undefined ? {} : { recorder }),
    });
    this.streams.set(key, created);
    return {
      track: (t) => created.track(t),
      packet: (p) => created.packet(p),
      publisher: (e) => created.publisher(e),
      end: () => {
        created.end();
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.streams.get(key) === created) this.streams.delete(key);
        }, ENDED_LINGER_MS);
        timer.unref?.();
        this.timers.add(timer);
      },
    };
  }

  get(key: string): HlsLive | undefined {
    return this.streams.get(key);
  }

  /** Server stop: every stream's HLS ends (waiting requests are answered) and is forgotten. */
  dispose(): void {
    for (const live of this.streams.values()) live.end();
    this.streams.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
