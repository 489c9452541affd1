/**
 * An in-process RTMP publisher that sends a clip's tags in real time (optionally looping, with
 * timestamps continuing) and records every frame it sent, in the shape a viewer reports them,
 * so a test can demand that a viewer got every single one.
 */
import { FlvTagType } from '@tidecast/media';
import type { ClipTag } from './media-clip.js';
import { isSequenceHeader, padAvcFrame } from './media-clip.js';
import type { TimedFrame } from './live-timeline.js';
import type { RtmpTestClient } from './rtmp-test-client.js';

export interface PacedOptions {
  /** Start over at the end, timestamps continuing (default false). */
  loop?: boolean;
  /** Pad every video frame to about this many bytes (H.264 filler NAL). */
  padVideoTo?: number;
  /** Pad every video keyframe to about this many bytes. */
  padKeyframesTo?: number;
  /** Called before each media tag is sent (to interleave odd messages). */
  beforeTag?: (index: number, client: RtmpTestClient) => void;
  /** Stop after this many media tags (default: the clip once, or forever when looping). */
  maxTags?: number;
}

/** The frame a viewer should see for a media tag sent at `dts` (FLV spec E.4.2, E.4.3). */
export function expectedFrame(tag: ClipTag, dts: number): TimedFrame | undefined {
  if (isSequenceHeader(tag)) return undefined;
  if (tag.tagType === FlvTagType.Video) {
    const b = tag.body;
    if (b[1] !== 1) return undefined; // AVC end of sequence (AVCPacketType 2): no frame
    const raw = (b[2] ?? 0) * 65536 + (b[3] ?? 0) * 256 + (b[4] ?? 0);
    const cts = raw >= 0x800000 ? raw - 0x1000000 : raw; // SI24
    return {
      kind: 'video',
      dts,
      pts: dts + cts,
      keyframe: (b[0] ?? 0) >> 4 === 1,
      size: b.length - 5,
    };
  }
  if (tag.tagType === FlvTagType.Audio) {
    return { kind: 'audio', dts, pts: dts, keyframe: true, size: tag.body.length - 2 };
  }
  return undefined;
}

export class PacedPublisher {
  /** Every frame sent so far, as a viewer that saw all of them would report it. */
  readonly sent: TimedFrame[] = [];
  readonly done: Promise<void>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private finish: () => void = () => undefined;
  private readonly tags: ClipTag[];

  constructor(
    readonly client: RtmpTestClient,
    tags: readonly ClipTag[],
    private readonly options: PacedOptions = {},
  ) {
    this.tags = tags.map((t) => {
      if (t.tagType !== FlvTagType.Video || isSequenceHeader(t)) return t;
      const key = (t.body[0] ?? 0) >> 4 === 1;
      const pad = key ? (options.padKeyframesTo ?? options.padVideoTo) : options.padVideoTo;
      return pad === undefined ? t : { ...t, body: padAvcFrame(t.body, pad) };
    });
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Starts sending; the first tag goes out now. */
  start(): void {
    const started = performance.now();
    const clipStart = this.tags[0]?.timestamp ?? 0;
    const clipEnd = this.tags.reduce((m, t) => Math.max(m, t.timestamp), 0);
    const step = this.frameStep();
    let index = 0;
    let offset = 0;
    let media = 0;
    const tick = (): void => {
      if (this.stopped) return;
      const elapsed = performance.now() - started;
      while (!this.stopped) {
        if (index >= this.tags.length) {
          if (this.options.loop !== true) return this.stop();
          index = 0;
          offset += clipEnd - clipStart + step;
        }
        const tag = this.tags[index];
        if (tag === undefined) return this.stop();
        const ts = tag.timestamp - clipStart + offset;
        if (ts > elapsed) break;
        index++;
        if (tag.tagType === FlvTagType.Script && offset > 0) continue;
        if (offset > 0 && isSequenceHeader(tag)) continue;
        if (tag.tagType !== FlvTagType.Script) {
          this.options.beforeTag?.(media, this.client);
          media++;
        }
        this.client.sendTag(tag, ts);
        const frame = expectedFrame(tag, ts);
        if (frame !== undefined) this.sent.push(frame);
        if (this.options.maxTags !== undefined && media >= this.options.maxTags) return this.stop();
      }
      this.timer = setTimeout(tick, 5);
    };
    tick();
  }

  /** Stops sending (the connection stays open). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.finish();
  }

  count(kind: 'video' | 'audio'): number {
    let n = 0;
    for (const f of this.sent) if (f.kind === kind) n++;
    return n;
  }

  /** The video frame interval of the clip (ms), for seamless loops. */
  private frameStep(): number {
    const video = this.tags.filter((t) => t.tagType === FlvTagType.Video && !isSequenceHeader(t));
    const a = video[0]?.timestamp;
    const b = video[1]?.timestamp;
    return a !== undefined && b !== undefined && b > a ? b - a : 40;
  }
}
