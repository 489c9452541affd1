import type { MediaError } from '../errors.js';
import { MalformedError, TruncatedError, UnsupportedError, asMediaError } from '../errors.js';
import { ChunkQueue } from '../io/chunk-queue.js';
import type { ByteRange } from '../io/chunk-queue.js';
import type { Demuxer, DemuxEvent } from '../types.js';
import { NULL_PID, TS_PACKET_SIZE, TS_SYNC_BYTE } from './ts-constants.js';
import { TsProgram } from './ts-demuxer-program.js';
import type { EsSink } from './ts-es-stream.js';

type State = 'hunt' | 'locked' | 'failed';

/** Input is queued in pieces of at most this size (see FlvDemuxer): the queue stays bounded. */
const MAX_PIECE = 16 * 1024 * 1024;
/** Sync is (re)acquired where this many packets in a row start with 0x47 (fewer at the end). */
const SYNC_PACKETS = 3;

/**
 * Streaming MPEG-2 transport stream demuxer (ISO/IEC 13818-1 2.4.3): 188-byte packets ->
 * PAT/PMT -> PES -> H.264/H.265 access units and AAC/MP3/Opus frames, 90 kHz timestamps
 * unwrapped past the 33-bit wrap. Bytes may be split anywhere; the events are the same for
 * every split. Never throws: damage gives `warning` events and the demuxer carries on (lost
 * sync, continuity errors, bad CRCs, broken PES); only an internal failure or a truncated
 * final packet gives an `error`, after which it is silent until `reset()`.
 */
export class TsDemuxer implements Demuxer {
  private queue = new ChunkQueue();
  private state: State = 'hunt';
  /** A hunt for sync has already been reported (one warning per loss of sync). */
  private huntReported = false;
  private program = new TsProgram();
  /** continuity_counter of the last packet with payload, per PID the program reads. */
  private counters = new Map<number, number>();
  private readonly warned = new Set<string>();
  private readonly range: ByteRange = { bytes: new Uint8Array(0), start: 0 };
  private readonly out = new Sink(this.warned);

  push(chunk: Uint8Array): DemuxEvent[] {
    const events: DemuxEvent[] = [];
    for (let start = 0; start < chunk.length && this.state !== 'failed'; start += MAX_PIECE) {
      const piece = chunk.length <= MAX_PIECE ? chunk : chunk.subarray(start, start + MAX_PIECE);
      try {
        this.queue.push(piece);
        this.parse(events, false);
      } catch (e) {
        // Nothing above should throw; if it does, the stream position is unknown.
        this.fail(events, asMediaError(e, this.queue.offset));
      }
    }
    return events;
  }

  /** End of input: pending PES packets and frames come out; a partial packet is an error. */
  flush(): DemuxEvent[] {
    const events: DemuxEvent[] = [];
    if (this.state === 'failed') return events;
    try {
      this.parse(events, true);
      const left = this.queue.length;
      // A cut packet that continues a unit: that unit lost its tail and must not come out.
      const b1 = this.queue.byteAt(1);
      const b2 = this.queue.byteAt(2);
      if (left > 0 && b1 !== undefined && b2 !== undefined && Math.floor(b1 / 64) % 2 === 0) {
        this.program.discard((b1 % 32) * 256 + b2);
      }
      this.program.flush(this.sink(events));
      if (left > 0) {
        const at = this.queue.offset;
        const error = new TruncatedError(
          `transport stream cut short at offset ${at}: ${left} trailing bytes are not a whole packet`,
          { offset: at },
        );
        this.fail(events, error);
      }
    } catch (e) {
      this.fail(events, asMediaError(e, this.queue.offset));
    }
    return events;
  }

  /** Forget everything and expect a new transport stream. */
  reset(): void {
    this.queue = new ChunkQueue();
    this.state = 'hunt';
    this.huntReported = false;
    this.program = new TsProgram();
    this.counters = new Map<number, number>();
    this.warned.clear();
  }

  /**
   * Input bytes held: under four packets (a packet is only read once the next sync byte is
   * seen, and up to three more when sync breaks), plus the PES packets being assembled (each
   * capped) and partial audio frames.
   */
  get bufferedBytes(): number {
    return this.queue.length + this.program.bufferedBytes;
  }

  private parse(events: DemuxEvent[], final: boolean): void {
    const q = this.queue;
    const r = this.range;
    for (;;) {
      if (this.state === 'failed') return;
      if (this.state === 'hunt') {
        if (!this.hunt(events, final)) return;
        continue;
      }
      if (q.length < TS_PACKET_SIZE) return;
      const at = q.offset;
      if (q.byteAt(0) !== TS_SYNC_BYTE) {
        this.state = 'hunt';
        this.report(events, `lost sync: no sync byte 0x47 at offset ${at}; resynchronizing`, at);
        continue;
      }
      // A packet is read once the next one's sync byte is seen: if it is missing, this packet
      // may be cut short and must not reach the PES assembler as if it were whole.
      const next = q.byteAt(TS_PACKET_SIZE);
      if (next === undefined && !final) return;
      if (next !== undefined && next !== TS_SYNC_BYTE) {
        const resume = this.findSync(1, TS_PACKET_SIZE, final);
        if (resume === undefined) return;
        if (resume > 0) {
          this.onCutPacket(resume, events);
          continue;
        }
        // No packet starts inside this one: it is whole, and junk follows it.
        q.takeRange(TS_PACKET_SIZE, r);
        this.onPacket(r.bytes, r.start, at, events);
        if (this.state === 'locked') {
          this.state = 'hunt';
          const lost = at + TS_PACKET_SIZE;
          this.report(
            events,
            `lost sync: no sync byte 0x47 at offset ${lost}; resynchronizing`,
            lost,
          );
        }
        continue;
      }
      q.takeRange(TS_PACKET_SIZE, r);
      this.onPacket(r.bytes, r.start, at, events);
    }
  }

  /**
   * Drops bytes until a packet start is confirmed (see `syncAt`). Returns false when more input
   * is needed to decide.
   */
  private hunt(events: DemuxEvent[], final: boolean): boolean {
    const q = this.queue;
    while (q.length > 0) {
      const sync = this.syncAt(0, final);
      if (sync === undefined) return false;
      if (sync) {
        this.state = 'locked';
        this.huntReported = false;
        return true;
      }
      if (!this.huntReported) {
        const at = q.offset;
        this.report(events, `no transport packet sync at offset ${at}; skipping to the next`, at);
      }
      q.skip(1);
    }
    return false;
  }

  /**
   * True when SYNC_PACKETS sync bytes in a row, 188 apart, start at queue index `i` (2.4.3.3:
   * 0x47 also occurs inside packets, so one is not enough); undefined when more input is needed
   * to tell. At the end of input (`final`) the packets that exist must agree.
   */
  private syncAt(i: number, final: boolean): boolean | undefined {
    const q = this.queue;
    for (let k = 0; k < SYNC_PACKETS; k++) {
      const b = q.byteAt(i + k * TS_PACKET_SIZE);
      if (b === undefined) return final ? k > 0 : undefined;
      if (b !== TS_SYNC_BYTE) return false;
    }
    return true;
  }

  /** First queue index in [from, to) where packets start, -1 for none, undefined: wait. */
  private findSync(from: number, to: number, final: boolean): number | undefined {
    for (let i = from; i < to; i++) {
      const sync = this.syncAt(i, final);
      if (sync === undefined) return undefined;
      if (sync) return i;
    }
    return -1;
  }

  /**
   * The packet at the head of the queue is followed by another after only `length` bytes: it
   * lost its tail. Its PID's unit in progress is dropped; its counter still counts, so the next
   * packet of that PID is not reported a second time.
   */
  private onCutPacket(length: number, events: DemuxEvent[]): void {
    const q = this.queue;
    const at = q.offset;
    const b1 = q.byteAt(1) ?? 0;
    const b3 = q.byteAt(3) ?? 0;
    const pid = (b1 % 32) * 256 + (q.byteAt(2) ?? 0);
    const error = new MalformedError(
      `lost sync: the packet at offset ${at} is cut short, the next starts ${length} bytes in`,
      { offset: at },
    );
    events.push({ type: 'warning', error });
    if (pid !== NULL_PID && this.program.wants(pid)) {
      if (Math.floor(b3 / 16) % 2 === 1) this.counters.set(pid, b3 % 16);
      else this.counters.delete(pid);
      this.program.discard(pid);
    }
    q.skip(length);
  }

  private report(events: DemuxEvent[], message: string, offset: number): void {
    this.huntReported = true;
    events.push({ type: 'warning', error: new MalformedError(message, { offset }) });
  }

  /** One transport packet, `bytes[start, start + 188)` (2.4.3.2, 2.4.3.4). */
  private onPacket(bytes: Uint8Array, start: number, offset: number, events: DemuxEvent[]): void {
    const b1 = bytes[start + 1] ?? 0;
    const b3 = bytes[start + 3] ?? 0;
    const pid = (b1 % 32) * 256 + (bytes[start + 2] ?? 0);
    if (pid === NULL_PID || !this.program.wants(pid)) return;
    const sink = this.sink(events);
    if (b1 >= 0x80) {
      // transport_error_indicator: a lower layer saw uncorrectable errors in this packet.
      const error = new MalformedError(
        `packet on PID ${pid} at offset ${offset} has transport_error_indicator set; dropped`,
        { offset },
      );
      sink.warn(error);
      this.damaged(pid);
      return;
    }
    const unitStart = Math.floor(b1 / 64) % 2 === 1;
    const scrambling = Math.floor(b3 / 64);
    const control = Math.floor(b3 / 16) % 4;
    const counter = b3 % 16;
    if (control === 0) return; // reserved: the packet is to be discarded (2.4.3.3)
    let p = start + 4;
    let discontinuity = false;
    if (control >= 2) {
      const length = bytes[p] ?? 0;
      if (length > TS_PACKET_SIZE - 5) {
        const error = new MalformedError(
          `adaptation_field_length ${length} at offset ${offset} overruns the packet`,
          { offset },
        );
        sink.warn(error);
        this.damaged(pid);
        return;
      }
      if (length > 0) discontinuity = (bytes[p + 1] ?? 0) >= 0x80;
      p += 1 + length;
    }
    if (control % 2 === 0) return; // adaptation field only: the counter does not advance
    const last = this.counters.get(pid);
    this.counters.set(pid, counter);
    if (last !== undefined && !discontinuity) {
      // 2.4.3.3: one duplicate packet may follow the original; it carries nothing new.
      if (counter === last) return;
      if (counter !== (last + 1) % 16) {
        const error = new MalformedError(
          `continuity_counter on PID ${pid} jumps from ${last} to ${counter} at offset ${offset}: packets lost, the unit in progress is dropped`,
          { offset },
        );
        sink.warn(error);
        this.program.discard(pid);
      }
    }
    if (scrambling !== 0) {
      const error = new UnsupportedError(
        `scrambled packets (PID ${pid}, first at offset ${offset}) are not supported; dropped`,
        { offset },
      );
      sink.warn(error, `scrambled:${pid}`);
      return;
    }
    this.program.payload(pid, bytes.subarray(p, start + TS_PACKET_SIZE), unitStart, offset, sink);
  }

  /** A packet of `pid` was lost or broken: the unit it belonged to cannot be trusted. */
  private damaged(pid: number): void {
    this.counters.delete(pid);
    this.program.discard(pid);
  }

  /** The sink the ES parsers write to, pointed at this call's event list. */
  private sink(events: DemuxEvent[]): EsSink {
    this.out.events = events;
    return this.out;
  }

  private fail(events: DemuxEvent[], error: MediaError): void {
    this.state = 'failed';
    this.queue.clear();
    events.push({ type: 'error', error });
  }
}

/** Collects events; keyed warnings are reported once per demuxer. */
class Sink implements EsSink {
  events: DemuxEvent[] = [];
  private readonly warned: Set<string>;

  constructor(warned: Set<string>) {
    this.warned = warned;
  }

  warn(error: MediaError, onceKey?: string): void {
    if (onceKey !== undefined) {
      if (this.warned.has(onceKey)) return;
      this.warned.add(onceKey);
    }
    this.events.push({ type: 'warning', error });
  }
}
