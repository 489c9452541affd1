/**
 * One live stream (`app/stream`): the publisher's tracks, metadata and packets fan out to the
 * viewers. Each output format has one packager (created with its first viewer, dropped with its
 * last) whose bytes every viewer of that format shares; each viewer has a bounded queue, and
 * all queues are flushed once per event-loop turn. A publisher may drop and come back within
 * the grace period without viewers noticing more than a pause.
 */
import type { Amf0Value, MediaPacket, TrackInfo, TrackKind } from '@tidecast/media';
import { GopCache } from './gop-cache.js';
import { createPackager } from './packager-factory.js';
import type { GopCacheOptions } from './gop-cache.js';
import { StreamMeters, emptyViewerCounts, snapshotStats } from './stream-stats.js';
import type { StreamStats } from './stream-stats.js';
import { formatOf } from './stream-output.js';
import type {
  CloseReason,
  OutputFormat,
  OutputProtocol,
  StreamChunk,
  StreamOutput,
  StreamPackager,
} from './stream-output.js';
import { SubscriberQueue } from './subscriber-queue.js';
import { TurnBatch } from './turn-batch.js';
import type { SubscriberQueueOptions, SubscriberQueueStats } from './subscriber-queue.js';
import { TimestampRebaser } from './timestamp-rebaser.js';
import type { StreamTap } from './stream-tap.js';
import { sameTrack } from './tag-packager.js';

export interface LiveStreamOptions {
  gopCache?: GopCacheOptions;
  queue?: Omit<SubscriberQueueOptions, 'now'>;
  /** How long viewers wait for a lost publisher to come back. Default 5,000 ms. */
  reconnectGraceMs?: number;
  /** fMP4 fragment length of audio-only streams. Default 100 ms. */
  fmp4AudioFragmentMs?: number;
  hevcLegacyCodecId12?: boolean;
  /** Clock in ms. Default performance.now. */
  now?: () => number;
  /**
   * Runs a task once the current event-loop turn's I/O is done. Default setImmediate: every
   * publisher read that libuv delivered in this turn is written to each viewer in one batch
   * (one writev), so a busy server batches more without adding any delay.
   */
  schedule?: (task: () => void) => void;
  /** The stream ended (grace expired, or disposed): the owner forgets it. */
  onEnd?: (stream: LiveStream) => void;
  /** A packager refused a packet or track (the packet is skipped; the stream goes on). */
  onError?: (error: unknown, stream: LiveStream) => void;
  /** Sees every track and packet whether or not anyone watches (HLS packaging). */
  tap?: StreamTap;
}

export type LiveStreamState = 'idle' | 'live' | 'grace' | 'ended';

export interface Subscription {
  readonly id: string;
  readonly protocol: OutputProtocol;
  stats(): SubscriberQueueStats;
  /** The viewer left on its own: stop sending (the sink is not closed by the hub). */
  unsubscribe(): void;
}

/** The publisher side the hub may need to reach (to kick it). */
export interface PublisherHandle {
  kick(): void;
}

interface Viewer {
  output: StreamOutput;
  queue: SubscriberQueue;
  /** Joined mid-turn: the join burst already holds this turn's chunks (see `deliverTurn`). */
  skipTurn: number;
}

interface FormatGroup {
  packager: StreamPackager;
  viewers: Set<Viewer>;
  /** Chunks produced in the current event-loop turn, delivered together at its end. */
  turn: StreamChunk[];
  /** Counts delivered turns. */
  turnNumber: number;
}

interface CachedPacket {
  kind: 'video' | 'audio';
  keyframe: boolean;
  dtsMs: number;
  size: number;
  packet: MediaPacket;
}

const DEFAULT_GRACE_MS = 5_000;

export class LiveStream {
  readonly key: string;
  private readonly options: LiveStreamOptions;
  private readonly now: () => number;
  private readonly schedule: (task: () => void) => void;
  private readonly graceMs: number;
  private readonly tracks = new Map<TrackKind, TrackInfo>();
  private metadataValue: Amf0Value | undefined;
  /** Packets since the last keyframe, to seed a packager created for a new format. */
  private readonly packets: GopCache<CachedPacket>;
  private readonly groups = new Map<OutputFormat, FormatGroup>();
  private readonly rebaser = new TimestampRebaser();
  private readonly meters: StreamMeters;
  private readonly createdAt: number;
  private publisher: { id: string; handle: PublisherHandle | undefined } | null = null;
  private streamState: LiveStreamState = 'idle';
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private flushScheduled = false;

  constructor(key: string, options: LiveStreamOptions = {}) {
    this.key = key;
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.schedule = options.schedule ?? ((task) => setImmediate(task));
    this.graceMs = options.reconnectGraceMs ?? DEFAULT_GRACE_MS;
    this.packets = new GopCache(options.gopCache);
    this.meters = new StreamMeters(this.now);
    this.createdAt = this.now();
  }

  get state(): LiveStreamState {
    return this.streamState;
  }

  get publisherId(): string | null {
    return this.publisher?.id ?? null;
  }

  get metadata(): Amf0Value | undefined {
    return this.metadataValue;
  }

  getTracks(): TrackInfo[] {
    return [...this.tracks.values()];
  }

  get viewerCount(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.viewers.size;
    return n;
  }

  /** Takes the stream for publisher `id`; false while another publisher holds it. */
  attachPublisher(id: string, handle?: PublisherHandle): boolean {
    if (this.streamState === 'ended') return false;
    if (this.publisher !== null) return this.publisher.id === id;
    const resumed = this.streamState === 'grace';
    if (resumed) {
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      this.meters.reconnects++;
      this.rebaser.newPublisher();
    }
    this.publisher = { id, handle };
    this.streamState = 'live';
    this.options.tap?.publisher(resumed ? 'resume' : 'start');
    return true;
  }

  /**
   * Publisher `id` is gone. Viewers stay for the grace period (unless `grace` is false); if no
   * publisher takes over by then, they get end-of-stream and the stream ends.
   */
  detachPublisher(id: string, options: { grace?: boolean } = {}): void {
    if (this.publisher?.id !== id) return;
    this.publisher = null;
    if (options.grace === false || this.graceMs <= 0) {
      this.end();
      return;
    }
    this.streamState = 'grace';
    this.options.tap?.publisher('lost');
    this.graceTimer = setTimeout(() => this.end(), this.graceMs);
    this.graceTimer.unref?.();
  }

  /** Asks the publisher's connection to close (API "kick"); true when there was one. */
  kickPublisher(): boolean {
    const publisher = this.publisher;
    if (publisher === null) return false;
    publisher.handle?.kick();
    this.detachPublisher(publisher.id, { grace: false });
    return true;
  }

  setTrack(track: TrackInfo): void {
    if (this.streamState !== 'live') return;
    const current = this.tracks.get(track.kind);
    if (current !== undefined && sameTrack(current, track)) return;
    this.tracks.set(track.kind, track);
    this.options.tap?.track(track);
    this.packets.clear();
    for (const group of this.groups.values()) {
      this.fanOut(group, (p) => p.setTrack(track));
    }
    this.scheduleFlush();
  }

  setMetadata(value: Amf0Value): void {
    if (this.streamState !== 'live') return;
    this.metadataValue = value;
    for (const group of this.groups.values()) {
      this.fanOut(group, (p) => p.setMetadata(value));
    }
    this.scheduleFlush();
  }

  /** One packet from the publisher (any timescale; the stream runs in milliseconds). */
  publish(input: MediaPacket): void {
    if (this.streamState !== 'live') return;
    const packet = this.rebaser.rebase(input);
    if (packet === null) return;
    this.meters.packetIn(packet.kind, packet.data.length);
    if (!this.tracks.has(packet.kind)) return; // undescribed media cannot be packaged
    this.packets.push({
      kind: packet.kind,
      keyframe: packet.keyframe,
      dtsMs: packet.dts,
      size: packet.data.length,
      packet,
    });
    this.options.tap?.packet(packet);
    for (const group of this.groups.values()) {
      this.fanOut(group, (p) => p.packet(packet));
    }
    this.scheduleFlush();
  }

  /** Adds a viewer; it gets the join sequence at once, then live chunks. */
  subscribe(output: StreamOutput): Subscription {
    const group = this.groupFor(formatOf(output.protocol));
    const viewer: Viewer = {
      output,
      skipTurn: group.turn.length > 0 ? group.turnNumber : -1,
      queue: new SubscriberQueue(
        output.sink,
        { ...this.options.queue, now: this.now, receive: output.receive },
        {
          onWritten: (bytes) => this.meters.written(bytes),
          onDropped: (bytes, frames) => this.meters.dropped(bytes, frames),
          onClose: (reason) => this.removeViewer(group, viewer, reason),
        },
      ),
    };
    group.viewers.add(viewer);
    viewer.queue.join(group.packager.joinChunks());
    viewer.queue.flush();
    this.meters.settle();
    if (this.streamState === 'ended') viewer.queue.end();
    return {
      id: output.id,
      protocol: output.protocol,
      stats: () => viewer.queue.stats(),
      unsubscribe: () => {
        viewer.queue.detach();
        this.removeViewer(group, viewer, null);
      },
    };
  }

  stats(): StreamStats {
    const viewers = emptyViewerCounts();
    for (const group of this.groups.values()) {
      for (const v of group.viewers) viewers[v.output.protocol]++;
    }
    return snapshotStats(this.meters, {
      key: this.key,
      publisherId: this.publisherId,
      video: this.tracks.get('video'),
      audio: this.tracks.get('audio'),
      viewers,
      uptimeMs: Math.round(this.now() - this.createdAt),
      gopCache: { bytes: this.packets.bytes, durationMs: this.packets.durationMs },
    });
  }

  /** Closes every viewer (`stream-disposed`) and ends the stream at once. */
  dispose(): void {
    if (this.streamState === 'ended') return;
    this.finish();
    for (const group of [...this.groups.values()]) {
      for (const viewer of [...group.viewers]) viewer.queue.close('stream-disposed');
    }
    this.options.onEnd?.(this);
  }

  /** No publisher any more: send what is pending, then end-of-stream to every viewer. */
  private end(): void {
    if (this.streamState === 'ended') return;
    this.finish();
    for (const group of this.groups.values()) this.fanOut(group, (p) => p.flush());
    this.deliverTurn();
    for (const group of [...this.groups.values()]) {
      for (const viewer of [...group.viewers]) viewer.queue.end();
    }
    this.options.onEnd?.(this);
  }

  private finish(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.publisher = null;
    this.streamState = 'ended';
    this.options.tap?.end();
  }

  private groupFor(format: OutputFormat): FormatGroup {
    const existing = this.groups.get(format);
    if (existing !== undefined) return existing;
    const packager = createPackager(format, {
      gopCache: this.options.gopCache,
      hevcLegacyCodecId12: this.options.hevcLegacyCodecId12,
      fmp4AudioFragmentMs: this.options.fmp4AudioFragmentMs,
      tracks: this.tracks,
      metadata: this.metadataValue,
    });
    // Seed it with the current state so its first viewer starts like any later one.
    const seed: (() => StreamChunk[])[] = [];
    if (this.metadataValue !== undefined) {
      const value = this.metadataValue;
      seed.push(() => packager.setMetadata(value));
    }
    for (const track of this.tracks.values()) seed.push(() => packager.setTrack(track));
    for (const entry of this.packets.entries()) seed.push(() => packager.packet(entry.packet));
    for (const step of seed) this.guard(step);
    const group: FormatGroup = { packager, viewers: new Set(), turn: [], turnNumber: 0 };
    this.groups.set(format, group);
    return group;
  }

  private fanOut(group: FormatGroup, produce: (p: StreamPackager) => StreamChunk[]): void {
    const chunks = this.guard(() => produce(group.packager));
    for (const chunk of chunks) group.turn.push(chunk);
  }

  private guard(step: () => StreamChunk[]): StreamChunk[] {
    try {
      return step();
    } catch (error) {
      this.options.onError?.(error, this);
      return [];
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => {
      this.flushScheduled = false;
      this.deliverTurn();
    });
  }

  /** Hands each format's chunks of this turn to its viewers as one shared batch. */
  private deliverTurn(): void {
    for (const group of this.groups.values()) {
      if (group.turn.length === 0) continue;
      const batch = new TurnBatch(group.turn);
      const turnNumber = group.turnNumber++;
      group.turn = [];
      for (const viewer of group.viewers) {
        if (viewer.skipTurn !== turnNumber) viewer.queue.deliver(batch);
      }
    }
    this.meters.settle();
  }

  private removeViewer(group: FormatGroup, viewer: Viewer, reason: CloseReason | null): void {
    if (!group.viewers.delete(viewer)) return;
    if (reason === 'too-slow') this.meters.slowDisconnects++;
    if (group.viewers.size === 0 && this.groups.get(group.packager.format) === group) {
      this.groups.delete(group.packager.format); // no viewers of this format: stop packaging
    }
  }
}
