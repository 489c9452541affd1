/**
 * The in-memory media of one HLS variant: a sliding window of segments (the newest may still
 * be growing part by part), the init segments they refer to, and the requests waiting for
 * something newer (LL-HLS blocking playlist reload and preload-hinted parts,
 * draft-pantos-hls-rfc8216bis 6.2.5.2 / 6.2.6). Memory is bounded by the window: segments that
 * leave it are kept a little longer (a client may have just read a playlist listing them) and
 * then dropped.
 */

export interface HlsPart {
  /** Position within its segment, from 0. */
  index: number;
  /**
   * Position in the whole stream instance, from 0: what the part's URI names. The preload hint
   * names the next serial, which comes true whether the next part opens a new segment or not.
   */
  serial: number;
  durationMs: number;
  /** Starts with a random access point (EXT-X-PART INDEPENDENT=YES). */
  independent: boolean;
  bytes: Uint8Array;
}

export interface HlsSegment {
  msn: number;
  /** Media time of its first sample, ms on the stream's timeline. */
  startMs: number;
  /** Final once `complete`; while growing, the sum of its parts. */
  durationMs: number;
  /** Wall-clock time of its first sample (EXT-X-PROGRAM-DATE-TIME), ms since the epoch. */
  programDateTime: number;
  /** Preceded by EXT-X-DISCONTINUITY (publisher restart). */
  discontinuity: boolean;
  /** Init segment id (EXT-X-MAP) for fMP4 variants. */
  mapId: number | undefined;
  /** fMP4 variants: the parts in order (dropped once the segment is old enough). */
  parts: HlsPart[];
  /** Whole segment; set when complete. */
  bytes: Uint8Array | undefined;
  complete: boolean;
}

export interface SegmentWindowOptions {
  /** Complete segments listed in the playlist. */
  windowSegments: number;
  /** Complete segments kept after leaving the playlist, for clients a reload behind. */
  lingerSegments?: number;
  /** Newest segments that keep their parts (rfc8216bis 6.2.2: parts of older ones go). */
  partSegments?: number;
  /** A segment was completed (recording to disk). */
  onSegment?: (segment: HlsSegment) => void;
  /** An init segment was added (recording to disk). */
  onInit?: (id: number, bytes: Uint8Array) => void;
}

interface Waiter {
  ready: () => boolean;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SegmentStart {
  startMs: number;
  programDateTime: number;
  discontinuity: boolean;
  mapId: number | undefined;
}

const DEFAULT_LINGER = 2;
const DEFAULT_PART_SEGMENTS = 5;

export class SegmentWindow {
  private readonly windowSegments: number;
  private readonly lingerSegments: number;
  private readonly partSegments: number;
  /** Serial the next part will get (HlsPart.serial). */
  private nextPart = 0;
  private readonly onSegment: ((segment: HlsSegment) => void) | undefined;
  private readonly onInit: ((id: number, bytes: Uint8Array) => void) | undefined;
  /** Oldest first; the last one may be open. Includes the lingering ones. */
  private readonly held: HlsSegment[] = [];
  private readonly inits = new Map<number, Uint8Array>();
  private waiters = new Set<Waiter>();
  private nextMsn = 0;
  private dropped = { discontinuities: 0 };
  private longestMs = 0;
  private isEnded = false;

  constructor(options: SegmentWindowOptions) {
    this.windowSegments = options.windowSegments;
    this.lingerSegments = options.lingerSegments ?? DEFAULT_LINGER;
    this.partSegments = options.partSegments ?? DEFAULT_PART_SEGMENTS;
    this.onSegment = options.onSegment;
    this.onInit = options.onInit;
  }

  addInit(id: number, bytes: Uint8Array): void {
    this.inits.set(id, bytes);
    this.onInit?.(id, bytes);
  }

  init(id: number): Uint8Array | undefined {
    return this.inits.get(id);
  }

  /** The segment being built, if any. */
  get open(): HlsSegment | undefined {
    const last = this.held[this.held.length - 1];
    return last !== undefined && !last.complete ? last : undefined;
  }

  /** Serial of the part to come next (the preload hint's target). */
  get nextPartSerial(): number {
    return this.nextPart;
  }

  /** A part still held (parts of older segments are dropped), by its serial. */
  part(serial: number): HlsPart | undefined {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const parts = this.held[i]?.parts ?? [];
      const first = parts[0];
      if (first === undefined || serial < first.serial) continue;
      return parts[serial - first.serial];
    }
    return undefined;
  }

  /** Starts a new segment (the open one, if any, must be completed first). */
  openSegment(start: SegmentStart): HlsSegment {
    if (this.open !== undefined) throw new Error('complete the open segment first');
    const segment: HlsSegment = {
      msn: this.nextMsn++,
      ...start,
      durationMs: 0,
      parts: [],
      bytes: undefined,
      complete: false,
    };
    this.held.push(segment);
    this.notify();
    return segment;
  }

  addPart(part: Omit<HlsPart, 'index' | 'serial'>): void {
    const segment = this.open;
    if (segment === undefined) throw new Error('no open segment');
    segment.parts.push({ ...part, index: segment.parts.length, serial: this.nextPart++ });
    segment.durationMs += part.durationMs;
    this.notify();
  }

  /** Completes the open segment with its bytes and final duration. */
  completeOpen(bytes: Uint8Array, durationMs: number): void {
    const segment = this.open;
    if (segment === undefined) return;
    segment.bytes = bytes;
    segment.durationMs = durationMs;
    segment.complete = true;
    this.longestMs = Math.max(this.longestMs, durationMs);
    this.onSegment?.(segment);
    this.trim();
    this.notify();
  }

  /** No more media will come (EXT-X-ENDLIST); wakes every waiter. */
  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.notify();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(waiter.ready());
    }
    this.waiters.clear();
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /** Segments the playlist lists: the window of complete ones plus the open one. */
  listed(): HlsSegment[] {
    const complete = this.held.filter((s) => s.complete);
    const first = complete[Math.max(0, complete.length - this.windowSegments)];
    return first === undefined
      ? this.held.filter((s) => !s.complete)
      : this.held.filter((s) => s.msn >= first.msn);
  }

  /** Discontinuities before the first listed segment (EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuitySequence(): number {
    const firstListed = this.listed()[0]?.msn ?? this.nextMsn;
    let n = this.dropped.discontinuities;
    for (const s of this.held) if (s.msn < firstListed && s.discontinuity) n++;
    return n;
  }

  /** Longest complete segment so far, ms (for EXT-X-TARGETDURATION). */
  get longestSegmentMs(): number {
    return this.longestMs;
  }

  segment(msn: number): HlsSegment | undefined {
    const first = this.held[0];
    if (first === undefined) return undefined;
    return this.held[msn - first.msn];
  }

  /** Newest media sequence number with any media (the open segment's), or -1. */
  get lastMsn(): number {
    return this.nextMsn - 1;
  }

  /**
   * Resolves true as soon as `ready()` holds (checked now and after every change), false
   * after `timeoutMs` or when `signal` aborts. At end of stream it resolves with `ready()`.
   */
  waitFor(ready: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (ready() || this.isEnded) return Promise.resolve(ready());
    return new Promise((resolve) => {
      const waiter: Waiter = {
        ready,
        resolve: (ok) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ok);
        },
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          waiter.resolve(false);
        }, timeoutMs),
      };
      const onAbort = (): void => {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Waiting requests (a gauge for tests and metrics). */
  get waiting(): number {
    return this.waiters.size;
  }

  private notify(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) {
      if (!waiter.ready()) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(true);
    }
  }

  private trim(): void {
    const complete = this.held.filter((s) => s.complete).length;
    let excess = complete - this.windowSegments - this.lingerSegments;
    while (excess-- > 0) {
      const gone = this.held.shift();
      if (gone?.discontinuity === true) this.dropped.discontinuities++;
    }
    // Init segments no held segment refers to any more (the newest is kept for what follows).
    const oldestMap = this.held.find((s) => s.mapId !== undefined)?.mapId;
    if (oldestMap !== undefined) {
      for (const id of this.inits.keys()) if (id < oldestMap) this.inits.delete(id);
    }
    // Parts are only listed for the newest segments; older ones are served whole.
    const keepFrom = this.held.length - this.partSegments;
    for (let i = 0; i < keepFrom; i++) {
      const s = this.held[i];
      if (s !== undefined && s.complete) s.parts = [];
    }
  }
}
