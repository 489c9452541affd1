import { sniffFormat } from './format-sniff.js';
import type { SniffedFormat } from './format-sniff.js';
import type { TransmuxInputFormat } from './transmux-types.js';

/** Units bigger than this are not kept as configuration (no real sequence header is). */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Boundaries remembered; the client prunes them as the worker acknowledges input. */
const MAX_BOUNDARIES = 100_000;
/** MPEG-TS packets are fixed size (ISO/IEC 13818-1 2.4.3.2). */
const TS_PACKET_BYTES = 188;

/**
 * Follows the unit boundaries of the input stream without parsing it, so a fresh Transmuxer can
 * take over mid-stream after the worker died: it is given the stream's configuration (FLV
 * header + the latest sequence-header tags, FLV spec v10.1 E.2-E.4; or ftyp + moov, ISO/IEC
 * 14496-12 4.2; or the latest PAT and PMT packets, ISO/IEC 13818-1 2.4.4), then the input from the
 * first unit boundary it has not seen.
 */
export class StreamCheckpoint {
  private offset = 0;
  /** Offset where the current unit (tag or box) starts, and its total size when known. */
  private unitStart = 0;
  private unitSize: number | undefined;
  /** First bytes of the current unit, enough to classify it. */
  private head: number[] = [];
  private headNeed = 1;
  /** Bytes of a unit being kept (a sequence header, ftyp or moov). */
  private capture: number[] | undefined;
  private captureKey = '';
  private readonly config = new Map<string, Uint8Array>();
  private readonly boundaries: number[] = [];
  private broken = false;
  /** Decided by the first byte for 'auto'. */
  private format: SniffedFormat | undefined;
  /** PID of the PMT named by the latest PAT (TS only). */
  private pmtPid: number | undefined;

  constructor(format: TransmuxInputFormat) {
    if (format !== 'auto') this.setFormat(format);
  }

  /** The configuration units to replay, in stream order of kind. */
  configBytes(): Uint8Array[] {
    const keys =
      this.format === 'flv'
        ? ['header', 'video', 'audio']
        : this.format === 'ts'
          ? ['pat', 'pmt']
          : ['ftyp', 'moov'];
    return keys.flatMap((k) => {
      const bytes = this.config.get(k);
      return bytes === undefined ? [] : [bytes];
    });
  }

  /** First unit boundary at or after `offset`, or undefined when unknown. */
  boundaryFrom(offset: number): number | undefined {
    if (this.broken) return undefined;
    return this.boundaries.find((b) => b >= offset);
  }

  /** Forget boundaries before `offset` (acknowledged input). */
  prune(offset: number): void {
    let drop = 0;
    while (drop < this.boundaries.length - 1 && (this.boundaries[drop] ?? Infinity) < offset)
      drop++;
    if (drop > 0) this.boundaries.splice(0, drop);
  }

  observe(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length && !this.broken) {
      if (this.unitSize === undefined) {
        const byte = bytes[i] ?? 0;
        this.head.push(byte);
        this.capture?.push(byte);
        i++;
        this.offset++;
        if (this.head.length >= this.headNeed) this.classify();
        continue;
      }
      const left = this.unitStart + this.unitSize - this.offset;
      const take = Math.min(left, bytes.length - i);
      if (this.capture !== undefined)
        for (let k = 0; k < take; k++) this.capture.push(bytes[i + k] ?? 0);
      i += take;
      this.offset += take;
      if (this.offset === this.unitStart + this.unitSize) this.endUnit();
    }
  }

  private setFormat(format: SniffedFormat): void {
    this.format = format;
    this.headNeed = unitHeadBytes(format);
  }

  /** The head of the current unit is complete: work out its size and whether to keep it. */
  private classify(): void {
    const h = this.head;
    const at = (n: number): number => h[n] ?? 0;
    if (this.format === undefined) {
      this.setFormat(sniffFormat(at(0)));
      return;
    }
    if (this.format === 'ts') {
      if (at(0) !== 0x47) return this.fail();
      this.startUnit(TS_PACKET_BYTES, this.tsConfigKind(h));
      return;
    }
    if (this.format === 'flv') {
      if (this.unitStart === 0 && this.config.get('header') === undefined) {
        // E.2: signature, version, flags, DataOffset; then PreviousTagSize0.
        const dataOffset = at(5) * 0x1000000 + at(6) * 0x10000 + at(7) * 0x100 + at(8);
        if (at(0) !== 0x46 || dataOffset < 9 || dataOffset > 65536) return this.fail();
        this.startUnit(dataOffset + 4, 'header');
        return;
      }
      // E.4.1 tag header: TagType, DataSize (24 bits), ...; the unit includes PreviousTagSize.
      const size = 11 + at(1) * 0x10000 + at(2) * 0x100 + at(3) + 4;
      this.startUnit(size, flvConfigKind(at(0) % 32, at(11), at(12)));
      return;
    }
    const size32 = at(0) * 0x1000000 + at(1) * 0x10000 + at(2) * 0x100 + at(3);
    const type = String.fromCharCode(at(4), at(5), at(6), at(7));
    if (size32 === 1 && h.length < 16) {
      this.headNeed = 16; // 64-bit largesize follows the type
      return;
    }
    let size = size32;
    if (size32 === 1) {
      size = 0;
      for (let n = 8; n < 16; n++) size = size * 256 + at(n);
    }
    if (size < h.length) return this.fail();
    this.startUnit(size, type === 'ftyp' || type === 'moov' ? type : undefined);
  }

  private startUnit(size: number, keep: string | undefined): void {
    this.unitSize = size;
    if (keep !== undefined && size <= MAX_CONFIG_BYTES) {
      this.capture = [...this.head];
      this.captureKey = keep;
    } else {
      this.capture = undefined;
    }
    const end = this.unitStart + size;
    if (this.offset === end) this.endUnit();
    else if (this.offset > end) this.fail(); // shorter than its own head: not a unit we know
  }

  private endUnit(): void {
    if (this.capture !== undefined) {
      if (this.captureKey === 'ftyp') this.config.delete('moov');
      this.config.set(this.captureKey, Uint8Array.from(this.capture));
    }
    this.capture = undefined;
    this.unitStart = this.offset;
    this.unitSize = undefined;
    this.head = [];
    this.headNeed = this.format === undefined ? 1 : unitHeadBytes(this.format);
    this.boundaries.push(this.offset);
    if (this.boundaries.length > MAX_BOUNDARIES) this.boundaries.shift();
  }

  private fail(): void {
    this.broken = true;
  }

  /**
   * 'pat' for a PAT packet starting a section (PID 0, payload_unit_start_indicator; 2.4.3.2),
   * whose first program_map_PID (2.4.4.3) is remembered; 'pmt' for that PID's section start.
   */
  private tsConfigKind(p: number[]): 'pat' | 'pmt' | undefined {
    const at = (n: number): number => p[n] ?? 0;
    const pid = (at(1) % 32) * 256 + at(2);
    const unitStart = Math.floor(at(1) / 64) % 2 === 1;
    if (!unitStart) return undefined;
    if (pid === this.pmtPid) return 'pmt';
    if (pid !== 0) return undefined;
    const control = Math.floor(at(3) / 16) % 4;
    let payload = 4 + (control === 2 || control === 3 ? 1 + at(4) : 0);
    payload += 1 + at(payload); // pointer_field
    const sectionLength = (at(payload + 1) % 16) * 256 + at(payload + 2);
    const programsEnd = Math.min(payload + 3 + sectionLength - 4, TS_PACKET_BYTES);
    for (let i = payload + 8; i + 4 <= programsEnd; i += 4) {
      const program = at(i) * 256 + at(i + 1);
      if (program !== 0) {
        this.pmtPid = (at(i + 2) % 32) * 256 + at(i + 3);
        break;
      }
    }
    return 'pat';
  }
}

/** Bytes needed to classify a unit: FLV tag header + 2 body bytes, a box header, a TS packet. */
function unitHeadBytes(format: SniffedFormat): number {
  if (format === 'flv') return 13;
  return format === 'ts' ? TS_PACKET_BYTES : 8;
}

/**
 * Whether an FLV tag is a sequence header, from TagType and the first two body bytes: legacy
 * AVC/HEVC (CodecID 7/12, AVCPacketType 0, E.4.3.1), Enhanced RTMP (IsExHeader, PacketType
 * SequenceStart), AAC (SoundFormat 10, AACPacketType 0, E.4.2.1) and Enhanced audio (SoundFormat
 * 9, AudioPacketType SequenceStart).
 */
function flvConfigKind(tagType: number, b0: number, b1: number): 'video' | 'audio' | undefined {
  if (tagType === 9) {
    if (b0 >= 0x80) return b0 % 16 === 0 ? 'video' : undefined;
    const codec = b0 % 16;
    return (codec === 7 || codec === 12) && b1 === 0 ? 'video' : undefined;
  }
  if (tagType === 8) {
    const format = Math.floor(b0 / 16);
    if (format === 10) return b1 === 0 ? 'audio' : undefined;
    if (format === 9) return b0 % 16 === 0 ? 'audio' : undefined;
  }
  return undefined;
}
