/**
 * Byte builders for tests: hex in and out, big-endian integers, and ISO BMFF boxes
 * (ISO/IEC 14496-12 4.2) put together by hand, independently of the writers under test.
 */

/** A piece of a byte string: bytes, or numbers taken modulo 256. */
export type Part = Uint8Array | readonly number[];

/** The parts one after another. */
export function cat(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `'00ff1a'` to bytes; characters past the last full pair are ignored. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** Bytes to lower-case hex without separators, for readable comparisons. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** UTF-8 bytes of `text` (plain ASCII for box types and brands). */
export function ascii(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}

export function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

export function u16(v: number): number[] {
  return [Math.floor(v / 256) % 256, v % 256];
}

export function u32(v: number): number[] {
  return [...u16(Math.floor(v / 65536) % 65536), ...u16(v % 65536)];
}

export function u64(v: number): number[] {
  return [...u32(Math.floor(v / 2 ** 32)), ...u32(v % 2 ** 32)];
}

/** MSB-first bit packing for hand-made headers: [value, bit count] pairs, zero padded. */
export function packBits(fields: readonly (readonly [number, number])[]): Uint8Array {
  const bits: number[] = [];
  for (const [v, n] of fields) {
    for (let i = n - 1; i >= 0; i--) bits.push(Math.floor(v / 2 ** i) % 2);
  }
  while (bits.length % 8 !== 0) bits.push(0);
  return Uint8Array.from({ length: bits.length / 8 }, (_, k) =>
    bits.slice(k * 8, k * 8 + 8).reduce((a, b) => a * 2 + b, 0),
  );
}

/** A box with a 32-bit size: size, four-character type, then the parts as its body. */
export function box(type: string, ...parts: Part[]): Uint8Array {
  const body = cat(...parts);
  return cat(u32(8 + body.length), ascii(type), body);
}

/** A FullBox: a box whose body starts with version (8 bits) and flags (24 bits). */
export function fullBox(
  type: string,
  version: number,
  flags: number,
  ...parts: Part[]
): Uint8Array {
  const flagBytes = [Math.floor(flags / 65536) % 256, Math.floor(flags / 256) % 256, flags % 256];
  return box(type, [version, ...flagBytes], ...parts);
}

/**
 * The body of the first `type` box found inside the top-level moov box, by scanning every
 * offset for the four-character code: crude, but independent of the box reader under test.
 */
export function moovChild(data: Uint8Array, type: string): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const name = (at: number): string => String.fromCharCode(...data.subarray(at, at + 4));
  for (let p = 0; p + 8 <= data.length;) {
    const size = view.getUint32(p);
    if (name(p + 4) === 'moov') {
      for (let q = p + 8; q + 8 <= p + size; q++) {
        if (name(q + 4) === type) return data.subarray(q + 8, q + view.getUint32(q));
      }
    }
    if (size < 8) break;
    p += size;
  }
  throw new Error(`no ${type} box in moov`);
}
