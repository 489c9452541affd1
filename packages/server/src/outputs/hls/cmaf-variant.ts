/**
 * The fMP4 (CMAF) HLS variant with low-latency parts: the Mp4Fragmenter cuts a fragment
 * (moof+mdat) at every keyframe and whenever the open one reaches the part length; each
 * fragment is one EXT-X-PART, and a segment is its parts back to back (a CMAF segment may hold
 * several fragments, ISO/IEC 23000-19 7.3.2). A new segment starts at a keyframe part once the
 * open segment is long enough, at every new init segment and after a publisher restart.
 */
import { Mp4Fragmenter } from '@tidecast/media';
import type { Fmp4Chunk, MediaPacket, TrackInfo } from '@tidecast/media';
import type { SegmentWindow } from './hls-segment-window.js';
import { partCutMs, shouldCutSegment } from './hls-timing.js';
import type { HlsTiming } from './hls-timing.js';
import type { WallClock } from './wall-clock.js';

export class CmafVariant {
  readonly window: SegmentWindow;
  private readonly timing: HlsTiming;
  private readonly clock: WallClock;
  private fragmenter: Mp4Fragmenter;
  private mapId = 0;
  /** A new init segment was made: the next part opens a segment that refers to it. */
  private mapChanged = false;
  private discontinuityPending = false;

  constructor(window: SegmentWindow, timing: HlsTiming, clock: WallClock) {
    this.window = window;
    this.timing = timing;
    this.clock = clock;
    this.fragmenter = this.newFragmenter();
  }

  track(track: TrackInfo): void {
    this.handle(this.fragmenter.push({ type: 'track', track }));
  }

  packet(packet: MediaPacket): void {
    this.handle(this.fragmenter.push({ type: 'packet', packet }));
  }

  /** Publisher restart: everything pending goes out, the next segment is a discontinuity. */
  discontinuity(): void {
    this.flushPending();
    this.discontinuityPending = true;
  }

  /** Publisher gone for now: what is pending becomes parts, the open segment stays open. */
  flushPending(): void {
    this.handle(this.fragmenter.flush());
  }

  /** End of stream: the last segment is completed. */
  finish(): void {
    this.flushPending();
    this.completeOpen();
    this.window.end();
  }

  private newFragmenter(): Mp4Fragmenter {
    const cut = partCutMs(this.timing);
    return new Mp4Fragmenter({ maxFragmentMs: cut, audioOnlyFragmentMs: cut });
  }

  private handle(chunks: Fmp4Chunk[]): void {
    for (const chunk of chunks) {
      if (chunk.kind === 'init') {
        this.window.addInit(++this.mapId, chunk.bytes);
        this.mapChanged = true;
        continue;
      }
      const open = this.window.open;
      const mustCut = this.mapChanged || this.discontinuityPending;
      if (
        open === undefined ||
        (chunk.startsWithKeyframe && (mustCut || shouldCutSegment(open.durationMs, this.timing)))
      ) {
        if (open === undefined && !chunk.startsWithKeyframe) continue; // cannot start a segment
        this.completeOpen();
        this.window.openSegment({
          startMs: chunk.startMs,
          programDateTime: this.clock.wallTime(chunk.startMs),
          discontinuity: this.discontinuityPending,
          mapId: this.mapId,
        });
        this.mapChanged = false;
        this.discontinuityPending = false;
      }
      this.window.addPart({
        durationMs: chunk.durationMs,
        independent: chunk.startsWithKeyframe,
        bytes: chunk.bytes,
      });
    }
  }

  private completeOpen(): void {
    const open = this.window.open;
    if (open === undefined) return;
    this.window.completeOpen(concat(open.parts.map((p) => p.bytes)), open.durationMs);
  }
}

export function concat(pieces: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
