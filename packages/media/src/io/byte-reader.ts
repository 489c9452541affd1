import { TruncatedError } from '../errors.js';

/**
 * Big-endian cursor over a byte array. Every read checks bounds and throws TruncatedError
 * (never a RangeError), so parsers built on it only emit MediaError.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Current position, relative to the start of `bytes`. */
  pos: number;
  /** Added to `pos` in error offsets, so messages name the position in the whole stream. */
  readonly baseOffset: number;

  constructor(bytes: Uint8Array, baseOffset = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.baseOffset = baseOffset;
  }

  get length(): number {
    return this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute offset of the cursor in the stream. */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  need(count: number, what = 'data'): void {
    // Non-integer counts (NaN from bad arithmetic) would otherwise poison `pos`.
    if (!Number.isInteger(count) || count < 0 || this.pos + count > this.bytes.length) {
      throw new TruncatedError(
        `${what}: need ${count} bytes at offset ${this.offset}, ${this.remaining} left`,
        { offset: this.offset },
      );
    }
  }

  skip(count: number, what?: string): void {
    this.need(count, what);
    this.pos += count;
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }

  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.view.getUint16(this.pos) * 256 + this.view.getUint8(this.pos + 2);
    this.pos += 3;
    return v;
  }

  /** Signed 24-bit (FLV AVC CompositionTime, ISO 14496-15 style SI24). */
  i24(): number {
    const v = this.u24();
    return v >= 0x800000 ? v - 0x1000000 : v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 64-bit as a number; exact up to 2^53. */
  u64(): number {
    const hi = this.u32();
    const lo = this.u32();
    return hi * 0x1_0000_0000 + lo;
  }

  /** Little-endian unsigned 32-bit (RTMP chunk message stream id; everything else is big-endian). */
  u32le(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next `count` bytes. */
  bytesView(count: number, what?: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }

  /** The next `count` bytes as a standalone copy. */
  bytesCopy(count: number, what?: string): Uint8Array {
    return this.bytesView(count, what).slice();
  }

  /** Four ASCII characters (box type, FourCC). */
  fourcc(): string {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return String.fromCharCode(b[p] ?? 0, b[p + 1] ?? 0, b[p + 2] ?? 0, b[p + 3] ?? 0);
  }

  /** UTF-8 text of `count` bytes. */
  utf8(count: number, what?: string): string {
    return utf8Decoder.decode(this.bytesView(count, what));
  }
}

const utf8Decoder = new TextDecoder('utf-8');
