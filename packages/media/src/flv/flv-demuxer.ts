import type { Amf0Value } from '../amf/amf0-types.js';
import { readAmf0Values } from '../amf/amf0-reader.js';
import type { MediaError } from '../errors.js';
import {
  ChecksumError,
  MalformedError,
  TruncatedError,
  UnsupportedError,
  asMediaError,
} from '../errors.js';
import { ChunkQueue } from '../io/chunk-queue.js';
import type { ByteRange } from '../io/chunk-queue.js';
import type { Demuxer, DemuxEvent, MediaPacket } from '../types.js';
import { parseAudioTagBody } from './flv-audio.js';
import {
  FLV_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE,
  FLV_TAG_HEADER_SIZE,
  FlvTagType,
  looksLikeFlv,
  parseFlvHeader,
  parseFlvTagHeader,
  readU32,
} from './flv-tag.js';
import { FLV_TIMESCALE, FlvTracks, toFourByteLengths } from './flv-tracks.js';
import { parseVideoTagBody } from './flv-video.js';

type State = 'header' | 'skip' | 'previous' | 'tag' | 'body' | 'failed';

/**
 * Input is fed to the queue in pieces of at most this size, so one huge push (a whole file)
 * never trips the queue's bound: after each piece at most one incomplete tag (< 16 MiB) remains.
 */
const MAX_PIECE = 16 * 1024 * 1024;
/** Version 1 headers are 9 bytes (E.2); a DataOffset past this is damage, not padding. */
const MAX_DATA_OFFSET = 64 * 1024;

/**
 * Streaming FLV demuxer (FLV spec v10.1 Annex E, with Enhanced RTMP v1/v2 video and audio).
 * Bytes may be split anywhere; the events are the same for every split. Never throws: a
 * stream it cannot follow gives one `error` event and then nothing until `reset()`; damage it
 * can step over gives `warning` events. Packets are views into the pushed chunks (no copies,
 * except when a tag spans chunks or its NAL lengths must be widened to 4 bytes). Headers and
 * tag bodies are read in place (see `range`): the only view made per tag is the packet's data.
 */
export class FlvDemuxer implements Demuxer {
  private queue = new ChunkQueue();
  private state: State = 'header';
  private skipLeft = 0;
  /** PreviousTagSize the next back-pointer should hold (0 after the header, E.3). */
  private expectedPrevious = 0;
  /** Last PreviousTagSize mismatch (found - expected): a repeat of it is a writer's habit. */
  private lastMismatch: number | undefined;
  private tagType = 0;
  private tagSize = 0;
  private tagTimestamp = 0;
  private tagOffset = 0;
  private tagSkipped = false;
  /** Bytes of a skipped tag's body still to drop. */
  private skipBodyLeft = 0;
  private warned = new Set<string>();
  private tracks = new FlvTracks();
  /** Where the queue left the last bytes taken; reused so no read allocates. */
  private readonly range: ByteRange = { bytes: new Uint8Array(0), start: 0 };

  push(chunk: Uint8Array): DemuxEvent[] {
    const events: DemuxEvent[] = [];
    for (let start = 0; start < chunk.length && this.state !== 'failed'; start += MAX_PIECE) {
      const piece = chunk.length <= MAX_PIECE ? chunk : chunk.subarray(start, start + MAX_PIECE);
      try {
        this.queue.push(piece);
        this.parse(events);
      } catch (e) {
        // Nothing above should throw; if it does, the stream position is unknown.
        this.fail(events, asMediaError(e, this.queue.offset));
      }
    }
    return events;
  }

  flush(): DemuxEvent[] {
    const events: DemuxEvent[] = [];
    if (this.state === 'failed') return events;
    const pending = this.queue.length;
    if (this.state === 'body' || this.state === 'skip' || pending > 0) {
      let what: string;
      let at = this.queue.offset;
      if (this.state === 'body') {
        at = this.tagOffset;
        const received = this.tagSkipped ? this.tagSize - this.skipBodyLeft : pending;
        what = `tag body of ${this.tagSize} bytes has only ${received}`;
      } else if (this.state === 'skip') {
        what = `header padding is ${this.skipLeft} bytes short`;
      } else {
        what = `${pending} trailing bytes are not a complete ${this.state === 'header' ? 'FLV header' : this.state === 'tag' ? 'tag header' : 'PreviousTagSize'}`;
      }
      const error = new TruncatedError(`FLV stream cut short at offset ${at}: ${what}`, {
        offset: at,
      });
      this.fail(events, error);
    }
    return events;
  }

  /**
   * Input bytes held while waiting for the rest of a unit: at most one tag header plus one tag
   * body (< 16 MiB, E.4.1 DataSize is 24 bits), whatever a peer sends. Servers can watch it.
   */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** Forget everything and expect a new FLV stream, header first. */
  reset(): void {
    this.queue = new ChunkQueue();
    this.state = 'header';
    this.skipLeft = 0;
    this.expectedPrevious = 0;
    this.lastMismatch = undefined;
    this.warned = new Set<string>();
    this.tracks = new FlvTracks();
  }

  private parse(events: DemuxEvent[]): void {
    const q = this.queue;
    const r = this.range;
    for (;;) {
      switch (this.state) {
        case 'header': {
          const head = q.peek(Math.min(q.length, FLV_HEADER_SIZE));
          if (head === undefined) return;
          if (!looksLikeFlv(head)) {
            const error = new MalformedError('not an FLV stream: the signature is not "FLV"', {
              offset: q.offset,
            });
            return this.fail(events, error);
          }
          if (head.length < FLV_HEADER_SIZE) return;
          let dataOffset: number;
          try {
            dataOffset = parseFlvHeader(head, q.offset).dataOffset;
          } catch (e) {
            return this.fail(events, asMediaError(e, q.offset));
          }
          if (dataOffset > MAX_DATA_OFFSET) {
            const error = new MalformedError(`FLV header DataOffset ${dataOffset} is implausible`, {
              offset: q.offset + 5,
            });
            return this.fail(events, error);
          }
          q.skip(FLV_HEADER_SIZE);
          this.skipLeft = dataOffset - FLV_HEADER_SIZE;
          this.state = 'skip';
          break;
        }
        case 'skip': {
          this.skipLeft -= q.skip(this.skipLeft);
          if (this.skipLeft > 0) return;
          this.state = 'previous';
          break;
        }
        case 'previous': {
          const at = q.offset;
          if (!q.takeRange(FLV_PREVIOUS_TAG_SIZE, r)) return;
          this.checkPrevious(readU32(r.bytes, r.start), at, events);
          this.state = 'tag';
          break;
        }
        case 'tag': {
          const at = q.offset;
          if (!q.takeRange(FLV_TAG_HEADER_SIZE, r)) return;
          const header = parseFlvTagHeader(r.bytes, r.start);
          this.tagOffset = at;
          if (header.reservedBitsSet) {
            // E.4.1: the reserved bits are 0 in every valid tag; set bits mean we lost sync.
            const error = new MalformedError(
              `impossible FLV tag at offset ${at}: reserved bits set in 0x${(r.bytes[r.start] ?? 0).toString(16)}`,
              { offset: at },
            );
            return this.fail(events, error);
          }
          this.tagType = header.tagType;
          this.tagSize = header.dataSize;
          this.tagTimestamp = header.timestamp;
          this.tagSkipped = false;
          this.skipBodyLeft = header.dataSize;
          if (header.filter) {
            this.warnOnce(
              events,
              'filter',
              new UnsupportedError(
                `encrypted FLV tags (Filter bit) are not supported; skipping them (first at offset ${this.tagOffset})`,
                { offset: this.tagOffset },
              ),
            );
            this.tagSkipped = true;
          } else if (!isKnownTagType(header.tagType)) {
            this.warnOnce(
              events,
              `tagtype:${header.tagType}`,
              new UnsupportedError(
                `unknown FLV tag type ${header.tagType}; skipping such tags (first at offset ${this.tagOffset})`,
                { offset: this.tagOffset },
              ),
            );
            this.tagSkipped = true;
          }
          this.state = 'body';
          break;
        }
        case 'body': {
          if (this.tagSkipped) {
            // Skipped tags are dropped as they arrive instead of being buffered whole.
            this.skipBodyLeft -= q.skip(this.skipBodyLeft);
            if (this.skipBodyLeft > 0) return;
          } else {
            if (!q.takeRange(this.tagSize, r)) return;
            this.onTag(r.bytes, r.start, r.start + this.tagSize, events);
          }
          this.expectedPrevious = FLV_TAG_HEADER_SIZE + this.tagSize;
          this.state = 'previous';
          break;
        }
        case 'failed':
          return;
      }
    }
  }

  /** E.3: PreviousTagSize repeats the size of the tag before it (11 + DataSize). */
  private checkPrevious(found: number, offset: number, events: DemuxEvent[]): void {
    const expected = this.expectedPrevious;
    if (found === expected) return;
    const delta = found - expected;
    // Some writers get it wrong on every tag the same way; say so once, not per tag.
    if (delta === this.lastMismatch) return;
    this.lastMismatch = delta;
    events.push({
      type: 'warning',
      error: new ChecksumError(
        `PreviousTagSize at offset ${offset} is ${found}, expected ${expected}`,
        { offset },
      ),
    });
  }

  /** The tag body is `bytes[start, end)`. */
  private onTag(bytes: Uint8Array, start: number, end: number, events: DemuxEvent[]): void {
    try {
      if (this.tagType === FlvTagType.Video) this.onVideo(bytes, start, end, events);
      else if (this.tagType === FlvTagType.Audio) this.onAudio(bytes, start, end, events);
      else this.onScript(bytes.subarray(start, end), events);
    } catch (e) {
      events.push({ type: 'warning', error: this.tagError(e) });
    }
  }

  private onVideo(bytes: Uint8Array, start: number, end: number, events: DemuxEvent[]): void {
    const parsed = parseVideoTagBody(bytes, start, end);
    switch (parsed.type) {
      case 'config': {
        const track = this.tracks.videoConfig(parsed.codec, parsed.config);
        if (track !== undefined) events.push({ type: 'track', track });
        return;
      }
      case 'frame': {
        const video = this.tracks.video;
        if (video === undefined || video.codec !== parsed.codec) {
          this.warnMissingConfig(events, 'video');
          return;
        }
        if (parsed.data.length === 0) return;
        const data =
          video.lengthSize === 4 || video.codec === 'av1'
            ? parsed.data
            : toFourByteLengths(parsed.data, video.lengthSize);
        const dts = this.tagTimestamp;
        const packet: MediaPacket = {
          kind: 'video',
          dts,
          pts: dts + parsed.cts,
          timescale: FLV_TIMESCALE,
          keyframe: parsed.keyframe,
          data,
        };
        events.push({ type: 'packet', packet });
        return;
      }
      case 'unsupported':
        this.warnUnsupported(events, parsed.what);
        return;
      case 'end':
      case 'ignore':
        return;
    }
  }

  private onAudio(bytes: Uint8Array, start: number, end: number, events: DemuxEvent[]): void {
    const parsed = parseAudioTagBody(bytes, start, end);
    switch (parsed.type) {
      case 'config': {
        const track = this.tracks.audioConfig(parsed.codec, parsed.config);
        if (track !== undefined) events.push({ type: 'track', track });
        return;
      }
      case 'frame': {
        if (parsed.data.length === 0) return;
        if (parsed.codec === 'mp3') {
          const track = this.tracks.mp3Frame(parsed.data);
          if (track !== undefined) events.push({ type: 'track', track });
        } else if (this.tracks.audio !== parsed.codec) {
          this.warnMissingConfig(events, 'audio');
          return;
        }
        const dts = this.tagTimestamp;
        const packet: MediaPacket = {
          kind: 'audio',
          dts,
          pts: dts,
          timescale: FLV_TIMESCALE,
          keyframe: true,
          data: parsed.data,
        };
        events.push({ type: 'packet', packet });
        return;
      }
      case 'unsupported':
        this.warnUnsupported(events, parsed.what);
        return;
      case 'end':
      case 'ignore':
        return;
    }
  }

  /** E.4.4 SCRIPTDATA: a name string then its value (onMetaData: an ECMA array). */
  private onScript(body: Uint8Array, events: DemuxEvent[]): void {
    const values: Amf0Value[] = readAmf0Values(body, this.tagOffset + FLV_TAG_HEADER_SIZE);
    let index = 0;
    // RTMP ingest sometimes records the "@setDataFrame" wrapper verbatim.
    if (values[0] === '@setDataFrame' && typeof values[1] === 'string') index = 1;
    const name = values[index];
    if (typeof name !== 'string') {
      throw new MalformedError('script tag does not start with a name string');
    }
    events.push({ type: 'script', name, value: values[index + 1], dts: this.tagTimestamp });
  }

  private warnMissingConfig(events: DemuxEvent[], kind: 'video' | 'audio'): void {
    this.warnOnce(
      events,
      `noconfig:${kind}`,
      new MalformedError(
        `${kind} packets before their sequence header are dropped (first at offset ${this.tagOffset})`,
        { offset: this.tagOffset },
      ),
    );
  }

  private warnUnsupported(events: DemuxEvent[], what: string): void {
    this.warnOnce(
      events,
      what,
      new UnsupportedError(
        `${what} is not supported; skipping its tags (first at offset ${this.tagOffset})`,
        { offset: this.tagOffset },
      ),
    );
  }

  private warnOnce(events: DemuxEvent[], key: string, error: MediaError): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    events.push({ type: 'warning', error });
  }

  /** Re-anchors a body parser's error at the tag's stream offset, keeping its kind. */
  private tagError(e: unknown): MediaError {
    const inner = asMediaError(e);
    const kind =
      this.tagType === FlvTagType.Video
        ? 'video'
        : this.tagType === FlvTagType.Audio
          ? 'audio'
          : 'script';
    const message = `${kind} tag at offset ${this.tagOffset} skipped: ${inner.message}`;
    const options = { offset: this.tagOffset, cause: inner };
    return inner instanceof UnsupportedError
      ? new UnsupportedError(message, options)
      : new MalformedError(message, options);
  }

  private fail(events: DemuxEvent[], error: MediaError): void {
    this.state = 'failed';
    this.queue.clear();
    events.push({ type: 'error', error });
  }
}

function isKnownTagType(tagType: number): boolean {
  return (
    tagType === FlvTagType.Audio || tagType === FlvTagType.Video || tagType === FlvTagType.Script
  );
}
