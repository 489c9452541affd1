import { readFile } from 'node:fs/promises';
import { FlvDemuxer } from '@tidecast/media';
import type { Amf0Value, MediaPacket, TrackInfo } from '@tidecast/media';
import type { PublishTarget } from '../publish-target.js';

/** A demuxed FLV held in memory: small sample files only (the demo clip is ~10 s). */
export interface LoopClip {
  tracks: TrackInfo[];
  metadata: Amf0Value | undefined;
  /** In file order, timescale 1000, rebased so the earliest dts is 0. */
  packets: MediaPacket[];
  /** Added to every timestamp per loop: keeps dts strictly increasing on every track. */
  loopMs: number;
}

const MS = 1000;

function toMs(ticks: number, timescale: number): number {
  return timescale === MS ? ticks : Math.round((ticks * MS) / timescale);
}

/** Demuxes `bytes` into a clip; throws the first demux error (the file is ours, not a peer's). */
export function clipFromFlv(bytes: Uint8Array): LoopClip {
  const demuxer = new FlvDemuxer();
  const tracks = new Map<string, TrackInfo>();
  let metadata: Amf0Value | undefined;
  const packets: MediaPacket[] = [];
  for (const event of [...demuxer.push(bytes), ...demuxer.flush()]) {
    if (event.type === 'error') throw event.error;
    if (event.type === 'track') tracks.set(event.track.kind, event.track);
    else if (event.type === 'script' && event.name === 'onMetaData') metadata = event.value;
    else if (event.type === 'packet') {
      const p = event.packet;
      packets.push({
        ...p,
        dts: toMs(p.dts, p.timescale),
        pts: toMs(p.pts, p.timescale),
        timescale: MS,
      });
    }
  }
  if (packets.length === 0) throw new Error('the demo file has no audio or video packets');
  const first = Math.min(...packets.map((p) => p.dts));
  for (const p of packets) {
    p.dts -= first;
    p.pts -= first;
  }
  return { tracks: [...tracks.values()], metadata, packets, loopMs: loopLength(packets) };
}

/** Clip length: per track, the last dts plus that track's last frame interval; the longest wins. */
function loopLength(packets: readonly MediaPacket[]): number {
  let length = 1;
  for (const kind of ['video', 'audio'] as const) {
    const dts = packets.filter((p) => p.kind === kind).map((p) => p.dts);
    const last = dts[dts.length - 1];
    if (last === undefined) continue;
    const before = dts[dts.length - 2];
    const step = before === undefined ? 1 : Math.max(1, last - before);
    length = Math.max(length, last + step);
  }
  return length;
}

export interface DemoPublisherOptions {
  /** Called once when the loop stops because the target threw; the server logs it. */
  onError?: (error: unknown) => void;
  /** Milliseconds clock; default performance.now. */
  now?: () => number;
}

/**
 * Publishes a clip in real time, looping forever with continuous timestamps: loop n adds
 * n * loopMs to every dts/pts, and packets leave when the wall clock reaches their dts.
 */
export class DemoPublisher {
  private readonly clip: LoopClip;
  private readonly target: PublishTarget;
  private readonly options: DemoPublisherOptions;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private index = 0;
  private loop = 0;
  private running = false;
  /** Packets handed to the target so far (for logs and tests). */
  sent = 0;

  constructor(clip: LoopClip, target: PublishTarget, options: DemoPublisherOptions = {}) {
    this.clip = clip;
    this.target = target;
    this.options = options;
    this.now = options.now ?? (() => performance.now());
  }

  static async fromFile(
    path: string,
    target: PublishTarget,
    options: DemoPublisherOptions = {},
  ): Promise<DemoPublisher> {
    const bytes = new Uint8Array(await readFile(path));
    return new DemoPublisher(clipFromFlv(bytes), target, options);
  }

  get loops(): number {
    return this.loop;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.clip.metadata !== undefined) this.target.setMetadata(this.clip.metadata);
    for (const track of this.clip.tracks) this.target.setTrack(track);
    this.startedAt = this.now();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    const { packets, loopMs } = this.clip;
    const elapsed = this.now() - this.startedAt;
    try {
      while (this.running) {
        const packet = packets[this.index];
        if (packet === undefined) {
          this.index = 0;
          this.loop += 1;
          continue;
        }
        const offset = this.loop * loopMs;
        if (packet.dts + offset > elapsed) {
          this.timer = setTimeout(() => this.tick(), Math.max(1, packet.dts + offset - elapsed));
          return;
        }
        this.index += 1;
        this.sent += 1;
        this.target.publish({ ...packet, dts: packet.dts + offset, pts: packet.pts + offset });
      }
    } catch (error) {
      this.stop();
      this.options.onError?.(error);
    }
  }
}
