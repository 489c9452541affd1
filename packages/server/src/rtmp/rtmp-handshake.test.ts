import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { RtmpProtocolError } from './rtmp-errors.js';
import { HANDSHAKE_SIZE, RtmpClientHandshake, RtmpServerHandshake } from './rtmp-handshake.js';
import type { HandshakeResult } from './rtmp-handshake.js';

// Keys written out independently of the implementation (librtmp/ffmpeg documentation).
const TAIL = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
const FP_TEXT = Buffer.from('Genuine Adobe Flash Player 001');
const FMS_TEXT = Buffer.from('Genuine Adobe Flash Media Server 001');
const FMS_FULL = Buffer.concat([FMS_TEXT, TAIL]);

const sha = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
/** Digest position: scheme 0 reads bytes 8..11, scheme 1 bytes 772..775. */
const position = (p: Uint8Array, scheme: 0 | 1): number => {
  const base = scheme === 0 ? 8 : 772;
  const sum = p.subarray(base, base + 4).reduce((a, b) => a + b, 0);
  return (sum % 728) + base + 4;
};
const digestAt = (p: Uint8Array, at: number, key: Uint8Array): Buffer =>
  sha(key, p.subarray(0, at), p.subarray(at + 32));

function seeded(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % 256;
    });
}

/** A Flash-Player-style C1 signed with the 30-byte player key. */
function digestC1(scheme: 0 | 1, seed: number): { c1: Uint8Array; digest: Buffer } {
  const c1 = seeded(seed)(HANDSHAKE_SIZE);
  c1.set([0, 0, 0, 0, 9, 0, 124, 2], 0);
  const at = position(c1, scheme);
  const digest = digestAt(c1, at, FP_TEXT);
  c1.set(digest, at);
  return { c1, digest };
}

function serverReply(c1: Uint8Array) {
  const server = new RtmpServerHandshake({ random: seeded(7), now: () => 1234 });
  const r = server.receive(Uint8Array.from([3, ...c1]));
  expect(r.done).toBe(false);
  const out = Buffer.concat(r.output);
  expect(out.length).toBe(1 + 2 * HANDSHAKE_SIZE);
  expect(out[0]).toBe(3);
  return {
    server,
    s1: out.subarray(1, 1 + HANDSHAKE_SIZE),
    s2: out.subarray(1 + HANDSHAKE_SIZE),
  };
}

describe('RtmpServerHandshake', () => {
  it('echoes C1 in S2 for a simple C1 (5.2.3, 5.2.4)', () => {
    const c1 = seeded(1)(HANDSHAKE_SIZE);
    c1.fill(0, 4, 8);
    const { server, s1, s2 } = serverReply(c1);
    expect(server.mode).toBe('simple');
    expect(s1.readUInt32BE(0)).toBe(1234);
    expect(s1.readUInt32BE(4)).toBe(0);
    expect(Buffer.compare(s2, Buffer.from(c1))).toBe(0);
  });

  for (const scheme of [0, 1] as const) {
    it(`answers a digest scheme ${scheme} C1 with signed S1 and S2`, () => {
      const { c1, digest } = digestC1(scheme, 11 + scheme);
      const { server, s1, s2 } = serverReply(c1);
      expect(server.mode).toBe(scheme === 0 ? 'digest0' : 'digest1');
      expect(s1.readUInt32BE(4)).not.toBe(0);
      // S1: digest at the same scheme's position, keyed by the 36-byte server key text.
      const at = position(s1, scheme);
      expect(digestAt(s1, at, FMS_TEXT).equals(s1.subarray(at, at + 32))).toBe(true);
      // S2: last 32 bytes = HMAC(HMAC(full server key, C1 digest), S2[0..1504]).
      const key = sha(FMS_FULL, digest);
      expect(sha(key, s2.subarray(0, 1504)).equals(s2.subarray(1504))).toBe(true);
    });
  }

  it('falls back to simple when the version is set but no digest validates', () => {
    const { c1 } = digestC1(0, 5);
    const at = position(c1, 0);
    c1[at] = (c1[at] ?? 0) ^ 1;
    const { server, s2 } = serverReply(c1);
    expect(server.mode).toBe('simple');
    expect(Buffer.compare(s2, Buffer.from(c1))).toBe(0);
  });

  it('completes after C2 and hands on the bytes after it, at any split', () => {
    const { c1 } = digestC1(0, 3);
    const input = Buffer.concat([
      Buffer.from([3]),
      c1,
      Buffer.alloc(HANDSHAKE_SIZE, 9),
      Buffer.from([0xaa, 0xbb]),
    ]);
    for (const cut of [0, 1, 2, 1000, 1537, 1538, 3072, 3073, input.length - 1]) {
      const server = new RtmpServerHandshake();
      const results: HandshakeResult[] = [
        server.receive(input.subarray(0, cut)),
        server.receive(input.subarray(cut)),
      ];
      expect(results.flatMap((r) => r.output).reduce((n, b) => n + b.length, 0)).toBe(3073);
      expect(results[1]?.done).toBe(true);
      // After done, receive() hands every byte straight back as rest.
      const rest = results.filter((r) => r.done).flatMap((r) => Array.from(r.rest));
      expect(rest).toEqual([0xaa, 0xbb]);
    }
  });

  it('rejects versions other than 3 (RTMPE 6, an HTTP request)', () => {
    for (const first of [6, 8, 0x47, 0]) {
      try {
        new RtmpServerHandshake().receive(Uint8Array.of(first, 0, 0));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(RtmpProtocolError);
        expect((e as RtmpProtocolError).code).toBe('BAD_VERSION');
      }
    }
  });

  it('takes random input without other errors, never buffering more than C0+C1+C2', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 6 }), (chunks) => {
        const server = new RtmpServerHandshake();
        let sent = 0;
        try {
          for (const c of chunks) {
            const r = server.receive(c);
            sent += r.output.reduce((n, b) => n + b.length, 0);
            if (r.done) break;
          }
          expect(sent === 0 || sent === 3073).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(RtmpProtocolError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('RtmpClientHandshake', () => {
  function run(client: RtmpClientHandshake, server: RtmpServerHandshake, tail: Uint8Array) {
    const c0c1 = client.start();
    const s = server.receive(c0c1);
    const c = client.receive(Buffer.concat([...s.output, tail]));
    expect(c.done).toBe(true);
    expect(Array.from(c.rest)).toEqual(Array.from(tail));
    const done = server.receive(Buffer.concat([...c.output, tail]));
    expect(done.done).toBe(true);
    expect(Array.from(done.rest)).toEqual(Array.from(tail));
    return c0c1;
  }

  it('does the digest handshake with our server (and signs C1 scheme 0 like ffmpeg)', () => {
    const client = new RtmpClientHandshake();
    const server = new RtmpServerHandshake();
    const c0c1 = run(client, server, Uint8Array.of(1, 2, 3));
    const c1 = c0c1.subarray(1);
    const at = position(c1, 0);
    expect(digestAt(c1, at, FP_TEXT).equals(c1.subarray(at, at + 32))).toBe(true);
    expect(server.mode).toBe('digest0');
    expect(client.mode).toBe('digest0');
  });

  it('does the simple handshake when asked', () => {
    const client = new RtmpClientHandshake({ digest: false });
    const server = new RtmpServerHandshake();
    const c0c1 = run(client, server, new Uint8Array(0));
    expect(Array.from(c0c1.subarray(5, 9))).toEqual([0, 0, 0, 0]);
    expect(server.mode).toBe('simple');
    expect(client.mode).toBe('simple');
  });

  it('rejects a server whose S2 does not sign our C1 digest', () => {
    const client = new RtmpClientHandshake();
    const server = new RtmpServerHandshake();
    const s = Buffer.concat(server.receive(client.start()).output);
    s.writeUInt8(s.readUInt8(s.length - 1) ^ 0xff, s.length - 1);
    expect(() => client.receive(s)).toThrow(/S2 signature/);
  });

  it('rejects misuse and a bad S0', () => {
    expect(() => new RtmpClientHandshake().receive(Uint8Array.of(3))).toThrow(RtmpProtocolError);
    const client = new RtmpClientHandshake();
    client.start();
    expect(() => client.start()).toThrow(RtmpProtocolError);
    expect(() => client.receive(Uint8Array.of(6))).toThrow(RtmpProtocolError);
  });
});
