/**
 * The live streams of one server, keyed `app/stream` (one registry per server, no singleton).
 * One publisher per key; a stream is forgotten when it ends (no publisher once the grace period
 * is over), after its viewers have been sent end-of-stream.
 */
import { LiveStream } from './live-stream.js';
import type { LiveStreamOptions, PublisherHandle } from './live-stream.js';
import type { StreamTap } from './stream-tap.js';

export type StreamRegistryOptions = Omit<LiveStreamOptions, 'onEnd' | 'tap'> & {
  /** A stream was created (first publish) or ended. */
  onStreamStart?: (stream: LiveStream) => void;
  onStreamEnd?: (stream: LiveStream) => void;
  /** A tap for each new stream (e.g. its HLS packager), created before its first publisher. */
  tapFor?: (key: string) => StreamTap | undefined;
};

export class StreamRegistry {
  private readonly streams = new Map<string, LiveStream>();
  private readonly publishListeners = new Set<(key: string) => void>();

  constructor(private readonly options: StreamRegistryOptions = {}) {}

  /**
   * The stream publisher `id` may publish to, created if needed; `'busy'` when another
   * publisher holds the key. A stream in its grace period is taken over (viewers stay).
   */
  acquirePublisher(key: string, id: string, handle?: PublisherHandle): LiveStream | 'busy' {
    let stream = this.streams.get(key);
    if (stream === undefined) {
      const { onStreamStart, onStreamEnd, tapFor, ...streamOptions } = this.options;
      stream = new LiveStream(key, {
        ...streamOptions,
        tap: tapFor?.(key),
        onEnd: (ended) => {
          if (this.streams.get(key) === ended) this.streams.delete(key);
          onStreamEnd?.(ended);
        },
      });
      this.streams.set(key, stream);
      onStreamStart?.(stream);
    }
    if (!stream.attachPublisher(id, handle)) return 'busy';
    for (const listener of [...this.publishListeners]) listener(key);
    return stream;
  }

  /**
   * Runs `listener(key)` after every publisher that attaches (new stream or grace takeover),
   * so players held for a stream that was not live yet (RTMP play wait) can start. Returns
   * the function that removes it.
   */
  onPublish(listener: (key: string) => void): () => void {
    this.publishListeners.add(listener);
    return () => void this.publishListeners.delete(listener);
  }

  /** Publisher `id` left `key` (the stream enters its grace period). */
  releasePublisher(key: string, id: string): void {
    this.streams.get(key)?.detachPublisher(id);
  }

  get(key: string): LiveStream | undefined {
    return this.streams.get(key);
  }

  list(): LiveStream[] {
    return [...this.streams.values()];
  }

  get size(): number {
    return this.streams.size;
  }

  /** Server stop: every viewer is closed and every stream forgotten. */
  disposeAll(): void {
    for (const stream of [...this.streams.values()]) stream.dispose();
    this.streams.clear();
  }
}

/** `app/stream` from the two URL parts (callers validate the characters). */
export function streamKey(app: string, name: string): string {
  return `${app}/${name}`;
}
