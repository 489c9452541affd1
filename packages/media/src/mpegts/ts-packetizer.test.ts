import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pesPacketCount, TsPacketizer, type PesUnit } from './ts-packetizer.js';

/** An independent reading of 188-byte packets (ISO/IEC 13818-1 2.4.3.2-2.4.3.5). */
interface Packet {
  pid: number;
  unitStart: boolean;
  afc: number;
  cc: number;
  /** adaptation_field_length, -1 without an adaptation field. */
  afLength: number;
  flags: number;
  pcr: number | undefined;
  /** 0xFF bytes after the flags and PCR. */
  stuffing: number;
  payload: Uint8Array;
}

function parse(ts: Uint8Array): Packet[] {
  expect(ts.length % 188).toBe(0);
  const out: Packet[] = [];
  for (let p = 0; p < ts.length; p += 188) {
    const b = (i: number): number => ts[p + i] ?? 0;
    expect(b(0)).toBe(0x47);
    const afc = Math.floor(b(3) / 16) % 4;
    let afLength = -1;
    let flags = 0;
    let pcr: number | undefined;
    let stuffing = 0;
    let payloadAt = 4;
    if (afc >= 2) {
      afLength = b(4);
      payloadAt = 5 + afLength;
      if (afLength > 0) {
        flags = b(5);
        let q = 6;
        if (flags & 0x10) {
          pcr =
            b(6) * 2 ** 25 + b(7) * 2 ** 17 + b(8) * 2 ** 9 + b(9) * 2 + Math.floor(b(10) / 128);
          expect(b(10) % 128).toBe(0x7e); // reserved bits set, extension 0
          expect(b(11)).toBe(0);
          q += 6;
        }
        for (; q < payloadAt; q++) {
          expect(b(q)).toBe(0xff);
          stuffing++;
        }
      }
    }
    out.push({
      pid: (b(1) % 32) * 256 + b(2),
      unitStart: b(1) >= 0x40,
      afc,
      cc: b(3) % 16,
      afLength,
      flags,
      pcr,
      stuffing,
      payload: afc % 2 === 1 ? ts.slice(p + payloadAt, p + 188) : new Uint8Array(0),
    });
  }
  return out;
}

function unitOf(bytes: Uint8Array, extra: Partial<PesUnit> = {}): PesUnit {
  return { pid: 0x100, parts: [bytes], length: bytes.length, randomAccess: false, ...extra };
}

function write(packetizer: TsPacketizer, unit: PesUnit): Uint8Array {
  const out = new Uint8Array(pesPacketCount(unit) * 188);
  expect(packetizer.writePes(out, 0, unit)).toBe(out.length);
  return out;
}

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 251);
}

function joined(packets: readonly Packet[]): Uint8Array {
  const all = new Uint8Array(packets.reduce((n, p) => n + p.payload.length, 0));
  let at = 0;
  for (const p of packets) {
    all.set(p.payload, at);
    at += p.payload.length;
  }
  return all;
}

describe('TsPacketizer PES', () => {
  it.each([
    // size, lead, packets, adaptation_field_length of the last packet (-1: none)
    [184, 'none', 1, -1],
    [183, 'none', 1, 0], // one stuffing byte: the lone length byte
    [182, 'none', 1, 1], // flags byte, no 0xFF
    [100, 'none', 1, 83],
    [185, 'none', 2, 182],
    [368, 'none', 2, -1],
    [369, 'none', 3, 182],
    [182, 'rai', 1, 1],
    [181, 'rai', 1, 2],
    [183, 'rai', 2, 182],
    [176, 'pcr', 1, 7],
    [175, 'pcr', 1, 8],
    [177, 'pcr', 2, 182],
  ] as const)('%i bytes, %s: %i packets, last AF length %i', (size, lead, count, lastAf) => {
    const data = bytes(size);
    const unit = unitOf(data, {
      randomAccess: lead !== 'none',
      pcr: lead === 'pcr' ? 2 ** 33 + 90000 : undefined,
    });
    expect(pesPacketCount(unit)).toBe(count);
    const packets = parse(write(new TsPacketizer(), unit));
    expect(packets).toHaveLength(count);
    expect(joined(packets)).toEqual(data);
    expect(packets.map((p) => p.unitStart)).toEqual(packets.map((_, i) => i === 0));
    expect(packets.at(-1)?.afLength).toBe(lastAf);
    const first = packets[0];
    expect(first?.flags).toBe(lead === 'none' ? 0 : lead === 'rai' ? 0x40 : 0x50);
    expect(first?.pcr).toBe(lead === 'pcr' ? 90000 : undefined); // PCR base modulo 2^33
    // Middle packets carry payload only.
    for (const p of packets.slice(1, -1)) expect(p.afc).toBe(1);
    if (lastAf > 1) {
      const last = packets.at(-1);
      const pcrBytes = last?.pcr === undefined ? 0 : 6;
      expect(last?.stuffing).toBe(lastAf - 1 - pcrBytes);
    }
  });

  it('continuity counters count per PID and wrap modulo 16', () => {
    const packetizer = new TsPacketizer();
    const ccs: number[] = [];
    for (let i = 0; i < 20; i++)
      ccs.push(...parse(write(packetizer, unitOf(bytes(10)))).map((p) => p.cc));
    expect(ccs).toEqual([...Array.from({ length: 16 }, (_, i) => i), 0, 1, 2, 3]);
    const other = parse(write(packetizer, unitOf(bytes(400), { pid: 0x101 })));
    expect(other.map((p) => [p.pid, p.cc])).toEqual([
      [0x101, 0],
      [0x101, 1],
      [0x101, 2],
    ]);
    expect(parse(write(packetizer, unitOf(bytes(10))))[0]?.cc).toBe(4);
  });

  it('a PCR-only packet repeats the counter of the last payload packet', () => {
    const packetizer = new TsPacketizer();
    const out = new Uint8Array(4 * 188);
    let at = packetizer.writePcrPacket(out, 0, 0x100, 5); // before any payload: 15, then 0
    at = packetizer.writePes(out, at, unitOf(bytes(200)));
    at = packetizer.writePcrPacket(out, at, 0x100, 2 ** 33 - 1);
    expect(at).toBe(out.length);
    const packets = parse(out);
    expect(packets.map((p) => [p.afc, p.cc])).toEqual([
      [2, 15],
      [1, 0],
      [3, 1],
      [2, 1],
    ]);
    expect(packets[3]).toMatchObject({
      afLength: 183,
      flags: 0x10,
      pcr: 2 ** 33 - 1,
      stuffing: 176,
    });
    expect(packets[3]?.unitStart).toBe(false);
  });

  it('a section fills one packet after a zero pointer_field', () => {
    const out = new Uint8Array(188);
    new TsPacketizer().writeSection(out, 0, 0x1000, Uint8Array.of(2, 0xb0, 1, 9));
    const [p] = parse(out);
    expect(p).toMatchObject({ pid: 0x1000, unitStart: true, afc: 1, cc: 0 });
    expect(Array.from(p?.payload.subarray(0, 6) ?? [])).toEqual([0, 2, 0xb0, 1, 9, 0xff]);
    expect(p?.payload.subarray(5).every((b) => b === 0xff)).toBe(true);
  });

  it('parts of any sizes are copied in order across packet boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (parts, randomAccess) => {
          const length = parts.reduce((n, p) => n + p.length, 0);
          fc.pre(length > 0);
          const unit: PesUnit = { pid: 0x42, parts, length, randomAccess };
          const packets = parse(write(new TsPacketizer(), unit));
          expect(joined(packets)).toEqual(Uint8Array.from(parts.flatMap((p) => Array.from(p))));
        },
      ),
      { numRuns: 300 },
    );
  });
});
