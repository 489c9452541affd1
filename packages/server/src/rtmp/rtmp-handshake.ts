/**
 * RTMP handshake (Adobe RTMP spec 1.0, 5.2): simple (C1/S1 echo) and the digest ("complex")
 * handshake of Flash Player 9+ and FMS that ffmpeg, OBS and librtmp clients use.
 *
 * Digest handshake (not in the public spec; as documented by librtmp, ffmpeg and SRS): C1/S1
 * are time(4) version(4) then two 764-byte blocks. A 32-byte HMAC-SHA256 digest sits in one of
 * them at an offset given by the sum of four bytes modulo 728:
 *   'digest0': offset bytes at 8..11, digest at 12 + sum % 728 (ffmpeg, Flash Player);
 *   'digest1': offset bytes at 772..775, digest at 776 + sum % 728.
 * The digest covers the packet without the digest itself, keyed by the first 30 bytes of the
 * player key (C1) or the first 36 of the server key (S1). S2 (C2) ends with an HMAC of its first
 * 1504 bytes keyed by HMAC(full server (player) key, C1 (S1) digest).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { RtmpProtocolError } from './rtmp-errors.js';

export interface HandshakeResult {
  /** Bytes to send, in order. */
  output: Uint8Array[];
  /** True once the handshake is complete; `rest` then holds the first chunk stream bytes. */
  done: boolean;
  rest: Uint8Array;
}

/** Which handshake the peer's C1 (or S1) used. */
export type HandshakeMode = 'simple' | 'digest0' | 'digest1';

export interface HandshakeOptions {
  /** Random bytes source (tests pass a deterministic one); default node:crypto randomBytes. */
  random?: (length: number) => Uint8Array;
  /** Clock for the 4-byte time field, ms; default Date.now. */
  now?: () => number;
}

export const RTMP_VERSION = 3;
export const HANDSHAKE_SIZE = 1536;
const DIGEST_SIZE = 32;

const KEY_TAIL = [
  0xf0, 0xee, 0xc2, 0x4a, 0x80, 0x68, 0xbe, 0xe8, 0x2e, 0x00, 0xd0, 0xd1, 0x02, 0x9e, 0x7e, 0x57,
  0x6e, 0xec, 0x5d, 0x2d, 0x29, 0x80, 0x6f, 0xab, 0x93, 0xb8, 0xe6, 0x36, 0xcf, 0xeb, 0x31, 0xae,
];
const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));
/** 30-byte text + 32-byte tail: 62 bytes. */
export const PLAYER_KEY = Uint8Array.from([
  ...ascii('Genuine Adobe Flash Player 001'),
  ...KEY_TAIL,
]);
/** 36-byte text + 32-byte tail: 68 bytes. */
export const SERVER_KEY = Uint8Array.from([
  ...ascii('Genuine Adobe Flash Media Server 001'),
  ...KEY_TAIL,
]);
const PLAYER_KEY_TEXT = PLAYER_KEY.subarray(0, 30);
const SERVER_KEY_TEXT = SERVER_KEY.subarray(0, 36);

/** Where the digest sits in a C1/S1 for `mode` (see the file comment). */
export function digestOffset(packet: Uint8Array, mode: 'digest0' | 'digest1'): number {
  const base = mode === 'digest0' ? 8 : 772;
  let sum = 0;
  for (let i = base; i < base + 4; i++) sum += packet[i] ?? 0;
  return (sum % 728) + base + 4;
}

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The digest of a C1/S1 without its own 32 bytes at `offset`. */
function packetDigest(packet: Uint8Array, offset: number, key: Uint8Array): Uint8Array {
  return hmac(key, packet.subarray(0, offset), packet.subarray(offset + DIGEST_SIZE));
}

/** Finds a valid digest (trying both layouts); undefined when the packet has none. */
export function findDigest(
  packet: Uint8Array,
  key: Uint8Array,
): { mode: 'digest0' | 'digest1'; digest: Uint8Array } | undefined {
  for (const mode of ['digest0', 'digest1'] as const) {
    const offset = digestOffset(packet, mode);
    const digest = packet.subarray(offset, offset + DIGEST_SIZE);
    if (equalBytes(packetDigest(packet, offset, key), digest)) return { mode, digest };
  }
  return undefined;
}

/** Writes time, version and a digest into a random 1536-byte C1/S1. */
function makeDigestPacket(
  random: Uint8Array,
  time: number,
  version: readonly number[],
  mode: 'digest0' | 'digest1',
  key: Uint8Array,
): { packet: Uint8Array; digest: Uint8Array } {
  const packet = new Uint8Array(HANDSHAKE_SIZE);
  packet.set(random.subarray(0, HANDSHAKE_SIZE));
  writeTime(packet, time);
  packet.set(version, 4);
  const offset = digestOffset(packet, mode);
  const digest = packetDigest(packet, offset, key);
  packet.set(digest, offset);
  return { packet, digest };
}

/** A C2/S2 answering a digest C1/S1: random bytes signed by the peer's digest. */
function makeDigestEcho(random: Uint8Array, peerDigest: Uint8Array, fullKey: Uint8Array) {
  const packet = new Uint8Array(HANDSHAKE_SIZE);
  packet.set(random.subarray(0, HANDSHAKE_SIZE));
  const key = hmac(fullKey, peerDigest);
  packet.set(hmac(key, packet.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)), HANDSHAKE_SIZE - 32);
  return packet;
}

function echoSignatureValid(packet: Uint8Array, ownDigest: Uint8Array, fullKey: Uint8Array) {
  const key = hmac(fullKey, ownDigest);
  const expected = hmac(key, packet.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE));
  return equalBytes(expected, packet.subarray(HANDSHAKE_SIZE - DIGEST_SIZE));
}

function writeTime(packet: Uint8Array, time: number): void {
  new DataView(packet.buffer, packet.byteOffset, 4).setUint32(0, time % 4294967296);
}

function checkVersion(version: number | undefined, who: string): void {
  // 5.2.2: 3 is plain RTMP; 6 and 8 are encrypted RTMPE, anything else is not RTMP at all.
  if (version !== RTMP_VERSION) {
    throw new RtmpProtocolError('BAD_VERSION', `${who} asks for RTMP version ${version}, not 3`);
  }
}

/** Collects exactly `size` bytes across calls; the rest stays in the input. */
class Collector {
  private readonly buffer: Uint8Array;
  private filled = 0;
  constructor(size: number) {
    this.buffer = new Uint8Array(size);
  }
  get empty(): boolean {
    return this.filled === 0;
  }
  /** Returns the full buffer once complete, and what is left of `bytes`. */
  add(bytes: Uint8Array): { full: Uint8Array | undefined; rest: Uint8Array } {
    const n = Math.min(this.buffer.length - this.filled, bytes.length);
    this.buffer.set(bytes.subarray(0, n), this.filled);
    this.filled += n;
    const full = this.filled === this.buffer.length ? this.buffer : undefined;
    return { full, rest: bytes.subarray(n) };
  }
}

const EMPTY = new Uint8Array(0);
const defaultRandom = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
/** S1 version field for digest replies: non-zero means "digest handshake" (FMS 3.5.1.1 style). */
const SERVER_VERSION = [4, 5, 0, 1] as const;
/** C1 version field for digest clients (any non-zero value; Flash Player 9 style). */
const CLIENT_VERSION = [9, 0, 124, 2] as const;

export class RtmpServerHandshake {
  private readonly random: (length: number) => Uint8Array;
  private readonly now: () => number;
  private stage: 'c0c1' | 'c2' | 'done' = 'c0c1';
  private readonly c0c1 = new Collector(1 + HANDSHAKE_SIZE);
  private readonly c2 = new Collector(HANDSHAKE_SIZE);
  private detected: HandshakeMode | undefined;

  constructor(options: HandshakeOptions = {}) {
    this.random = options.random ?? defaultRandom;
    this.now = options.now ?? Date.now;
  }

  /** Feeds client bytes. S0+S1+S2 go out as soon as C1 is in; done after C2 (not checked). */
  receive(bytes: Uint8Array): HandshakeResult {
    const output: Uint8Array[] = [];
    let rest = bytes;
    if (this.stage === 'c0c1') {
      if (this.c0c1.empty && rest.length > 0) checkVersion(rest[0], 'C0');
      const r = this.c0c1.add(rest);
      rest = r.rest;
      if (!r.full) return { output, done: false, rest: EMPTY };
      output.push(this.reply(r.full.subarray(1)));
      this.stage = 'c2';
    }
    if (this.stage === 'c2') {
      const r = this.c2.add(rest);
      rest = r.rest;
      if (!r.full) return { output, done: false, rest: EMPTY };
      this.stage = 'done';
    }
    return { output, done: true, rest };
  }

  /** The mode the client's C1 used, once C1 has arrived. */
  get mode(): HandshakeMode | undefined {
    return this.detected;
  }

  /** S0 + S1 + S2 for this C1. A C1 without a valid digest gets the simple echo. */
  private reply(c1: Uint8Array): Uint8Array {
    const out = new Uint8Array(1 + 2 * HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    const time = this.now();
    const found = c1[4] || c1[5] || c1[6] || c1[7] ? findDigest(c1, PLAYER_KEY_TEXT) : undefined;
    if (found === undefined) {
      this.detected = 'simple';
      const s1 = new Uint8Array(HANDSHAKE_SIZE);
      s1.set(this.random(HANDSHAKE_SIZE).subarray(0, HANDSHAKE_SIZE));
      writeTime(s1, time);
      s1.fill(0, 4, 8); // zero version: simple handshake (5.2.3)
      out.set(s1, 1);
      out.set(c1, 1 + HANDSHAKE_SIZE); // S2 echoes C1 (5.2.4)
      return out;
    }
    this.detected = found.mode;
    const s1 = makeDigestPacket(
      this.random(HANDSHAKE_SIZE),
      time,
      SERVER_VERSION,
      found.mode,
      SERVER_KEY_TEXT,
    );
    out.set(s1.packet, 1);
    out.set(makeDigestEcho(this.random(HANDSHAKE_SIZE), found.digest, SERVER_KEY), 1 + 1536);
    return out;
  }
}

export interface ClientHandshakeOptions extends HandshakeOptions {
  /** Send a digest C1 like Flash Player / ffmpeg (default true); false sends a simple C1. */
  digest?: boolean;
}

export class RtmpClientHandshake {
  private readonly random: (length: number) => Uint8Array;
  private readonly now: () => number;
  private readonly digest: boolean;
  private stage: 'start' | 's0s1' | 's2' | 'done' = 'start';
  private readonly s0s1 = new Collector(1 + HANDSHAKE_SIZE);
  private readonly s2 = new Collector(HANDSHAKE_SIZE);
  private c1Digest: Uint8Array | undefined;
  private serverDigest = false;
  private detected: HandshakeMode | undefined;

  constructor(options: ClientHandshakeOptions = {}) {
    this.random = options.random ?? defaultRandom;
    this.now = options.now ?? Date.now;
    this.digest = options.digest ?? true;
  }

  /** C0 + C1. */
  start(): Uint8Array {
    if (this.stage !== 'start') {
      throw new RtmpProtocolError('BAD_STATE', 'client handshake already started');
    }
    this.stage = 's0s1';
    const out = new Uint8Array(1 + HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    const time = this.now();
    if (this.digest) {
      const c1 = makeDigestPacket(
        this.random(HANDSHAKE_SIZE),
        time,
        CLIENT_VERSION,
        'digest0',
        PLAYER_KEY_TEXT,
      );
      this.c1Digest = c1.digest;
      out.set(c1.packet, 1);
    } else {
      out.set(this.random(HANDSHAKE_SIZE).subarray(0, HANDSHAKE_SIZE), 1);
      writeTime(out.subarray(1), time);
      out.fill(0, 5, 9);
    }
    return out;
  }

  /** Feeds server bytes: C2 goes out once S1 is in; done after S2. */
  receive(bytes: Uint8Array): HandshakeResult {
    if (this.stage === 'start') {
      throw new RtmpProtocolError('BAD_STATE', 'call start() before receive()');
    }
    const output: Uint8Array[] = [];
    let rest = bytes;
    if (this.stage === 's0s1') {
      if (this.s0s1.empty && rest.length > 0) checkVersion(rest[0], 'S0');
      const r = this.s0s1.add(rest);
      rest = r.rest;
      if (!r.full) return { output, done: false, rest: EMPTY };
      output.push(this.answer(r.full.subarray(1)));
      this.stage = 's2';
    }
    if (this.stage === 's2') {
      const r = this.s2.add(rest);
      rest = r.rest;
      if (!r.full) return { output, done: false, rest: EMPTY };
      // Like ffmpeg: a server that signed S1 must also sign S2 with our C1 digest.
      if (this.serverDigest && this.c1Digest) {
        if (!echoSignatureValid(r.full, this.c1Digest, SERVER_KEY)) {
          throw new RtmpProtocolError('BAD_HANDSHAKE', 'S2 signature does not match C1 digest');
        }
      }
      this.stage = 'done';
    }
    return { output, done: true, rest };
  }

  /** The mode the server's S1 used, once S1 has arrived. */
  get mode(): HandshakeMode | undefined {
    return this.detected;
  }

  private answer(s1: Uint8Array): Uint8Array {
    const versioned = s1[4] || s1[5] || s1[6] || s1[7];
    const found = this.digest && versioned ? findDigest(s1, SERVER_KEY_TEXT) : undefined;
    if (found === undefined) {
      this.detected = 'simple';
      return s1.slice(); // C2 echoes S1 (5.2.4)
    }
    this.detected = found.mode;
    this.serverDigest = true;
    return makeDigestEcho(this.random(HANDSHAKE_SIZE), found.digest, PLAYER_KEY);
  }
}
