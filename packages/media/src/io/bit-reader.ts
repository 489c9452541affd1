import { MalformedError, TruncatedError } from '../errors.js';

/**
 * MSB-first bit reader for codec headers (H.264/H.265 SPS, AAC AudioSpecificConfig), with the
 * exp-Golomb codes of ITU-T H.264 section 9.1. Throws TruncatedError past the end.
 */
export class BitReader {
  private readonly bytes: Uint8Array;
  private bitPos = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get bitsLeft(): number {
    return this.bytes.length * 8 - this.bitPos;
  }

  get position(): number {
    return this.bitPos;
  }

  /** Reads up to 32 bits as an unsigned number (arithmetic, so 32-bit values stay positive). */
  bits(count: number): number {
    if (!Number.isInteger(count) || count < 0 || count > 32) {
      throw new MalformedError(`cannot read ${count} bits at once`);
    }
    if (count > this.bitsLeft) {
      throw new TruncatedError(`bitstream: need ${count} bits, ${this.bitsLeft} left`, {
        offset: this.bitPos >> 3,
      });
    }
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.bytes[this.bitPos >> 3] ?? 0;
      const bit = (byte >> (7 - (this.bitPos & 7))) & 1;
      value = value * 2 + bit;
      this.bitPos++;
    }
    return value;
  }

  bit(): number {
    return this.bits(1);
  }

  flag(): boolean {
    return this.bits(1) === 1;
  }

  skip(count: number): void {
    // A negative count would move the cursor backwards and re-read bits.
    if (!Number.isInteger(count) || count < 0) {
      throw new MalformedError(`cannot skip ${count} bits`);
    }
    if (count > this.bitsLeft) {
      throw new TruncatedError(`bitstream: cannot skip ${count} bits, ${this.bitsLeft} left`);
    }
    this.bitPos += count;
  }

  /** ue(v): unsigned exp-Golomb (H.264 9.1). Values beyond 2^32-2 are rejected as malformed. */
  ue(): number {
    let zeros = 0;
    while (this.bits(1) === 0) {
      zeros++;
      if (zeros > 31) throw new MalformedError('exp-Golomb code longer than 32 bits');
    }
    if (zeros === 0) return 0;
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v): signed exp-Golomb (H.264 9.1.1): 1, -1, 2, -2, ... */
  se(): number {
    const k = this.ue();
    if (k === 0) return 0; // not -(0 / 2), which is -0
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/**
 * Removes emulation-prevention bytes (0x000003 -> 0x0000, H.264 7.4.1) so a NAL unit's RBSP can
 * be read with BitReader.
 */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  let zeros = 0;
  let needs = false;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i] ?? 0;
    if (zeros >= 2 && b === 3) {
      needs = true;
      break;
    }
    zeros = b === 0 ? zeros + 1 : 0;
  }
  if (!needs) return nal;
  const out = new Uint8Array(nal.length);
  let n = 0;
  zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i] ?? 0;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}
