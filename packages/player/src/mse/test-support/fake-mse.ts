/**
 * Minimal in-memory MediaSource / SourceBuffer / media element for Node tests. They follow the
 * MSE rules the controller depends on (one update at a time, InvalidStateError while updating,
 * QuotaExceededError from appendBuffer, 'error' then 'updateend', abort) and nothing else.
 * A "media segment" here is any append of 16+ bytes whose first two float64s are its
 * [start, end) in seconds (before timestampOffset); shorter appends are init segments.
 */
import type { TimeRange } from '../buffer-ranges.js';
import type { MediaSourceLike, MseEnvironment } from '../media-source-factory.js';

export class FakeTimeRanges {
  constructor(private readonly ranges: readonly TimeRange[]) {}
  get length(): number {
    return this.ranges.length;
  }
  start(i: number): number {
    const r = this.ranges[i];
    if (r === undefined) throw new DOMException('index out of range', 'IndexSizeError');
    return r[0];
  }
  end(i: number): number {
    const r = this.ranges[i];
    if (r === undefined) throw new DOMException('index out of range', 'IndexSizeError');
    return r[1];
  }
}

/** Bytes that the fake SourceBuffer reads as a media segment covering [start, end). */
export function fakeSegment(start: number, end: number, size = 64): Uint8Array {
  const bytes = new Uint8Array(Math.max(16, size));
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, start);
  view.setFloat64(8, end);
  return bytes;
}

interface Held {
  start: number;
  end: number;
  bytes: number;
}

export class FakeSourceBuffer extends EventTarget {
  updating = false;
  mode = 'segments';
  /** Appends beyond this many bytes held throw QuotaExceededError. */
  capacityBytes = Infinity;
  /** The next append fires 'error' (as a parse failure would). */
  failNextAppend = false;
  /** When false, updates finish only on finishUpdate() (to observe queued state). */
  autoFinish = true;
  readonly log: string[] = [];
  private held: Held[] = [];
  private offset = 0;
  private pending: (() => void) | undefined;

  constructor(public type: string) {
    super();
  }

  get buffered(): TimeRanges {
    return new FakeTimeRanges(this.ranges()) as unknown as TimeRanges;
  }

  get heldBytes(): number {
    return this.held.reduce((n, h) => n + h.bytes, 0);
  }

  get timestampOffset(): number {
    return this.offset;
  }

  set timestampOffset(value: number) {
    this.assertIdle();
    this.log.push(`offset ${value}`);
    this.offset = value;
  }

  appendBuffer(data: BufferSource): void {
    this.assertIdle();
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
    if (this.heldBytes + bytes.length > this.capacityBytes) {
      throw new DOMException('buffer full', 'QuotaExceededError');
    }
    this.log.push(`append ${bytes.length}`);
    this.begin(() => {
      if (this.failNextAppend) {
        this.failNextAppend = false;
        this.dispatchEvent(new Event('error'));
        return;
      }
      if (bytes.length >= 16) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const start = view.getFloat64(0) + this.offset;
        const end = view.getFloat64(8) + this.offset;
        this.held = this.held.filter((h) => h.end <= start || h.start >= end);
        this.held.push({ start, end, bytes: bytes.length });
        this.held.sort((a, b) => a.start - b.start);
      }
    });
  }

  remove(start: number, end: number): void {
    this.assertIdle();
    if (!(start < end)) throw new TypeError('remove: start must be < end');
    this.log.push(`remove ${start.toFixed(3)} ${end.toFixed(3)}`);
    this.begin(() => {
      // Whole fake segments overlapping [start, end) go (their frames depend on each other).
      this.held = this.held.filter((h) => h.end <= start || h.start >= end);
    });
  }

  changeType(type: string): void {
    this.assertIdle();
    this.log.push(`changeType ${type}`);
    this.type = type;
  }

  abort(): void {
    this.log.push('abort');
    if (!this.updating) return;
    this.pending = undefined;
    this.updating = false;
    this.dispatchEvent(new Event('abort'));
    this.dispatchEvent(new Event('updateend'));
  }

  /** Completes the update in flight (when autoFinish is false). */
  finishUpdate(): void {
    const done = this.pending;
    this.pending = undefined;
    if (done === undefined) return;
    done();
    this.updating = false;
    this.dispatchEvent(new Event('updateend'));
  }

  private begin(work: () => void): void {
    this.updating = true;
    this.pending = work;
    if (this.autoFinish) setTimeout(() => this.finishUpdate(), 0);
  }

  private assertIdle(): void {
    if (this.updating) throw new DOMException('SourceBuffer is updating', 'InvalidStateError');
  }

  private ranges(): TimeRange[] {
    const out: TimeRange[] = [];
    for (const h of this.held) {
      const last = out.at(-1);
      if (last !== undefined && h.start <= last[1] + 1e-6) last[1] = Math.max(last[1], h.end);
      else out.push([h.start, h.end]);
    }
    return out;
  }
}

export class FakeMediaSource extends EventTarget implements MediaSourceLike {
  static supported = new Set<string>();
  readyState: 'closed' | 'open' | 'ended' = 'closed';
  private durationValue = NaN;
  readonly buffers: FakeSourceBuffer[] = [];

  static isTypeSupported(type: string): boolean {
    return FakeMediaSource.supported.has(type);
  }

  get duration(): number {
    return this.durationValue;
  }

  set duration(value: number) {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    this.durationValue = value;
  }

  get sourceBuffers(): { length: number } {
    return { length: this.buffers.length };
  }

  addSourceBuffer(type: string): SourceBuffer {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    if (!FakeMediaSource.isTypeSupported(type)) throw new DOMException(type, 'NotSupportedError');
    const sb = new FakeSourceBuffer(type);
    this.buffers.push(sb);
    return sb as unknown as SourceBuffer;
  }

  removeSourceBuffer(sourceBuffer: SourceBuffer): void {
    const i = this.buffers.indexOf(sourceBuffer as unknown as FakeSourceBuffer);
    if (i < 0) throw new DOMException('not found', 'NotFoundError');
    this.buffers.splice(i, 1);
  }

  /** Attachment as the media element would do it (async 'sourceopen'). */
  attach(): void {
    setTimeout(() => {
      this.readyState = 'open';
      this.dispatchEvent(new Event('sourceopen'));
    }, 0);
  }

  detach(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.dispatchEvent(new Event('sourceclose'));
  }
}

/** Object URLs that map back to fake MediaSources. */
export class FakeEnvironment implements MseEnvironment {
  MediaSource: typeof FakeMediaSource | undefined = FakeMediaSource;
  ManagedMediaSource: typeof FakeMediaSource | undefined = undefined;
  readonly urls = new Map<string, FakeMediaSource>();
  readonly revoked: string[] = [];
  private next = 0;

  createObjectURL(source: MediaSourceLike): string {
    const url = `blob:fake/${++this.next}`;
    this.urls.set(url, source as FakeMediaSource);
    return url;
  }

  revokeObjectURL(url: string): void {
    this.revoked.push(url);
    this.urls.delete(url);
  }
}

/** The media element surface used by MseController, LatencyController and StallWatchdog. */
export class FakeVideo extends EventTarget {
  currentTime = 0;
  playbackRate = 1;
  paused = false;
  seeking = false;
  ended = false;
  disableRemotePlayback = false;
  error: MediaError | null = null;
  loads = 0;
  readonly ownerDocument = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  /** What `buffered` reports when no fake MediaSource is attached. */
  ranges: TimeRange[] = [];
  private source = '';
  /** The MediaSource attached through `src` (kept after its URL is revoked, as in browsers). */
  attached: FakeMediaSource | undefined;

  constructor(private readonly env?: FakeEnvironment) {
    super();
  }

  get src(): string {
    return this.source;
  }

  set src(url: string) {
    this.source = url;
    this.attached = this.env?.urls.get(url);
    this.attached?.attach();
  }

  get buffered(): TimeRanges {
    const sb = this.attached?.buffers[0];
    return sb !== undefined
      ? sb.buffered
      : (new FakeTimeRanges(this.ranges) as unknown as TimeRanges);
  }

  removeAttribute(name: string): void {
    if (name !== 'src') return;
    this.attached?.detach();
    this.attached = undefined;
    this.source = '';
  }

  load(): void {
    this.loads++;
  }
}
