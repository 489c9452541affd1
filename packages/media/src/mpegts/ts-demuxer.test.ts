import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChecksumError,
  MalformedError,
  MediaError,
  TruncatedError,
  UnsupportedError,
} from '../errors.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { cat, u32 } from '../test-support/bytes.js';
import { ffmpeg, readBytes, useTempDir } from '../test-support/ffmpeg.js';
import type { DemuxEvent, MediaPacket } from '../types.js';
import { TsDemuxer } from './ts-demuxer.js';

/*
 * Damage done to a real ffmpeg transport stream, packet by packet: the demuxer must say what
 * it saw (warnings with offsets), keep damaged frames away from decoders and carry on.
 */

const VIDEO_PID = 0x100; // ffmpeg's default PIDs
const AUDIO_PID = 0x101;
const PMT_PID = 0x1000;

let clean: Uint8Array = new Uint8Array(0);
let cleanEvents: DemuxEvent[] = [];

beforeAll(() => {
  const dir = useTempDir('tidecast-tsdamage-');
  const file = join(dir, 'av.ts');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', '1', '-c:v', 'libx264', '-g', '10', '-c:a', 'aac', '-f', 'mpegts', file],
  ]);
  clean = readBytes(file);
  cleanEvents = demux(clean);
});

function demux(bytes: Uint8Array): DemuxEvent[] {
  const d = new TsDemuxer();
  return [...d.push(bytes), ...d.flush()];
}

function packets(events: DemuxEvent[], kind?: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) =>
    e.type === 'packet' && (kind === undefined || e.packet.kind === kind) ? [e.packet] : [],
  );
}

function warnings(events: DemuxEvent[]): MediaError[] {
  return events.flatMap((e) => (e.type === 'warning' ? [e.error] : []));
}

/** The stream as a list of 188-byte packet copies. */
function split(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length / 188 }, (_, i) => bytes.slice(i * 188, i * 188 + 188));
}

const pid = (p: Uint8Array): number => ((p[1] ?? 0) % 32) * 256 + (p[2] ?? 0);
const unitStart = (p: Uint8Array): boolean => ((p[1] ?? 0) & 0x40) !== 0;
const adaptationLength = (p: Uint8Array): number => (((p[3] ?? 0) & 0x20) !== 0 ? (p[4] ?? 0) : -1);

/** Index of the n-th packet (from `from`) matching `test`. */
function find(list: Uint8Array[], test: (p: Uint8Array) => boolean, from = 0): number {
  const i = list.findIndex((p, k) => k >= from && test(p));
  if (i < 0) throw new Error('no such packet');
  return i;
}

describe('TsDemuxer on damaged input', () => {
  it('demuxes the clean stream without a warning', () => {
    expect(warnings(cleanEvents)).toEqual([]);
    expect(packets(cleanEvents, 'video')).toHaveLength(25);
    expect(packets(cleanEvents, 'audio').length).toBeGreaterThan(40);
  });

  it('skips junk before the first packet with one warning, 0x47 bytes in the junk included', () => {
    const junk = Uint8Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? 0x47 : i % 256));
    const events = demux(cat(junk, clean));
    expect(warnings(events)).toHaveLength(1);
    expect(warnings(events)[0]).toBeInstanceOf(MalformedError);
    expect(warnings(events)[0]?.offset).toBe(0);
    expect(packets(events)).toEqual(packets(cleanEvents));
  });

  it('resynchronizes after junk between packets, losing nothing', () => {
    const at = 188 * 40;
    const events = demux(cat(clean.subarray(0, at), [1, 2, 0x47, 4, 5, 6, 7], clean.subarray(at)));
    expect(warnings(events).map((w) => [w.constructor, w.offset])).toEqual([[MalformedError, at]]);
    expect(warnings(events)[0]?.message).toMatch(/lost sync/);
    expect(packets(events)).toEqual(packets(cleanEvents));
  });

  it('after bytes lost inside a packet: one warning, only the frame it belonged to is lost', () => {
    const list = split(clean);
    const k = find(list, (p) => pid(p) === VIDEO_PID && !unitStart(p), 60);
    const damaged = cat(...list.slice(0, k), list[k]?.subarray(0, 120) ?? [], ...list.slice(k + 1));
    const events = demux(damaged);
    expect(warnings(events).map((w) => [w.constructor, w.offset])).toEqual([
      [MalformedError, k * 188],
    ]);
    expect(warnings(events)[0]?.message).toMatch(/cut short, the next starts 120 bytes in/);
    const ours = packets(events, 'video');
    const all = packets(cleanEvents, 'video');
    expect(ours).toHaveLength(all.length - 1);
    expect(ours).toEqual(all.filter((p) => ours.some((q) => q.pts === p.pts)));
    expect(packets(events, 'audio')).toEqual(packets(cleanEvents, 'audio'));
  });

  it('drops the frame a lost packet belonged to (continuity_counter), and only that one', () => {
    const list = split(clean);
    const k = find(list, (p) => pid(p) === VIDEO_PID && !unitStart(p), 30);
    const events = demux(cat(...list.slice(0, k), ...list.slice(k + 1)));
    expect(warnings(events)).toHaveLength(1);
    expect(warnings(events)[0]?.message).toMatch(/continuity_counter on PID 256/);
    expect(warnings(events)[0]?.offset).toBe(k * 188);
    const all = packets(cleanEvents, 'video');
    const ours = packets(events, 'video');
    expect(ours).toHaveLength(all.length - 1);
    const missing = all.filter((p) => !ours.some((q) => q.pts === p.pts));
    expect(missing).toHaveLength(1);
    expect(ours).toEqual(all.filter((p) => p !== missing[0]));
    expect(packets(events, 'audio')).toEqual(packets(cleanEvents, 'audio'));
  });

  it('ignores a duplicate packet (same continuity_counter, 2.4.3.3)', () => {
    const list = split(clean);
    const k = find(list, (p) => pid(p) === AUDIO_PID && !unitStart(p), 20);
    const events = demux(cat(...list.slice(0, k + 1), list[k] ?? [], ...list.slice(k + 1)));
    expect(warnings(events)).toEqual([]);
    expect(packets(events)).toEqual(packets(cleanEvents));
  });

  it('accepts a counter jump flagged by discontinuity_indicator, reports an unflagged one', () => {
    const list = split(clean);
    const k = find(
      list,
      (p) => pid(p) === VIDEO_PID && unitStart(p) && adaptationLength(p) > 0,
      40,
    );
    const shifted = list.map((p, i) => {
      if (i < k || pid(p) !== VIDEO_PID) return p;
      const copy = p.slice();
      copy[3] = ((p[3] ?? 0) & 0xf0) + (((p[3] ?? 0) + 5) % 16);
      return copy;
    });
    expect(warnings(demux(cat(...shifted)))).toHaveLength(1);
    const flagged = shifted[k]?.slice() ?? new Uint8Array(0);
    flagged[5] = (flagged[5] ?? 0) | 0x80;
    const events = demux(cat(...shifted.slice(0, k), flagged, ...shifted.slice(k + 1)));
    expect(warnings(events)).toEqual([]);
    expect(packets(events)).toEqual(packets(cleanEvents));
  });

  it('reports a PMT with a wrong CRC (ChecksumError) and picks up the next good one', () => {
    const list = split(clean);
    const k = find(list, (p) => pid(p) === PMT_PID);
    const bad = list.map((p) => p);
    const copy = list[k]?.slice() ?? new Uint8Array(0);
    copy[20] = (copy[20] ?? 0) ^ 0x01;
    bad[k] = copy;
    const events = demux(cat(...bad));
    const [first, ...rest] = warnings(events);
    expect(first).toBeInstanceOf(ChecksumError);
    expect(first?.offset).toBe(k * 188);
    // Until the next PMT and keyframe, frames cannot be read.
    for (const w of rest) expect(w.message).toMatch(/before the first SPS\/PPS/);
    const ours = packets(events, 'video');
    expect(ours.length).toBeGreaterThan(10);
    expect(ours).toEqual(packets(cleanEvents, 'video').slice(-ours.length));
  });

  it('warns once about an unsupported stream_type and ignores that stream', () => {
    const list = split(clean).map((p) => {
      if (pid(p) !== PMT_PID) return p;
      const copy = p.slice();
      const start = 5 + (copy[4] ?? 0); // no adaptation field in ffmpeg's PMT packets
      const length = ((copy[start + 1] ?? 0) % 16) * 256 + (copy[start + 2] ?? 0);
      const end = start + 3 + length - 4;
      const infoLength = ((copy[start + 10] ?? 0) % 16) * 256 + (copy[start + 11] ?? 0);
      for (let i = start + 12 + infoLength; i < end;) {
        if (copy[i] === 0x0f) copy[i] = 0x81; // AAC -> AC-3
        i += 5 + ((copy[i + 3] ?? 0) % 16) * 256 + (copy[i + 4] ?? 0);
      }
      const crc = crc32Mpeg2(copy, start, end);
      copy.set(u32(crc), end);
      return copy;
    });
    const events = demux(cat(...list));
    expect(warnings(events)).toHaveLength(1);
    expect(warnings(events)[0]).toBeInstanceOf(UnsupportedError);
    expect(warnings(events)[0]?.message).toMatch(/stream_type 0x81/);
    expect(packets(events, 'audio')).toEqual([]);
    expect(packets(events, 'video')).toEqual(packets(cleanEvents, 'video'));
  });

  it('flush(): a truncated last packet is an error, and its unfinished frame is dropped', () => {
    const list = split(clean);
    const last = list[list.length - 1] ?? new Uint8Array(0);
    const events = demux(clean.subarray(0, clean.length - 100));
    const end = events[events.length - 1];
    expect(end?.type).toBe('error');
    expect(end?.type === 'error' && end.error).toBeInstanceOf(TruncatedError);
    expect(end?.type === 'error' && end.error.offset).toBe(clean.length - 188);
    const kind = pid(last) === VIDEO_PID ? 'video' : 'audio';
    const other = kind === 'video' ? 'audio' : 'video';
    const all = packets(cleanEvents, kind);
    const ours = packets(events, kind);
    expect(ours.length).toBeLessThan(all.length);
    expect(ours).toEqual(all.slice(0, ours.length));
    expect(packets(events, other)).toEqual(packets(cleanEvents, other));
  });

  it('is silent after an error until reset(), then reads a new stream', () => {
    const d = new TsDemuxer();
    d.push(clean.subarray(0, 1000));
    expect(d.flush().some((e) => e.type === 'error')).toBe(true);
    expect(d.push(clean)).toEqual([]);
    expect(d.flush()).toEqual([]);
    d.reset();
    expect([...d.push(clean), ...d.flush()]).toEqual(cleanEvents);
  });

  it('joins a stream in the middle: nothing comes out before the PAT/PMT and a keyframe', () => {
    const list = split(clean);
    const k = find(list, (p) => pid(p) === VIDEO_PID && !unitStart(p), 60);
    const events = demux(cat(...list.slice(k)));
    const ours = packets(events, 'video');
    expect(ours.length).toBeGreaterThan(5);
    expect(ours).toEqual(packets(cleanEvents, 'video').slice(-ours.length));
    for (const w of warnings(events)) expect(w.message).toMatch(/before the first SPS\/PPS/);
  });

  it('holds less than four packets of garbage, whatever arrives', () => {
    const d = new TsDemuxer();
    let seed = 7;
    const events: DemuxEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const chunk = Uint8Array.from({ length: 1000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % 7 === 0 ? 0x47 : seed % 256;
      });
      events.push(...d.push(chunk));
      expect(d.bufferedBytes).toBeLessThan(4 * 188);
    }
    events.push(...d.flush());
    expect(packets(events)).toEqual([]);
    for (const e of events)
      if (e.type !== 'track') expect('error' in e && e.error).toBeInstanceOf(MediaError);
  });
});
