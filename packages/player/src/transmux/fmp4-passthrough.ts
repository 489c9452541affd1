import {
  ChunkQueue,
  LimitExceededError,
  MalformedError,
  asMediaError,
  fieldsOf,
  findBoxes,
  readBoxes,
  readFragmentedMp4,
} from '@tidecast/media';
import type { Fmp4TrackInfo, MediaError } from '@tidecast/media';
import { fmp4CodecString } from './fmp4-codecs.js';
import { summarizeMp4Tracks } from './media-summary.js';
import type { TransmuxOutput } from './transmux-types.js';
import { WarningLimiter } from './warning-limiter.js';

/** A live fragment is one frame or one GOP; anything bigger than this is damage. */
const MAX_BOX_BYTES = 64 * 1024 * 1024;
/** sample_is_non_sync_sample (ISO/IEC 14496-12 8.8.3.1). */
const NON_SYNC_FLAG = 0x10000;

interface TrackTiming {
  timescale: number;
  kind: Fmp4TrackInfo['kind'];
  defaultDuration: number;
  defaultFlags: number;
}

/**
 * Server fMP4 (init segment, then moof+mdat pairs) passed through unchanged: the byte stream is
 * cut into top-level boxes (ISO/IEC 14496-12 4.2) wherever the network split it, the moov is
 * read for the codecs, and each moof's tfdt/trun give the segment's times.
 */
export class Fmp4Passthrough {
  private readonly queue = new ChunkQueue(MAX_BOX_BYTES + 16);
  private readonly warnings = new WarningLimiter();
  /** Boxes of an init segment being collected (ftyp, moov). */
  private initBoxes: Uint8Array[] = [];
  private initBytes: Uint8Array | undefined;
  private tracks = new Map<number, TrackTiming>();
  private moof: Uint8Array | undefined;
  private failed = false;

  push(bytes: Uint8Array): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (this.failed) return out;
    try {
      this.queue.push(bytes);
      for (;;) {
        const box = this.nextBox();
        if (box === undefined) break;
        this.onBox(box.type, box.bytes, out);
        if (this.failed) break;
      }
    } catch (e) {
      this.fail(out, asMediaError(e, this.queue.offset));
    }
    return out;
  }

  flush(): TransmuxOutput[] {
    const out: TransmuxOutput[] = [];
    if (this.failed) return out;
    if (this.queue.length > 0) {
      this.fail(
        out,
        new MalformedError(`fMP4 stream cut inside a box (${this.queue.length} bytes)`),
      );
    } else if (this.moof !== undefined) {
      this.warnings.warn(
        out,
        'FMP4_MOOF_WITHOUT_MDAT',
        'the stream ended between a moof and its mdat',
      );
    }
    return out;
  }

  /** The next complete top-level box, or undefined until its last byte has arrived. */
  private nextBox(): { type: string; bytes: Uint8Array } | undefined {
    const q = this.queue;
    const head = q.peek(Math.min(q.length, 16));
    if (head === undefined || head.length < 8) return undefined;
    const size32 = u32(head, 0);
    const type = String.fromCharCode(head[4] ?? 0, head[5] ?? 0, head[6] ?? 0, head[7] ?? 0);
    let size = size32;
    if (size32 === 1) {
      if (head.length < 16) return undefined;
      size = u32(head, 8) * 0x1_0000_0000 + u32(head, 12);
    } else if (size32 === 0) {
      throw new MalformedError(`${type} box runs to the end of the stream, impossible live`, {
        offset: q.offset,
      });
    }
    if (size < (size32 === 1 ? 16 : 8)) {
      throw new MalformedError(`box ${JSON.stringify(type)} of impossible size ${size}`, {
        offset: q.offset,
      });
    }
    if (size > MAX_BOX_BYTES) {
      throw new LimitExceededError(`${JSON.stringify(type)} box of ${size} bytes is too large`, {
        offset: q.offset,
      });
    }
    if (q.length < size) return undefined;
    const bytes = q.take(size);
    return bytes === undefined ? undefined : { type, bytes };
  }

  private onBox(type: string, bytes: Uint8Array, out: TransmuxOutput[]): void {
    switch (type) {
      case 'ftyp':
        this.initBoxes = [bytes];
        return;
      case 'moov':
        this.onMoov(bytes, out);
        return;
      case 'moof':
        if (this.moof !== undefined) {
          this.warnings.warn(out, 'FMP4_MOOF_WITHOUT_MDAT', 'a moof without its mdat was dropped');
        }
        this.moof = bytes;
        return;
      case 'mdat':
        this.onMdat(bytes, out);
        return;
      default:
        // styp, sidx, prft, emsg, free, skip: nothing MSE needs for live playback.
        return;
    }
  }

  private onMoov(moov: Uint8Array, out: TransmuxOutput[]): void {
    const init = concat([...this.initBoxes, moov]);
    this.initBoxes = [];
    const result = readFragmentedMp4(init, { allowMissingData: true });
    const summary = summarizeMp4Tracks(result.tracks, fmp4CodecString);
    if (summary.video === undefined && summary.audio === undefined) {
      this.failed = true;
      const codecs = result.tracks.map((t) => t.codec || t.handler).join(', ');
      out.push({
        type: 'error',
        code: 'UNSUPPORTED_CODEC',
        message: `no playable track in the init segment (${codecs})`,
      });
      return;
    }
    this.tracks = new Map();
    for (const t of result.tracks) {
      this.tracks.set(t.trackId, {
        timescale: t.timescale,
        kind: t.kind,
        defaultDuration: t.trex?.defaultSampleDuration ?? 0,
        defaultFlags: t.trex?.defaultSampleFlags ?? 0,
      });
    }
    this.moof = undefined;
    // A repeated identical init segment (a rejoin) changes nothing for the SourceBuffer.
    if (this.initBytes !== undefined && sameBytes(this.initBytes, init)) return;
    this.initBytes = init;
    out.push({ type: 'init', bytes: init, media: summary });
  }

  private onMdat(mdat: Uint8Array, out: TransmuxOutput[]): void {
    const moof = this.moof;
    this.moof = undefined;
    if (this.initBytes === undefined) {
      this.warnings.warn(out, 'FMP4_BEFORE_INIT', 'media before the init segment dropped');
      return;
    }
    if (moof === undefined) {
      this.warnings.warn(out, 'FMP4_MDAT_WITHOUT_MOOF', 'an mdat without a moof was dropped');
      return;
    }
    const timing = this.describe(moof);
    if (timing === undefined) {
      this.warnings.warn(out, 'FMP4_EMPTY_MOOF', 'a moof with no known track was dropped');
      return;
    }
    out.push({ type: 'segment', bytes: concat([moof, mdat]), ...timing });
  }

  /** Times and frame counts of a moof (14496-12 8.8.7 tfhd, 8.8.12 tfdt, 8.8.8 trun). */
  private describe(
    moof: Uint8Array,
  ): Omit<Extract<TransmuxOutput, { type: 'segment' }>, 'type' | 'bytes'> | undefined {
    let start = Infinity;
    let end = -Infinity;
    let videoFrames = 0;
    let keyframes = 0;
    let audioFrames = 0;
    for (const traf of findBoxes(readBoxes(moof), 'moof/traf')) {
      const children = traf.children ?? [];
      let tfhd;
      let base: number | undefined;
      const runs = [];
      for (const child of children) {
        tfhd ??= fieldsOf(child, 'tfhd');
        base ??= fieldsOf(child, 'tfdt')?.baseMediaDecodeTime;
        const trun = fieldsOf(child, 'trun');
        if (trun !== undefined) runs.push(trun);
      }
      const track = tfhd === undefined ? undefined : this.tracks.get(tfhd.trackId);
      if (tfhd === undefined || track === undefined || base === undefined) continue;
      const defaultDuration = tfhd.defaultSampleDuration ?? track.defaultDuration;
      const defaultFlags = tfhd.defaultSampleFlags ?? track.defaultFlags;
      let ticks = 0;
      for (const run of runs) {
        for (let i = 0; i < run.sampleCount; i++) {
          ticks += run.sampleDurations?.[i] ?? defaultDuration;
          if (track.kind !== 'video') continue;
          const flags =
            run.sampleFlags?.[i] ??
            (i === 0 && run.firstSampleFlags !== undefined ? run.firstSampleFlags : defaultFlags);
          if (Math.floor(flags / NON_SYNC_FLAG) % 2 === 0) keyframes++;
        }
        if (track.kind === 'video') videoFrames += run.sampleCount;
        else if (track.kind === 'audio') audioFrames += run.sampleCount;
      }
      start = Math.min(start, base / track.timescale);
      end = Math.max(end, (base + ticks) / track.timescale);
    }
    if (start === Infinity) return undefined;
    return { startSec: start, endSec: end, videoFrames, keyframes, audioFrames };
  }

  private fail(out: TransmuxOutput[], error: MediaError): void {
    this.failed = true;
    this.queue.clear();
    out.push({ type: 'error', code: 'DEMUX', message: error.message });
  }
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] ?? 0) * 0x1000000 +
    (bytes[at + 1] ?? 0) * 0x10000 +
    (bytes[at + 2] ?? 0) * 0x100 +
    (bytes[at + 3] ?? 0)
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
