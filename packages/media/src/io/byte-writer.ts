import { InvalidArgumentError } from '../errors.js';

/**
 * Growable big-endian byte buffer. Values are range-checked so a bad field never wraps
 * silently into a valid-looking file.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialCapacity = 256) {
    // NaN or Infinity would leave a zero-size buffer that ensure() can never grow.
    const cap = Number.isSafeInteger(initialCapacity) ? Math.max(16, initialCapacity) : 256;
    this.buf = new Uint8Array(cap);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private check(value: number, min: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${what} out of range: ${value} not in [${min}, ${max}]`);
    }
  }

  u8(v: number): this {
    this.check(v, 0, 0xff, 'u8');
    this.ensure(1);
    this.view.setUint8(this.pos++, v);
    return this;
  }

  u16(v: number): this {
    this.check(v, 0, 0xffff, 'u16');
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  i16(v: number): this {
    this.check(v, -0x8000, 0x7fff, 'i16');
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.check(v, 0, 0xffffff, 'u24');
    this.ensure(3);
    this.view.setUint16(this.pos, Math.floor(v / 256));
    this.view.setUint8(this.pos + 2, v % 256);
    this.pos += 3;
    return this;
  }

  i24(v: number): this {
    this.check(v, -0x800000, 0x7fffff, 'i24');
    return this.u24(v < 0 ? v + 0x1000000 : v);
  }

  u32(v: number): this {
    this.check(v, 0, 0xffffffff, 'u32');
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.check(v, -0x80000000, 0x7fffffff, 'i32');
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  u64(v: number): this {
    this.check(v, 0, Number.MAX_SAFE_INTEGER, 'u64');
    this.u32(Math.floor(v / 0x1_0000_0000));
    return this.u32(v % 0x1_0000_0000);
  }

  u32le(v: number): this {
    this.check(v, 0, 0xffffffff, 'u32le');
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  zeros(count: number): this {
    this.check(count, 0, Number.MAX_SAFE_INTEGER, 'zeros');
    this.ensure(count);
    this.buf.fill(0, this.pos, this.pos + count);
    this.pos += count;
    return this;
  }

  fourcc(code: string): this {
    if (code.length !== 4 || [...code].some((c) => c.charCodeAt(0) > 0x7f)) {
      throw new InvalidArgumentError(`fourcc must be 4 ASCII chars: "${code}"`);
    }
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.view.setUint8(this.pos + i, code.charCodeAt(i));
    this.pos += 4;
    return this;
  }

  /** UTF-8 bytes of `text`, without any length prefix. */
  utf8(text: string): this {
    return this.bytes(utf8Encoder.encode(text));
  }

  /** Overwrite a u32 written earlier (box sizes, back-patched lengths). */
  patchU32(at: number, v: number): void {
    this.check(v, 0, 0xffffffff, 'u32');
    if (at < 0 || at + 4 > this.pos) {
      throw new InvalidArgumentError(`patch offset ${at} out of range`);
    }
    this.view.setUint32(at, v);
  }

  /** Overwrite a u24 written earlier (FLV DataSize). */
  patchU24(at: number, v: number): void {
    this.check(v, 0, 0xffffff, 'u24');
    if (at < 0 || at + 3 > this.pos) {
      throw new InvalidArgumentError(`patch offset ${at} out of range`);
    }
    this.view.setUint16(at, Math.floor(v / 256));
    this.view.setUint8(at + 2, v % 256);
  }

  /** A view of the bytes written so far (shares memory; valid until the next write). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const utf8Encoder = new TextEncoder();
