import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ChunkReader, MAX_CHUNK_SIZE } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType, controlMessage, encodeAbort, encodeSetChunkSize } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const hello = new TextEncoder().encode('hello');
const HELLO = '68656c6c6f';
const fill = (n: number, seed = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251);

const timestamps = (ms: RtmpMessage[]): number[] => ms.map((m) => m.timestamp);
/** Compact form for fast comparison of many messages. */
const prints = (ms: RtmpMessage[]): string[] =>
  ms.map(
    (m) => `${m.typeId}/${m.streamId}/${m.timestamp}/${Buffer.from(m.payload).toString('hex')}`,
  );

function catchError(f: () => unknown): RtmpProtocolError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RtmpProtocolError);
    return e as RtmpProtocolError;
  }
  throw new Error('expected an RtmpProtocolError');
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

describe('ChunkReader byte vectors (5.3.1)', () => {
  it('reads fmt 0, fmt 2 and fmt 3 headers with timestamp deltas', () => {
    const r = new ChunkReader();
    const out = r.push(
      bytes(`030003e8 00000514 00000000 ${HELLO}  83000028 ${HELLO}  c3 ${HELLO}
             4300002800000209 0102`),
    );
    expect(out).toEqual([
      { typeId: 20, streamId: 0, timestamp: 1000, payload: hello },
      { typeId: 20, streamId: 0, timestamp: 1040, payload: hello },
      { typeId: 20, streamId: 0, timestamp: 1080, payload: hello },
      { typeId: 9, streamId: 0, timestamp: 1120, payload: Uint8Array.of(1, 2) },
    ]);
  });

  it('reads the message stream id little-endian', () => {
    const [m] = new ChunkReader().push(bytes(`04000000 00000109 04030201 aa`));
    expect(m?.streamId).toBe(0x01020304);
  });

  it('gives fmt 3 after fmt 0 the fmt 0 timestamp as delta (5.3.1.2.4)', () => {
    const out = new ChunkReader().push(bytes(`03000028 00000108 01000000 aa  c3 bb  c3 cc`));
    expect(timestamps(out)).toEqual([40, 80, 120]);
  });

  it('decodes 2- and 3-byte chunk stream ids', () => {
    const r = new ChunkReader();
    const out = r.push(
      bytes(`0000 000001 00000108 00000000 01
             00ff 000002 00000108 00000000 02
             010001 000003 00000108 00000000 03
             01ffff 000004 00000108 00000000 04
             c0ff 05`),
    );
    expect(out.map((m) => [m.timestamp, m.payload[0]])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [4, 5], // fmt 3 on csid 319: delta = its fmt 0 timestamp
    ]);
  });

  it('reads extended timestamps, also repeated on fmt 3 continuations (5.3.1.3)', () => {
    const r = new ChunkReader();
    r.setChunkSize(2);
    const out = r.push(
      bytes(`03ffffff 00000508 01000000 01000000 0102 c3 01000000 0304 c3 01000000 05`),
    );
    expect(out).toEqual([
      { typeId: 8, streamId: 1, timestamp: 0x01000000, payload: Uint8Array.of(1, 2, 3, 4, 5) },
    ]);
  });

  it('accepts fmt 3 continuations without the extended timestamp (rtmpdump-era peers)', () => {
    const r = new ChunkReader();
    r.setChunkSize(2);
    const out = r.push(bytes(`03ffffff 00000508 01000000 01000000 0102 c3 0304 c3 05`));
    expect(out[0]?.payload).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
    // The same when the omitted field spans push() calls.
    const r2 = new ChunkReader();
    // Another message follows so the byte-wise path sees the bytes after the omission.
    r2.setChunkSize(2);
    const input = bytes(
      `03ffffff 00000508 01000000 01000000 0102 c3 0304 c3 05 03000000000001080000000009`,
    );
    const got: RtmpMessage[] = [];
    for (const b of input) got.push(...r2.push(Uint8Array.of(b)));
    expect(got[0]).toEqual(out[0]);
    expect(got[1]?.payload).toEqual(Uint8Array.of(9));
  });

  it('uses an extended delta on fmt 1/2 and on fmt 3 messages that repeat it', () => {
    const out = new ChunkReader().push(
      bytes(`03000010 00000108 00000000 01  83ffffff 01000000 02  c3 01000000 03`),
    );
    expect(timestamps(out)).toEqual([0x10, 0x01000010, 0x02000010]);
  });

  it('wraps timestamps whose deltas sum past 2^32', () => {
    const out = new ChunkReader().push(
      bytes(`03ffffff 00000108 00000000 ffffff00 01
             83000080 02  c3 03  c3 04  83ffffff ffffffff 05`),
    );
    expect(timestamps(out)).toEqual([0xffffff00, 0xffffff80, 0, 0x80, 0x7f]);
  });

  it('accepts fmt 1 on a fresh chunk stream (librtmp control messages)', () => {
    const out = new ChunkReader().push(bytes(`42000005 00000604 0007 00000001`));
    expect(out).toEqual([{ typeId: 4, streamId: 0, timestamp: 5, payload: bytes('000700000001') }]);
  });

  it('emits empty messages', () => {
    const out = new ChunkReader().push(bytes(`03000007 00000012 01000000  c3`));
    expect(out).toEqual([
      { typeId: 18, streamId: 1, timestamp: 7, payload: new Uint8Array(0) },
      { typeId: 18, streamId: 1, timestamp: 14, payload: new Uint8Array(0) },
    ]);
  });

  it('applies Set Chunk Size where it ends, within the same push', () => {
    const w = new ChunkWriter();
    const big = fill(1000);
    const setSize = w.write(2, controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(500)));
    w.setChunkSize(500);
    const data = w.write(6, { typeId: 9, streamId: 1, timestamp: 0, payload: big });
    const r = new ChunkReader();
    const out = r.push(concat([setSize, data]));
    expect(out.map((m) => m.typeId)).toEqual([1, 9]);
    expect(out[1]?.payload).toEqual(big);
    expect(r.chunkSize).toBe(500);
  });

  it('drops a partial message on Abort (5.4.2)', () => {
    const r = new ChunkReader();
    // 200-byte message on csid 3: first 128-byte chunk only.
    const head = concat([bytes('03000000 0000c809 01000000'), fill(128)]);
    expect(r.push(head)).toEqual([]);
    expect(r.bufferedBytes).toBe(200);
    const abort = concat([bytes('02000000 00000402 00000000'), encodeAbort(3)]);
    const fresh = bytes(`03000064 00000209 01000000 0a0b`);
    const out = r.push(concat([abort, fresh]));
    expect(out.map((m) => m.typeId)).toEqual([2, 9]);
    expect(out[1]).toEqual({
      typeId: 9,
      streamId: 1,
      timestamp: 100,
      payload: Uint8Array.of(10, 11),
    });
    expect(r.bufferedBytes).toBe(0);
  });

  it('abort() drops a partial message between chunks', () => {
    const r = new ChunkReader();
    r.push(concat([bytes('03000000 0000c809 01000000'), fill(128)]));
    r.abort(3);
    r.abort(99); // unknown: ignored
    expect(r.bufferedBytes).toBe(0);
    expect(r.push(bytes(`03000001 00000109 01000000 07`))[0]?.payload).toEqual(Uint8Array.of(7));
  });
});

describe('ChunkReader rejects hostile input', () => {
  const setChunkSize = (value: string): Uint8Array => bytes(`02000000 00000401 00000000 ${value}`);

  it('rejects chunk size 2^31-1, 0 and the top bit; accepts up to 2^24-1', () => {
    expect(catchError(() => new ChunkReader().push(setChunkSize('7fffffff'))).code).toBe(
      'BAD_CHUNK_SIZE',
    );
    expect(catchError(() => new ChunkReader().push(setChunkSize('00000000'))).code).toBe(
      'BAD_CHUNK_SIZE',
    );
    expect(catchError(() => new ChunkReader().push(setChunkSize('80000080'))).code).toBe(
      'BAD_CHUNK_SIZE',
    );
    expect(catchError(() => new ChunkReader().push(setChunkSize('01000000'))).code).toBe(
      'BAD_CHUNK_SIZE',
    );
    const r = new ChunkReader();
    r.push(setChunkSize('00ffffff'));
    expect(r.chunkSize).toBe(MAX_CHUNK_SIZE);
    r.push(setChunkSize('00000001'));
    expect(r.chunkSize).toBe(1);
    expect(() => r.setChunkSize(1.5)).toThrow(RtmpProtocolError);
  });

  it('stays failed after an error', () => {
    const r = new ChunkReader();
    const first = catchError(() => r.push(setChunkSize('7fffffff')));
    expect(catchError(() => r.push(bytes('03000000 00000109 00000000 01')))).toBe(first);
  });

  it('rejects fmt 2/3 on a fresh chunk stream and new headers mid-message', () => {
    expect(catchError(() => new ChunkReader().push(bytes('c3'))).code).toBe('BAD_CHUNK');
    expect(catchError(() => new ChunkReader().push(bytes('83000001'))).code).toBe('BAD_CHUNK');
    const midMessage = concat([
      bytes('03000000 0000c809 01000000'),
      fill(128),
      bytes('43000000 00000109 01'),
    ]);
    expect(catchError(() => new ChunkReader().push(midMessage)).code).toBe('BAD_CHUNK');
  });

  it('rejects messages above maxMessageBytes before buffering them', () => {
    const r = new ChunkReader({ maxMessageBytes: 1000 });
    r.setChunkSize(4096);
    expect(r.push(concat([bytes('03000000 0003e809 01000000'), fill(1000)])).length).toBe(1);
    expect(catchError(() => r.push(bytes('03000000 0003e909 01000000'))).code).toBe(
      'MESSAGE_TOO_LARGE',
    );
  });

  it('accepts a message of 2^24-1 bytes and buffers only what arrived', () => {
    const length = 0xffffff;
    const r = new ChunkReader();
    r.push(setChunkSize('00010000'));
    const w = new ChunkWriter({ chunkSize: 65536 });
    const payload = new Uint8Array(length);
    payload[0] = 1;
    payload[length - 1] = 2;
    const wire = w.write(6, { typeId: 9, streamId: 1, timestamp: 0, payload });
    // A peer that announces the full length but sends one chunk costs one 64 KiB buffer.
    expect(r.push(wire.subarray(0, 12 + 1000))).toEqual([]);
    expect(r.bufferedBytes).toBeLessThanOrEqual(65536);
    let out: RtmpMessage[] = [];
    for (let at = 12 + 1000; at < wire.length; at += 100_000) {
      out = out.concat(r.push(wire.subarray(at, at + 100_000)));
      expect(r.bufferedBytes).toBeLessThanOrEqual(length);
    }
    expect(out.length).toBe(1);
    expect(out[0]?.payload.length).toBe(length);
    expect(out[0]?.payload[length - 1]).toBe(2);
    expect(r.bufferedBytes).toBe(0);
  });

  it('bounds memory when many chunk streams announce 16 MB messages', () => {
    const r = new ChunkReader();
    for (let csid = 3; csid < 3 + 60; csid++) {
      r.push(
        concat([bytes(`${csid.toString(16).padStart(2, '0')}000000 ffffff09 01000000`), fill(128)]),
      );
    }
    expect(r.bufferedBytes).toBeLessThanOrEqual(60 * 64 * 1024);
  });

  it('enforces maxBufferedBytes across chunk streams', () => {
    const r = new ChunkReader({ maxBufferedBytes: 150_000 });
    r.push(setChunkSize('00010000'));
    r.push(concat([bytes('03000000 02000009 01000000'), fill(65536)]));
    r.push(concat([bytes('04000000 02000009 01000000'), fill(65536)]));
    expect(catchError(() => r.push(concat([bytes('c3'), fill(65536)]))).code).toBe('BUFFER_LIMIT');
  });

  it('rejects too many chunk streams', () => {
    const r = new ChunkReader();
    const one = (basic: string): Uint8Array => bytes(`${basic} 000000 00000108 00000000 00`);
    for (let csid = 2; csid < 64; csid++) r.push(one(csid.toString(16).padStart(2, '0')));
    r.push(one('0000')); // csid 64
    r.push(one('010001')); // csid 320: the 64th chunk stream
    expect(r.push(one('02'))).toHaveLength(1); // known streams still fine
    expect(catchError(() => r.push(one('0002'))).code).toBe('TOO_MANY_CHUNK_STREAMS');
    const small = new ChunkReader({ maxChunkStreams: 2 });
    small.push(bytes(`03000000 00000108 00000000 00 04000000 00000108 00000000 00`));
    expect(() => small.push(bytes(`05000000 00000108 00000000 00`))).toThrow(/more than 2/);
  });
});

/** Messages on a few chunk streams with growing, jumping and wrapping timestamps. */
const messagesArb = fc.array(
  fc.record({
    csid: fc.constantFrom(3, 4, 6, 63, 64, 319, 320, 65599),
    typeId: fc.constantFrom(8, 9, 18, 20),
    streamId: fc.constantFrom(0, 1, 0xffffffff),
    step: fc.oneof(fc.constantFrom(0, 1, 40, 0xffffff, 0x1000000), fc.nat({ max: 2 ** 32 - 1 })),
    length: fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 700 })),
  }),
  { minLength: 1, maxLength: 25 },
);

type MessageSpec = typeof messagesArb extends fc.Arbitrary<(infer T)[]> ? T : never;

function build(spec: MessageSpec[]): RtmpMessage[] {
  let t = 0;
  return spec.map((s, i) => {
    t = (t + s.step) % 2 ** 32;
    return { typeId: s.typeId, streamId: s.streamId, timestamp: t, payload: fill(s.length, i) };
  });
}

function serialize(messages: RtmpMessage[], csids: number[], chunkSize: number, compress: boolean) {
  const w = new ChunkWriter({ compress });
  const parts = [
    w.write(2, controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(chunkSize))),
  ];
  w.setChunkSize(chunkSize);
  messages.forEach((m, i) => parts.push(w.write(csids[i] ?? 3, m)));
  return concat(parts);
}

function readAll(wire: Uint8Array, cuts: number[]): RtmpMessage[] {
  const r = new ChunkReader();
  const out: RtmpMessage[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...r.push(wire.subarray(at, Math.max(at, cut))));
    at = Math.max(at, cut);
  }
  out.push(...r.push(wire.subarray(at)));
  expect(r.bufferedBytes).toBe(0);
  return out.filter((m) => m.typeId !== MessageType.SetChunkSize || m.streamId !== 0);
}

describe('ChunkWriter -> ChunkReader round trip', () => {
  const sample: RtmpMessage[] = [
    { typeId: 20, streamId: 0, timestamp: 0, payload: fill(150) },
    { typeId: 9, streamId: 1, timestamp: 0xfffff0, payload: fill(300, 1) },
    { typeId: 9, streamId: 1, timestamp: 0x1000020, payload: fill(300, 2) },
    { typeId: 9, streamId: 1, timestamp: 0x2000050, payload: fill(300, 3) },
    { typeId: 8, streamId: 1, timestamp: 0xfffffff0, payload: fill(7, 4) },
    { typeId: 8, streamId: 1, timestamp: 0x10, payload: fill(7, 5) },
    { typeId: 8, streamId: 1, timestamp: 0x20, payload: fill(7, 6) },
    { typeId: 18, streamId: 1, timestamp: 0x20, payload: new Uint8Array(0) },
  ];
  const csids = [3, 6, 6, 6, 4, 4, 4, 320];

  const expected = prints(sample);

  it('survives every chunk size from 1 to 400 and some large ones', () => {
    for (const compress of [true, false]) {
      for (let size = 1; size <= 400; size++) {
        expect(prints(readAll(serialize(sample, csids, size, compress), []))).toEqual(expected);
      }
      for (const size of [4096, 65536, MAX_CHUNK_SIZE]) {
        expect(prints(readAll(serialize(sample, csids, size, compress), []))).toEqual(expected);
      }
    }
  });

  it('survives every split point of the input, and byte-by-byte feeding', () => {
    for (const size of [1, 5, 128]) {
      const wire = serialize(sample, csids, size, true);
      for (let cut = 0; cut <= wire.length; cut++) {
        expect(prints(readAll(wire, [cut]))).toEqual(expected);
      }
      const byByte = Array.from({ length: wire.length }, (_, i) => i);
      expect(prints(readAll(wire, byByte))).toEqual(expected);
    }
  });

  it('survives random messages, chunk sizes and splits (property)', () => {
    fc.assert(
      fc.property(
        messagesArb,
        fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constantFrom(4096, 60000)),
        fc.boolean(),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 12 }),
        (spec, chunkSize, compress, cuts) => {
          const messages = build(spec);
          const wire = serialize(
            messages,
            spec.map((s) => s.csid),
            chunkSize,
            compress,
          );
          expect(prints(readAll(wire, cuts))).toEqual(prints(messages));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ChunkReader fuzz: only RtmpProtocolError, bounded memory', () => {
  const limits = { maxMessageBytes: 1 << 20, maxBufferedBytes: 4 << 20 };

  function feed(chunks: Uint8Array[]): void {
    const r = new ChunkReader(limits);
    try {
      for (const c of chunks) {
        r.push(c);
        expect(r.bufferedBytes).toBeLessThanOrEqual(limits.maxBufferedBytes);
      }
    } catch (e) {
      expect(e).toBeInstanceOf(RtmpProtocolError);
    }
  }

  it('random bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), feed), {
      numRuns: 1000,
    });
  });

  it('truncated and mutated valid streams', () => {
    fc.assert(
      fc.property(
        messagesArb,
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 8 }),
        fc.nat(),
        (spec, chunkSize, mutations, cutAt) => {
          const wire = serialize(
            build(spec),
            spec.map((s) => s.csid),
            chunkSize,
            true,
          );
          const truncated = wire.subarray(0, cutAt % (wire.length + 1));
          feed([truncated]);
          const mutated = wire.slice();
          for (const [at, value] of mutations) mutated[at % mutated.length] = value;
          feed([mutated.subarray(0, 7), mutated.subarray(7)]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
