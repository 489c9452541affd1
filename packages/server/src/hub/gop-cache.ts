/**
 * GOP cache: the media since the newest video keyframe, so a joining viewer can start decoding
 * at once instead of waiting for the next keyframe. Bounded by duration and bytes; a GOP that
 * outgrows either bound is dropped whole (a partial GOP is not decodable) and caching resumes at
 * the next keyframe. Streams without video keep a short trailing window of audio instead.
 */

export interface GopCacheOptions {
  /** Default true. */
  enabled?: boolean;
  /** Longest GOP kept, by decode time span. Default 10,000 ms. */
  maxDurationMs?: number;
  /** Largest GOP kept. Default 32 MiB. */
  maxBytes?: number;
  /** Audio kept when the stream has no video (every audio frame is a random access point). */
  audioOnlyMs?: number;
}

export const GOP_CACHE_DEFAULTS: Required<GopCacheOptions> = {
  enabled: true,
  maxDurationMs: 10_000,
  maxBytes: 32 * 1024 * 1024,
  audioOnlyMs: 1_000,
};

/** What the cache needs to know of an entry. */
export interface GopEntry {
  readonly kind: 'header' | 'video' | 'audio';
  readonly keyframe: boolean;
  readonly dtsMs: number;
  /** Bytes the entry holds. */
  readonly size: number;
}

export class GopCache<T extends GopEntry> {
  private readonly options: Required<GopCacheOptions>;
  private readonly audioOnlyLimits: Required<GopCacheOptions>;
  private items: T[] = [];
  private head = 0;
  private byteCount = 0;
  /** A video entry has been seen since the last clear: cache whole GOPs only. */
  private videoMode = false;

  constructor(options: GopCacheOptions = {}) {
    this.options = { ...GOP_CACHE_DEFAULTS, ...stripUndefined(options) };
    for (const key of ['maxDurationMs', 'maxBytes', 'audioOnlyMs'] as const) {
      const v = this.options[key];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`gop cache ${key} must be >= 0: ${v}`);
    }
    this.audioOnlyLimits = { ...this.options, maxDurationMs: this.options.audioOnlyMs };
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  push(entry: T): void {
    if (!this.options.enabled || entry.kind === 'header') return;
    if (entry.kind === 'video') {
      // The first video ends the audio-only window: from now on a cache opens at a keyframe.
      if (entry.keyframe || !this.videoMode) this.reset();
      this.videoMode = true;
      if (!entry.keyframe && this.length === 0) return; // no GOP open: a delta alone is useless
      this.append(entry);
      if (this.overLimits()) this.reset(); // wait for the next keyframe
      return;
    }
    if (this.videoMode) {
      // Audio before the first keyframe of a GOP cannot be shown with a picture.
      if (this.length === 0) return;
      this.append(entry);
      if (this.overLimits()) this.reset();
      return;
    }
    this.append(entry);
    while (this.length > 0 && this.overLimits(this.audioOnlyLimits)) this.dropFirst();
  }

  /** The cached entries, oldest first (a copy: the cache keeps changing). */
  entries(): T[] {
    return this.items.slice(this.head);
  }

  /** Forget everything (codec change, new publisher); the next keyframe starts again. */
  clear(): void {
    this.reset();
    this.videoMode = false;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Decode time span from the first to the last entry. */
  get durationMs(): number {
    const first = this.items[this.head];
    const last = this.items[this.items.length - 1];
    return first === undefined || last === undefined ? 0 : last.dtsMs - first.dtsMs;
  }

  private append(entry: T): void {
    this.items.push(entry);
    this.byteCount += entry.size;
  }

  private dropFirst(): void {
    const first = this.items[this.head];
    if (first === undefined) return;
    this.byteCount -= first.size;
    this.head++;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private reset(): void {
    this.items = [];
    this.head = 0;
    this.byteCount = 0;
  }

  private overLimits(limits: Required<GopCacheOptions> = this.options): boolean {
    return this.byteCount > limits.maxBytes || this.durationMs > limits.maxDurationMs;
  }
}

/** `{ ...defaults, ...options }` without letting an explicit undefined erase a default. */
export function stripUndefined<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
